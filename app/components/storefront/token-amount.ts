/** A token amount from its base units (a bigint as decimal text), exactly: BigInt string math, never a float. */
import { fromBaseUnits } from "#server/chain/shared.ts";

const BASE_UNITS = /^\d{1,78}$/;

/** "12500000", 6 → "12.5". Throws on anything but a non-negative integer in decimal text. */
export function tokenAmount(baseUnits: string, decimals: number) {
  if (!BASE_UNITS.test(baseUnits)) throw new Error(`not an amount in base units: ${baseUnits}`);
  return fromBaseUnits(BigInt(baseUnits), decimals);
}

/** "12500000", 6, "USDC" → "12.5 USDC" (no grouping: the number is one a buyer may copy into a wallet). */
export function tokenAmountLabel(baseUnits: string, decimals: number, symbol: string) {
  return `${tokenAmount(baseUnits, decimals)}\u00a0${symbol}`;
}
