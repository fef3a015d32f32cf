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
