/**
 * Decimal amounts ↔ a token's base units (docs/money.md "Amounts"): exact BigInt arithmetic on the decimal string,
 * never a float. An amount with more fractional digits than the token has cannot be paid exactly: null.
 */
const DECIMAL = /^(\d{1,60})(?:\.(\d{1,36}))?$/;

export function toBaseUnits(amount: string, decimals: number): bigint | null {
  const m = DECIMAL.exec(amount.trim());
  if (!m) return null;
  const frac = (m[2] ?? "").replace(/0+$/, "");
  if (frac.length > decimals) return null;
  return BigInt(m[1]!) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, "0") || "0");
}

export function fromBaseUnits(units: bigint, decimals: number): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const one = 10n ** BigInt(decimals);
  const frac = decimals === 0 ? "" : (abs % one).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${abs / one}${frac ? `.${frac}` : ""}`;
}
