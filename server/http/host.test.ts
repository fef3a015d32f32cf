import { describe, expect, it } from "vitest";
import { classifyHost, normalizeHost } from "./host.ts";

describe("normalizeHost", () => {
  it.each([
    ["acme.localhost", "acme.localhost"],
    ["ACME.localhost.:3000", "acme.localhost"],
    ["Shop.Acme.Test.", "shop.acme.test"],
    ["bücher.example", "xn--bcher-kva.example"],
  ])("%s → %s", (input, out) => expect(normalizeHost(input)).toBe(out));

  it.each(["", "[::1]:3000", "a..b", "bad host", "x".repeat(254), "acme.localhost:65536", "acme.localhost:99999999",
    // Found by tests/fuzz-hosts.test.ts: URL delimiters and escapes were cut off or decoded into a valid name.
    "acme.localhost/x", "acme.localhost#x", "acme.localhost?x", "acme.localhost\\x", "%61cme.localhost", "acme.localhost:80a", "a@acme.localhost"])("refuses %j", (input) =>
    expect(normalizeHost(input)).toBeNull(),
  );
});

describe("classifyHost", () => {
  const pd = "localhost";
  it("separates platform, subdomain, custom and invalid hosts", () => {
    expect(classifyHost("localhost", pd)).toEqual({ kind: "platform" });
    expect(classifyHost("acme.localhost", pd)).toEqual({ kind: "subdomain", slug: "acme" });
    expect(classifyHost("a.b.localhost", pd)).toEqual({ kind: "invalid" });
    expect(classifyHost("shop.acme.test", pd)).toEqual({ kind: "custom", hostname: "shop.acme.test" });
    expect(classifyHost("127.0.0.1", pd)).toEqual({ kind: "invalid" });
  });
});
