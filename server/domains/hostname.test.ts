import { describe, expect, it } from "vitest";
import { isApexHostname, registrableDomain, validateCustomHostname, type HostnameRefusal } from "./hostname.ts";

const platformDomain = "shops.example.com";

describe("validateCustomHostname (DOM-1)", () => {
  it.each<[string, string, boolean]>([
    ["shop.acme.test", "shop.acme.test", false],
    ["Shop.ACME.test", "shop.acme.test", false],
    ["shop.acme.test.", "shop.acme.test", false],
    ["  shop.acme.test  ", "shop.acme.test", false],
    ["Bücher.example", "xn--bcher-kva.example", true],
    ["shop.bücher.example", "shop.xn--bcher-kva.example", false],
    ["xn--bcher-kva.example", "xn--bcher-kva.example", true],
    ["acme.com", "acme.com", true],
    ["www.acme.com", "www.acme.com", false],
    ["acme.co.uk", "acme.co.uk", true],
    ["shop.acme.co.uk", "shop.acme.co.uk", false],
    ["acme.com.au", "acme.com.au", true],
    ["a-b.c-d.test", "a-b.c-d.test", false],
    ["example.com", "example.com", true], // the platform's parent domain is someone else's, not ours
    ["myshops.example.com", "myshops.example.com", false], // a suffix match on a label boundary only
    [`${"a".repeat(63)}.test`, `${"a".repeat(63)}.test`, true],
    [`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(56)}.test`, `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(56)}.test`, false], // 253
  ])("accepts %j → %s (apex %s)", (input, hostname, apex) => {
    expect(validateCustomHostname(input, { platformDomain })).toEqual({ ok: true, hostname, apex });
  });

  it.each<[string, HostnameRefusal]>([
    ["", "empty"],
    ["   ", "empty"],
    ["shop", "single_label"],
    ["shop.", "single_label"],
    ["Bücher", "single_label"],
    ["1.2.3.4", "ip_literal"],
    ["1.2.3.4.", "ip_literal"],
    ["1.2.3.4:80", "ip_literal"],
    ["127.1", "ip_literal"],
    ["0x7f.1", "ip_literal"],
    ["2130706433", "ip_literal"],
    ["::1", "ip_literal"],
    ["[::1]", "ip_literal"],
    ["2001:db8::1", "ip_literal"],
    ["shop.123", "ip_literal"],
    ["*.acme.test", "wildcard"],
    ["shop.*.test", "wildcard"],
    ["shops.example.com", "platform_domain"],
    ["SHOPS.example.com.", "platform_domain"],
    ["acme.shops.example.com", "platform_domain"],
    ["deep.acme.shops.example.com", "platform_domain"],
    ["localhost", "single_label"],
    ["shop.localhost", "reserved_name"],
    ["printer.local", "reserved_name"],
    ["db.internal", "reserved_name"],
    ["x.invalid", "reserved_name"],
    ["secret.onion", "reserved_name"],
    ["1.0.0.127.in-addr.arpa", "reserved_name"],
    ["router.home.arpa", "reserved_name"],
    ["co.uk", "public_suffix"],
    ["shop_1.acme.test", "underscore"],
    ["_dmarc.acme.test", "underscore"],
    ["-shop.acme.test", "hyphen_edge"],
    ["shop-.acme.test", "hyphen_edge"],
    ["shop.acme-.test", "hyphen_edge"],
    [`${"a".repeat(64)}.test`, "label_too_long"],
    [`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.test`, "too_long"], // 254
    ["shop..acme.test", "not_a_hostname"],
    ["shop acme.test", "not_a_hostname"],
    ["https://shop.acme.test/", "not_a_hostname"],
    ["shop.acme.test/path", "not_a_hostname"],
    ["shop.acme.test:8443", "not_a_hostname"],
    ["user@shop.acme.test", "not_a_hostname"],
    ["xn--zz.test", "not_a_hostname"],
    ["shop!.acme.test", "not_a_hostname"],
  ])("refuses %j (%s)", (input, reason) => {
    const result = validateCustomHostname(input, { platformDomain });
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
  });

  it("refuses the platform domain in any spelling the platform is configured with", () => {
    for (const pd of ["SHOPS.example.com.", "shops.example.com"]) {
      expect(validateCustomHostname("acme.shops.example.com", { platformDomain: pd })).toMatchObject({ ok: false, reason: "platform_domain" });
    }
    // With the default dev platform domain (localhost), its subdomains are refused as well as reserved.
    expect(validateCustomHostname("acme.localhost", { platformDomain: "localhost" })).toMatchObject({ ok: false });
  });
});

describe("registrableDomain / isApexHostname", () => {
  it.each([
    ["shop.example.com", "example.com", false],
    ["example.com", "example.com", true],
    ["a.b.shop.co.uk", "shop.co.uk", false],
    ["shop.co.uk", "shop.co.uk", true],
    ["www.shop.com.au", "shop.com.au", false],
  ])("%s → %s", (host, zone, apex) => {
    expect(registrableDomain(host)).toBe(zone);
    expect(isApexHostname(host)).toBe(apex);
  });
});
