/** Browser-safe part of the catalog: the item schemas the dashboard forms share with the server, and money formatting. */
export * from "./schemas.ts";
export * from "./bounds.ts";
export { formatAmount, currencyDigits, priceDecimals } from "./money.ts";
export { slugify, isCanonicalSlug, MAX_SLUG } from "./slug.ts";
