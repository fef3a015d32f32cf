import { describe, expect, it } from "vitest";
import { brandSchema, contrastRatio, readableForeground } from "./brand.ts";

describe("brand", () => {
  it("picks a foreground that keeps WCAG AA contrast on brand colours", () => {
    for (const bg of ["#ffffff", "#000000", "#ffcc00", "#1e3a8a", "#e11d48", "#22c55e", "#777777"]) {
      expect(contrastRatio(bg, readableForeground(bg))).toBeGreaterThanOrEqual(4.5);
    }
  });
  it("refuses bad colours and unknown keys", () => {
    expect(brandSchema.safeParse({ displayName: "A", primaryColor: "red", accentColor: "#000000" }).success).toBe(false);
    expect(brandSchema.safeParse({ displayName: "A", primaryColor: "#000000", accentColor: "#000000", x: 1 }).success).toBe(false);
    expect(brandSchema.parse({ displayName: "A", primaryColor: "#ABCDEF", accentColor: "#000000" }).primaryColor).toBe("#abcdef");
  });
});
