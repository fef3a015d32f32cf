/** Display helpers for decimal prices: fraction digits follow the currency (USD 2, JPY 0). */
// Building an Intl.NumberFormat costs tens of microseconds and this runs for every amount on every money path.
const DIGITS = new Map<string, number>();

export function currencyDigits(currency: string) {
  let digits = DIGITS.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2; // Non-ISO units (e.g. a stablecoin ticker) show cents.
    }
    if (DIGITS.size < 1000) DIGITS.set(currency, digits); // currency codes are validated, but keep it bounded anyway
  }
  return digits;
}

/** "12.5" in USD → "12.50". Works on the decimal string; never goes through a float. */
export function formatAmount(amount: string, currency: string) {
  const digits = currencyDigits(currency);
  const [int, frac = ""] = amount.split(".");
  if (digits === 0) return int!;
  return `${int}.${frac.padEnd(digits, "0").slice(0, Math.max(digits, frac.replace(/0+$/, "").length))}`;
}

/**
 * How many decimals a price may have in this currency: an ISO currency's minor unit (USD 2, JPY 0, BHD 3); a token
 * (not an ISO code, e.g. USDC) up to the ledger's 18, the chain rails refusing what the token cannot express.
 */
export function priceDecimals(currency: string) {
  if (!/^[A-Z]{3}$/.test(currency)) return 18;
  return currencyDigits(currency);
}

/** Whether a plain decimal string has no more decimals than the currency allows ("12.50" is fine in USD, "12.505" is not). */
export function fitsCurrency(amount: string, currency: string) {
  const frac = amount.split(".")[1]?.replace(/0+$/, "") ?? "";
  return frac.length <= priceDecimals(currency);
}
