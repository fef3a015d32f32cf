import { describe, expect, it } from "vitest";
import { drawableRun, isolateLtr, visualRuns } from "./bidi-text.ts";

const visual = (text: string, dir: "ltr" | "rtl") => visualRuns(text, dir).map((r) => `${r.rtl ? "R" : "L"}:${r.text}`);

describe("bidi runs", () => {
  it("puts a right-to-left line's runs in visual order, numbers and Latin kept left to right", () => {
    expect(visual("جمع کل: 40.00 USD", "rtl")).toEqual(["L:USD", "R: ", "L:40.00", "R:جمع کل: "]);
    // Isolated, an amount stays one unit: "40.00 USD" reads as written.
    expect(visual(`جمع کل: ${isolateLtr("40.00 USD")}`, "rtl")).toEqual(["L:40.00 USD", "R:جمع کل: "]);
  });

  it("leaves a left-to-right line alone and reverses only its Persian words' order", () => {
    expect(visual("Lamp", "ltr")).toEqual(["L:Lamp"]);
    expect(visual("Shop: چراغ نو", "ltr")).toEqual(["L:Shop: ", "R:چراغ نو"]);
  });

  it("mirrors brackets in right-to-left runs; reverses runs without Arabic letters (fontkit reverses the others)", () => {
    expect(drawableRun({ text: "(سفید)", rtl: true })).toBe(")سفید(");
    expect(drawableRun({ text: ": (", rtl: true })).toBe(") :");
    expect(drawableRun({ text: "(x)", rtl: false })).toBe("(x)");
  });
});
