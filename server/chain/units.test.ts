import { describe, expect, it } from "vitest";
import { fromBaseUnits, toBaseUnits } from "./units.ts";

describe("token base units", () => {
  it("converts exact decimals both ways", () => {
    expect(toBaseUnits("12.5", 6)).toBe(12_500_000n);
    expect(toBaseUnits("12.500000", 6)).toBe(12_500_000n);
    expect(toBaseUnits("0.000001", 6)).toBe(1n);
    expect(toBaseUnits("123456789012345678.123456", 6)).toBe(123456789012345678123456n);
    expect(fromBaseUnits(12_500_000n, 6)).toBe("12.5");
    expect(fromBaseUnits(1n, 18)).toBe("0.000000000000000001");
    expect(fromBaseUnits(7n, 0)).toBe("7");
  });
  it("refuses what the token cannot express, and anything that is not a plain decimal", () => {
    expect(toBaseUnits("0.0000001", 6)).toBeNull();
    expect(toBaseUnits("1.5", 0)).toBeNull();
    expect(toBaseUnits("-1", 6)).toBeNull();
    expect(toBaseUnits("1e3", 6)).toBeNull();
  });
});
