/** Browser-safe part of chain: exact conversions between decimal amounts and a token's base units. */
export { toBaseUnits, fromBaseUnits } from "./units.ts";
