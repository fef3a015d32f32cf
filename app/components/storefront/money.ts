/**
 * Buyer-facing money display and arithmetic. Prices stay decimal strings end to end; sums are done in integer
 * minor units (BigInt), never in floating point (docs/money.md).
 */
import { currencyDigits, formatAmount } from "#server/catalog/shared.ts";

const DECIMAL = /^\d+(\.\d+)?$/;

/** A shelf label: "Free" for a zero price, else formatPrice. */
export function priceLabel(amount: string, currency: string) {
  return /^0+(\.0+)?$/.test(amount) ? "Free" : formatPrice(amount, currency);
}

/** "1234.5" USD → "$1,234.50"; "79" USDC (not an ISO code) → "79.00 USDC". */
export function formatPrice(amount: string, currency: string) {
  const [int = "0", frac] = formatAmount(amount, currency).split(".");
  const number = `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${frac === undefined ? "" : `.${frac}`}`;
  const affix = currencyAffix(currency);
  if (!affix) return `${number}\u00a0${currency}`;
  const spaced = /^[A-Za-z]+$/.test(affix.symbol) ? "\u00a0" : "";
  return affix.before ? `${affix.symbol}${spaced}${number}` : `${number}${spaced || "\u00a0"}${affix.symbol}`;
}

const affixes = new Map<string, { symbol: string; before: boolean } | null>();

/** The currency symbol Intl uses in English and on which side of the number it goes; null for non-ISO units. */
function currencyAffix(currency: string) {
  if (affixes.has(currency)) return affixes.get(currency)!;
  let affix: { symbol: string; before: boolean } | null = null;
  try {
    const parts = new Intl.NumberFormat("en", { style: "currency", currency }).formatToParts(1);
    const symbolAt = parts.findIndex((p) => p.type === "currency");
    const numberAt = parts.findIndex((p) => p.type === "integer");
    if (symbolAt >= 0) affix = { symbol: parts[symbolAt]!.value, before: symbolAt < numberAt };
  } catch {
    affix = null;
  }
  affixes.set(currency, affix);
  return affix;
}

function fractionLength(amount: string) {
  return amount.split(".")[1]?.length ?? 0;
}

/** "12.5" at scale 2 → 1250n. The scale must be at least the amount's own fraction length. */
export function toMinorUnits(amount: string, scale: number) {
  if (!DECIMAL.test(amount) || fractionLength(amount) > scale) throw new RangeError(`Not a price at scale ${scale}: ${amount}`);
  const [int, frac = ""] = amount.split(".");
  return BigInt(int + frac.padEnd(scale, "0"));
}

/** 1250n at scale 2 → "12.50". */
export function fromMinorUnits(units: bigint, scale: number) {
  if (scale === 0) return units.toString();
  const digits = units.toString().padStart(scale + 1, "0");
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Σ price × quantity as a decimal string, exact: computed in the smallest unit any of the prices uses. */
export function sumLines(lines: { price: string; quantity: number }[], currency: string) {
  const scale = Math.max(currencyDigits(currency), ...lines.map((l) => fractionLength(l.price)));
  const total = lines.reduce((sum, l) => sum + toMinorUnits(l.price, scale) * BigInt(l.quantity), BigInt(0));
  return fromMinorUnits(total, scale);
}
