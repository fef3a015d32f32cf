/** Browser-safe part of tenancy: the brand schema and colour helpers, and the payment policy form. */
export { brandSchema, brandCssVariables, readableForeground, contrastRatio, DEFAULT_BRAND, FONT_FAMILIES, type Brand } from "./brand.ts";
export { PAYMENT_RAILS, paymentPolicySchema, type PaymentPolicyInput } from "./policy-schema.ts";
export { invoiceInstructionsSchema, orderReference, referenceFor, looksLikeIban, ibanChecksumOk, type InvoiceInstructions } from "./invoice-instructions.ts";
export { timeZoneSchema, isTimeZone } from "./time-zone.ts";

/** What a buyer is told while the shop is paused (checkout's 409 SHOP_PAUSED and the storefront banner; ADR 032). */
export const SHOP_PAUSED_MESSAGE = "This shop is not taking new orders right now. Please come back later.";
