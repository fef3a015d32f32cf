/**
 * Amount and quantity bounds (issue "Hardening", finding 2; docs/money.md "Amounts"). Chosen so that nothing a shop or a
 * buyer can enter ever overflows the ledger's numeric(38,18) (20 integer digits) or a Postgres integer: the API
 * refuses past them with 400 VALIDATION_ERROR, and migration 20261207010000_money_bounds enforces them as CHECKs.
 * Browser-safe (the dashboard forms validate with them too).
 */
/** A price has at most 12 integer digits (below 1e12); the database allows up to 1e12. */
export const MAX_PRICE_INTEGER_DIGITS = 12;
export const MAX_PRICE = "1000000000000";
/** Units of one item in one order line (the database allows up to 10,000). */
export const MAX_LINE_QUANTITY = 100;
/** Lines in one order. */
export const MAX_ORDER_LINES = 50;
/** An order's total (and so any one ledger entry, which never exceeds an order's total). */
export const MAX_ORDER_TOTAL = "1000000000000000";
/** Stock of an item, and how far one adjustment may move it; the result stays within 0..MAX_STOCK. */
export const MAX_STOCK = 1_000_000_000;
