/** Display helpers for decimal prices: fraction digits follow the currency (USD 2, JPY 0). */
export function currencyDigits(currency: string) {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2; // Non-ISO units (e.g. a stablecoin ticker) show cents.
  }
}

/** "12.5" in USD → "12.50". Works on the decimal string; never goes through a float. */
export function formatAmount(amount: string, currency: string) {
  const digits = currencyDigits(currency);
  const [int, frac = ""] = amount.split(".");
  if (digits === 0) return int!;
  return `${int}.${frac.padEnd(digits, "0").slice(0, Math.max(digits, frac.replace(/0+$/, "").length))}`;
}
