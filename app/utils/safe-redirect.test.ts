import { describe, expect, it } from "vitest";
import { safeRedirect } from "./auth.server.ts";

const FALLBACK = "/fallback";

describe("safeRedirect (open redirects after sign-in)", () => {
  it.each([
    ["//evil.example"],
    ["///evil.example"],
    ["/\\evil.example"],
    ["\\/evil.example"],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    ["/\r\n/evil.example"],
    ["/ok\r\nSet-Cookie: x=1"],
    ["/%09/evil.example"],
    ["/%0d%0a/evil.example"],
    ["/%2F/evil.example"],
    ["/%2f%2fevil.example"],
    ["/%5C/evil.example"],
    ["/%5c%5cevil.example"],
    ["/\u0000/evil"],
    ["/\u007f/evil"],
    ["javascript:alert(1)"],
    ["JaVaScRiPt:alert(1)"],
    ["/javascript:alert(1)//x\tx"],
    ["data:text/html,<script>alert(1)</script>"],
    ["https://evil.example"],
    ["http:evil.example"],
    ["https:/evil.example"],
    ["evil.example"],
    ["  /dashboard"],
    ["%2F%2Fevil.example"],
    [""],
    [null],
    [undefined],
  ])("refuses %j", (input) => {
    expect(safeRedirect(input, FALLBACK)).toBe(FALLBACK);
  });

  it.each([
    ["/dashboard", "/dashboard"],
    ["/dashboard/abc?tab=orders#top", "/dashboard/abc?tab=orders#top"],
    ["/login?redirectTo=%2Finvite%2Fabc&email=a%40b.test", "/login?redirectTo=%2Finvite%2Fabc&email=a%40b.test"],
    ["/invite/abc", "/invite/abc"],
    ["/caf\u00e9", "/caf%C3%A9"],
  ])("keeps the same-site path %j", (input, expected) => {
    expect(safeRedirect(input, FALLBACK)).toBe(expected);
  });

  it("never returns anything a Location header could not carry or that leaves the site", () => {
    for (const c of [..."\t\n\r\\/ %:@.?#"]) {
      const out = safeRedirect(`/${c}/${c}evil.example`, FALLBACK);
      expect(out).toMatch(/^\/(?![/\\])/);
      expect([...out].every((ch) => ch > " " && ch < "\u007f" && ch !== "\\")).toBe(true);
      expect(new URL(out, "https://platform.test").origin).toBe("https://platform.test");
    }
  });
});
