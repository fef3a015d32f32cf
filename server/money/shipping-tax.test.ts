/**
 * Shipping and tax arithmetic (ADR 035), property-tested over random carts with fast-check: the totals are checked
 * against bounds computed independently with BigInt cross-multiplication, never against the code's own formula.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ShippingTaxSettings } from "#server/shipping/shared.ts";
import { cartTotals, lineTax, ratePrice, shippingOffers, type PricedLine } from "./shipping-tax.ts";

const CURRENCIES = [{ code: "USD", digits: 2 }, { code: "JPY", digits: 0 }, { code: "BHD", digits: 3 }];

/** Minor units (an integer) → a decimal string with `digits` places, e.g. 1234n, 2 → "12.34". */
function text(minor: bigint, digits: number) {
  if (digits === 0) return minor.toString();
  const s = minor.toString().padStart(digits + 1, "0");
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
/** A decimal string → minor units, refusing any digit beyond the currency's (the "to the currency's digits" check). */
function minor(amount: string, digits: number) {
  const [int, frac = ""] = amount.split(".");
  expect(frac.replace(/0+$/, "").length, `${amount} has more than ${digits} decimals`).toBeLessThanOrEqual(digits);
  return BigInt(int!) * 10n ** BigInt(digits) + BigInt(frac.padEnd(digits, "0").slice(0, digits) || "0");
}

const cartArb = fc.record({
  currency: fc.constantFrom(...CURRENCIES),
  inclusive: fc.boolean(),
  shippingMinor: fc.bigInt({ min: 0n, max: 100_000n }),
  lines: fc.array(fc.record({ unitMinor: fc.bigInt({ min: 0n, max: 10_000_000n }), quantity: fc.integer({ min: 1, max: 50 }), rateBps: fc.integer({ min: 0, max: 10_000 }) }), { minLength: 1, maxLength: 8 }),
});

describe("tax on random carts", () => {
  it("rounds each line half-up to the currency's digits and adds the parts to the total exactly", () => {
    fc.assert(fc.property(cartArb, ({ currency: { code: currency, digits }, inclusive, shippingMinor, lines }) => {
      const settings: ShippingTaxSettings = {
        pricesIncludeTax: inclusive, zones: [],
        taxRates: lines.map((l, i) => ({ country: "DE", category: `c${i}`, rateBps: l.rateBps })),
      };
      const priced: PricedLine[] = lines.map((l, i) => ({
        itemId: `i${i}`, category: `c${i}`, kind: "physical", quantity: l.quantity, weightGrams: null, lineTotal: text(l.unitMinor * BigInt(l.quantity), digits),
      }));
      const t = cartTotals(settings, "DE", priced, text(shippingMinor, digits), currency);
      let taxSum = 0n;
      lines.forEach((l, i) => {
        const base = l.unitMinor * BigInt(l.quantity);
        const tax = minor(t.taxDetail.lines[i]!.tax, digits);
        // The exact tax is base·r/den (den = 10000, or 10000 + r when inclusive). Half-up rounding to a whole minor
        // unit means −½ < tax − exact ≤ ½, i.e. −den < 2·(tax·den − base·r) ≤ den, all in integers.
        const den = inclusive ? 10_000n + BigInt(l.rateBps) : 10_000n;
        const diff2 = 2n * (tax * den - base * BigInt(l.rateBps)); // 2·den·(tax − exact)
        expect(diff2 > -den && diff2 <= den, `line ${i}: tax ${tax} of ${base} at ${l.rateBps} bps`).toBe(true);
        taxSum += tax;
      });
      const subtotal = lines.reduce((s, l) => s + l.unitMinor * BigInt(l.quantity), 0n);
      expect(minor(t.subtotal, digits)).toBe(subtotal);
      expect(minor(t.tax, digits)).toBe(taxSum);
      expect(minor(t.total, digits)).toBe(subtotal + shippingMinor + (inclusive ? 0n : taxSum));
      if (inclusive) expect(taxSum <= subtotal).toBe(true);
    }), { numRuns: 400, seed: 35 });
  });

  it("rounds an exact half up and a below-half down", () => {
    expect(lineTax("0.05", 1000, false, "USD")).toBe("0.01"); // 0.005 → 0.01
    expect(lineTax("0.04", 1000, false, "USD")).toBe("0"); // 0.004 → 0.00
    expect(lineTax("40", 1900, true, "USD")).toBe("6.39"); // 6.3865…
    expect(lineTax("105", 500, false, "JPY")).toBe("5"); // 5.25 → 5
    expect(lineTax("110", 500, false, "JPY")).toBe("6"); // 5.5 → 6
  });
});

describe("shipping rates", () => {
  const weight = { id: "std", name: "Standard", kind: "weight" as const, bands: [{ upTo: "1000", amount: "4.90" }, { upTo: "5000", amount: "9.90" }], freeOver: "100", minDays: 2, maxDays: 5 };
  it("picks the band the cart falls in, free over the threshold, none above the last band", () => {
    expect(ratePrice(weight, { subtotal: "10", weightGrams: 0 })).toBe("4.9");
    expect(ratePrice(weight, { subtotal: "10", weightGrams: 1000 })).toBe("4.9");
    expect(ratePrice(weight, { subtotal: "10", weightGrams: 1001 })).toBe("9.9");
    expect(ratePrice(weight, { subtotal: "100", weightGrams: 1001 })).toBe("0");
    expect(ratePrice(weight, { subtotal: "10", weightGrams: 5001 })).toBeNull();
    const value = { ...weight, kind: "value" as const, bands: [{ upTo: "50", amount: "20" }], freeOver: null };
    expect(ratePrice(value, { subtotal: "50.00", weightGrams: 0 })).toBe("20");
    expect(ratePrice(value, { subtotal: "50.01", weightGrams: 0 })).toBeNull();
  });

  it("offers nothing to a country outside every zone, and weighs only physical lines", () => {
    const settings: ShippingTaxSettings = { pricesIncludeTax: false, taxRates: [], zones: [{ id: "eu", name: "EU", countries: ["DE"], rates: [weight] }] };
    const lines: PricedLine[] = [
      { itemId: "a", category: null, kind: "physical", quantity: 2, weightGrams: 600, lineTotal: "20" },
      { itemId: "b", category: null, kind: "digital", quantity: 1, weightGrams: 5000, lineTotal: "5" },
    ];
    expect(shippingOffers(settings, "US", lines)).toBeNull();
    expect(shippingOffers(settings, "DE", lines)).toEqual([{ id: "std", name: "Standard", amount: "9.9", minDays: 2, maxDays: 5 }]);
  });
});
