/** Browser-safe part of tenancy: the brand schema and colour helpers, and the payment policy form. */
export { brandSchema, brandCssVariables, readableForeground, contrastRatio, DEFAULT_BRAND, FONT_FAMILIES, type Brand } from "./brand.ts";
export { PAYMENT_RAILS, paymentPolicySchema, type PaymentPolicyInput } from "./policy-schema.ts";
export { invoiceInstructionsSchema, orderReference, referenceFor, looksLikeIban, ibanChecksumOk, type InvoiceInstructions } from "./invoice-instructions.ts";
export { timeZoneSchema, isTimeZone } from "./time-zone.ts";
