import { describe, expect, it } from "vitest";
import { findUnsafeText } from "./unsafe-text.ts";

describe("findUnsafeText", () => {
  it("reports the first unsafe string or key in document order", () => {
    expect(findUnsafeText({ a: "fine", b: ["ok", "x\u0000"], c: "\ud800" })).toBe("b.1");
    expect(findUnsafeText({ ["k\u0000"]: 1 })).toBe("k\u0000");
    expect(findUnsafeText({ a: [{ b: "😀" }] })).toBeNull();
  });

  // Found by tests/fuzz-bodies.test.ts: a 60 KB JSON body nested 30,000 deep overflowed the recursive walk (a 500).
  it("walks bodies nested deeper than the call stack", () => {
    const depth = 200_000;
    expect(findUnsafeText(JSON.parse("[".repeat(depth) + "]".repeat(depth)))).toBeNull();
    expect(findUnsafeText(JSON.parse('{"a":'.repeat(depth) + '"\\u0000"' + "}".repeat(depth)))).toBe(Array(depth).fill("a").join("."));
  });
});
