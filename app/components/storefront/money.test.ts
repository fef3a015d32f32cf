import { describe, expect, it } from "vitest";
import { formatPrice, fromMinorUnits, sumLines, toMinorUnits } from "./money.ts";

describe("storefront money", () => {
  it("formats decimal strings with the currency's symbol and digits", () => {
    expect(formatPrice("129", "USD")).toBe("$129.00");
    expect(formatPrice("1234.5", "USD")).toBe("$1,234.50");
    expect(formatPrice("42.00", "EUR")).toBe("€42.00");
    expect(formatPrice("1500", "JPY")).toBe("¥1,500");
    expect(formatPrice("79", "USDC")).toBe("79.00\u00a0USDC");
    expect(formatPrice("12", "CHF")).toBe("CHF\u00a012.00");
  });

  it("sums in integer minor units, without float drift", () => {
    expect(toMinorUnits("0.1", 2)).toBe(BigInt(10));
    expect(fromMinorUnits(BigInt(5), 2)).toBe("0.05");
    expect(sumLines([{ price: "0.10", quantity: 1 }, { price: "0.20", quantity: 1 }], "USD")).toBe("0.30");
    expect(sumLines([{ price: "19.99", quantity: 3 }, { price: "9.99", quantity: 7 }], "USD")).toBe("129.90");
    expect(sumLines([{ price: "1.005", quantity: 2 }], "USD")).toBe("2.010");
    expect(sumLines([], "EUR")).toBe("0.00");
    expect(sumLines([{ price: "100", quantity: 3 }], "JPY")).toBe("300");
    expect(sumLines([{ price: "123456789012345678.99", quantity: 1000 }], "USD")).toBe("123456789012345678990.00");
  });

  it("refuses anything that is not a plain decimal", () => {
    expect(() => toMinorUnits("1e3", 2)).toThrow(RangeError);
    expect(() => toMinorUnits("-1", 2)).toThrow(RangeError);
  });
});
