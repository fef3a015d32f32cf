import { describe, expect, it } from "vitest";
import { timeZoneSchema } from "./time-zone.ts";

describe("timeZoneSchema", () => {
  it("takes IANA names in Intl's canonical spelling", () => {
    expect(timeZoneSchema.parse("Europe/Berlin")).toBe("Europe/Berlin");
    // Intl (CLDR) canonicalises to the older IANA link, which Postgres knows as well.
    expect(timeZoneSchema.parse("America/Argentina/Buenos_Aires")).toBe("America/Buenos_Aires");
    expect(timeZoneSchema.parse("UTC")).toBe("UTC");
    expect(timeZoneSchema.parse("europe/berlin")).toBe("Europe/Berlin");
  });

  it("refuses unknown names and offsets Postgres would read with the other sign", () => {
    for (const bad of ["Mars/Olympus", "+03:00", "-05:00", "", "Europe/Berlin; DROP TABLE tenants", "x".repeat(65)]) {
      expect(timeZoneSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});
