import { describe, expect, it } from "vitest";
import { isTestKey, minorUnits, stripeExponent } from "./client.ts";

describe("Stripe minor units", () => {
  it("follows Stripe's exponents: two by default, zero-decimal (JPY), three-decimal with a trailing zero (KWD)", () => {
    expect(minorUnits("12.34", "USD")).toBe(1234n);
    expect(minorUnits("12.345", "USD")).toBeNull();
    expect(minorUnits("1500", "JPY")).toBe(1500n);
    expect(minorUnits("1500.5", "JPY")).toBeNull();
    expect(stripeExponent("KWD")).toBe(3);
    expect(minorUnits("1.23", "KWD")).toBe(1230n);
    expect(minorUnits("1.235", "KWD")).toBeNull();
    expect(minorUnits("0", "USD")).toBeNull();
    expect(minorUnits("5", "USDC")).toBeNull();
  });
  it("tells test keys from live ones", () => {
    expect(isTestKey("sk_test_abc")).toBe(true);
    expect(isTestKey("rk_test_abc")).toBe(true);
    expect(isTestKey("sk_live_abc")).toBe(false);
  });
});
