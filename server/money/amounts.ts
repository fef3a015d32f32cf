/**
 * Decimal-string arithmetic for money (docs/money.md "Amounts"): amounts are parsed into BigInt units of 10^-18, the
 * scale of numeric(38,18), and printed back as plain decimal strings. No float ever touches an amount.
 */
import prismaClientPkg from "@prisma/client";
import { currencyDigits } from "#server/catalog/index.ts";

// @prisma/client is CommonJS: take the namespace off the default export (see server/db/client.ts).
const { Prisma } = prismaClientPkg;

const SCALE = 18;
const ONE = 10n ** BigInt(SCALE);
const DECIMAL = /^(-)?(\d{1,20})(?:\.(\d{1,18}))?$/;

export function toUnits(amount: string): bigint {
  const m = DECIMAL.exec(amount.trim());
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const units = BigInt(m[2]!) * ONE + BigInt((m[3] ?? "").padEnd(SCALE, "0"));
  return m[1] ? -units : units;
}

export function fromUnits(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const int = abs / ONE;
  const frac = (abs % ONE).toString().padStart(SCALE, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

/** Canonical form of a decimal string ("12.50" → "12.5"), for comparisons and ledger input. */
export const canonical = (amount: string) => fromUnits(toUnits(amount));

export const sumAmounts = (amounts: string[]) => fromUnits(amounts.reduce((s, a) => s + toUnits(a), 0n));
export const negate = (amount: string) => fromUnits(-toUnits(amount));
export const times = (amount: string, quantity: number) => fromUnits(toUnits(amount) * BigInt(quantity));
export const minus = (left: string, right: string) => fromUnits(toUnits(left) - toUnits(right));
export const compare = (left: string, right: string) => (toUnits(left) === toUnits(right) ? 0 : toUnits(left) > toUnits(right) ? 1 : -1);

/** The platform fee: total × bps / 10 000, rounded down to the currency's minor unit (the merchant keeps the rest). */
export function feeOf(total: string, bps: number, currency: string): string {
  const raw = (toUnits(total) * BigInt(bps)) / 10_000n;
  const step = 10n ** BigInt(SCALE - Math.min(currencyDigits(currency), SCALE));
  return fromUnits((raw / step) * step);
}

/** 250 → "2.5 %", without floating point. */
export function percentOfBps(bps: number) {
  const frac = String(bps % 100).padStart(2, "0").replace(/0+$/, "");
  return `${Math.floor(bps / 100)}${frac ? `.${frac}` : ""} %`;
}

/** An amount as text, whether it came as a decimal string or as Prisma's Decimal. */
export const amountText = (amount: { toFixed(): string } | string) => (typeof amount === "string" ? amount : amount.toFixed());

/** A decimal string as the Decimal Prisma returns, for rows built without a read (checkout's new order). */
export const decimal = (amount: string) => new Prisma.Decimal(amount);
