/** Shipping zones, rates and tax settings (ADR 035): the public entry. Checkout prices them in server/money. */
export * from "./shared.ts";
export { getShippingTax, putShippingTax, type ShippingTaxView } from "./store.ts";
