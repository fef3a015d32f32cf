/**
 * DOM-2 and docs/security.md 15 against a real DNS server on loopback: passing domains, the takeover guard, CAA rules.
 * The domain doctor's per-fault sentences are in tests/domain-doctor.test.ts.
 */
import { describe, expect, it } from "vitest";
import { canonicalIp, recordsToCreate, verifyDomain } from "#server/domains/index.ts";
import { APEX, check, dns, EDGE, EDGE_V4, EDGE_V6, goodApex, goodCname, lookup, OWN, SHOP, target, TOKEN, TXT_VALUE, useVerifyDns } from "./domain-verify-fixture.ts";

useVerifyDns();

describe("test DNS server + lookup", () => {
  it("answers like a real server: CNAME, A through a CNAME, multi-string TXT, NXDOMAIN vs NODATA, CAA", async () => {
    dns.set("www.acme.test", "CNAME", ["Shop.Acme.Test."]);
    dns.set(SHOP, "CNAME", [EDGE]);
    dns.set(OWN(SHOP), "TXT", [["storefront-", "verify=", TOKEN], "v=spf1 -all", "x".repeat(300)]);
    dns.set(APEX, "CAA", ['0 issue "letsencrypt.org"', '128 issuewild ";"']);

    expect(await lookup.resolveCname("www.acme.test")).toEqual({ ok: true, values: [SHOP] });
    expect(await lookup.resolve4("www.acme.test")).toEqual({ ok: true, values: [EDGE_V4] }); // chased over two CNAMEs
    expect(await lookup.resolve6(SHOP)).toEqual({ ok: true, values: [EDGE_V6] });
    const txt = await lookup.resolveTxt(OWN(SHOP));
    expect(txt.ok && [...txt.values].sort()).toEqual([TXT_VALUE, "v=spf1 -all", "x".repeat(300)].sort());
    expect(await lookup.resolveCaa(APEX)).toEqual({
      ok: true,
      values: [
        { critical: 0, tag: "issue", value: "letsencrypt.org" },
        { critical: 128, tag: "issuewild", value: ";" },
      ],
    });
    expect(await lookup.resolveCname(EDGE)).toEqual({ ok: false, code: "NODATA" });
    expect(await lookup.resolveTxt("nope.acme.test")).toEqual({ ok: false, code: "NXDOMAIN" });
    // acme.test holds no records itself but has names below it: an empty non-terminal, NODATA (not NXDOMAIN).
    dns.remove(APEX);
    expect(await lookup.resolve4(APEX)).toEqual({ ok: false, code: "NODATA" });
    // Changes are visible to the next query.
    dns.set(APEX, "A", ["198.51.100.7"]);
    expect(await lookup.resolve4(APEX)).toEqual({ ok: true, values: ["198.51.100.7"] });
    dns.remove(APEX, "A");
    expect(await lookup.resolve4(APEX)).toEqual({ ok: false, code: "NODATA" });

    dns.fail("broken.acme.test", "SERVFAIL");
    expect(await lookup.resolve4("broken.acme.test")).toEqual({ ok: false, code: "SERVFAIL" });
    dns.fail("refused.acme.test", "REFUSED");
    expect(await lookup.resolve4("refused.acme.test")).toEqual({ ok: false, code: "OTHER", error: "EREFUSED" });
  });
});

describe("verifyDomain: passing domains", () => {
  it("cname mode: ownership TXT and CNAME to the edge", async () => {
    goodCname();
    const { result } = await check(target(SHOP));
    expect(result).toMatchObject({
      ok: true,
      problems: [],
      ownership: { ok: true, name: OWN(SHOP), found: [TXT_VALUE] },
      routing: { ok: true, mode: "cname", found: { cname: [EDGE] } },
      caa: { ok: true, checked: false },
    });
    expect(result.evidence.lookups).toEqual(
      expect.arrayContaining([
        { name: OWN(SHOP), type: "TXT", result: { ok: true, values: [TXT_VALUE] } },
        { name: SHOP, type: "CNAME", result: { ok: true, values: [EDGE] } },
      ]),
    );
  });

  it("accepts the bare token, a TXT split into several strings, other TXT records beside it, and any letter case in names", async () => {
    dns.set(OWN(SHOP), "TXT", ["v=spf1 -all", TOKEN]);
    dns.set(SHOP, "CNAME", ["EDGE.Platform.Test."]);
    expect((await check(target(SHOP, { edgeCnameTarget: "Edge.platform.test." }))).result.ok).toBe(true);
    dns.set(OWN(SHOP), "TXT", [["storefront-verify=", TOKEN.slice(0, 5), TOKEN.slice(5)]]);
    expect((await check(target(SHOP))).result.ok).toBe(true);
  });

  it("follows a CNAME chain of 2 hops to the edge", async () => {
    dns.set(OWN(SHOP), "TXT", [TXT_VALUE]);
    dns.set(SHOP, "CNAME", ["shops.acme-cdn.test"]);
    dns.set("shops.acme-cdn.test", "CNAME", [EDGE]);
    const { result } = await check(target(SHOP));
    expect(result.ok).toBe(true);
    expect(result.routing.found.cname).toEqual(["shops.acme-cdn.test", EDGE]);
  });

  it("apex mode: A and AAAA are exactly the edge's addresses", async () => {
    goodApex();
    const { result } = await check(target(APEX));
    expect(result).toMatchObject({ ok: true, problems: [], routing: { ok: true, mode: "apex", found: { a: [EDGE_V4], aaaa: [EDGE_V6] } } });
    // Without an IPv6 edge, A alone is enough.
    dns.remove(APEX, "AAAA");
    expect((await check(target(APEX, { edgeIpv6: undefined }))).result.ok).toBe(true);
    // Several edge addresses: all of them, in any order.
    dns.set(APEX, "A", ["203.0.113.11", EDGE_V4]);
    expect((await check(target(APEX, { edgeIpv4: [EDGE_V4, "203.0.113.11"], edgeIpv6: undefined }))).result.ok).toBe(true);
  });

  it("cname mode on a root domain passes when the provider flattens the CNAME into the edge's addresses", async () => {
    goodApex(); // what a flattened CNAME (ALIAS) looks like from outside
    const { result } = await check(target(APEX, { mode: "cname" }));
    expect(result.ok).toBe(true);
  });

  it("re-verification sees a fix immediately", async () => {
    dns.set(SHOP, "CNAME", [EDGE]);
    expect((await check(target(SHOP))).result.ok).toBe(false);
    dns.set(OWN(SHOP), "TXT", [TXT_VALUE]);
    expect((await check(target(SHOP))).result.ok).toBe(true);
  });

  it("lists the records to create (DOM-1)", () => {
    expect(recordsToCreate(target(SHOP))).toEqual([
      { type: "TXT", name: OWN(SHOP), value: TXT_VALUE },
      { type: "CNAME", name: SHOP, value: EDGE },
    ]);
    expect(recordsToCreate(target(APEX))).toEqual([
      { type: "TXT", name: OWN(APEX), value: TXT_VALUE },
      { type: "A", name: APEX, value: EDGE_V4 },
      { type: "AAAA", name: APEX, value: EDGE_V6 },
    ]);
  });
});

describe("takeover guard (docs/security.md 15): routing to us is never enough", () => {
  it("CNAME points at the edge but the TXT record is missing", async () => {
    dns.set(SHOP, "CNAME", [EDGE]);
    const { result, codes } = await check(target(SHOP));
    expect(result.ok).toBe(false);
    expect(result.routing.ok).toBe(true);
    expect(result.ownership.ok).toBe(false);
    expect(codes).toEqual(["txt_missing"]);
  });

  it("CNAME points at the edge but the TXT carries another token (someone else's claim)", async () => {
    dns.set(SHOP, "CNAME", [EDGE]);
    dns.set(OWN(SHOP), "TXT", ["storefront-verify=someone-elses-token", `${TXT_VALUE}x`, `storefront-verify=${TOKEN.toUpperCase()}`, ""]);
    const { result, codes } = await check(target(SHOP));
    expect(result.ok).toBe(false);
    expect(codes).toEqual(["txt_mismatch"]);
  });

  it("apex A records point at the edge but the TXT record is missing", async () => {
    dns.set(APEX, "A", [EDGE_V4]);
    dns.set(APEX, "AAAA", [EDGE_V6]);
    const { result, codes } = await check(target(APEX));
    expect(result.ok).toBe(false);
    expect(codes).toEqual(["txt_missing"]);
  });

  it("refuses to verify with an empty or short token", async () => {
    dns.set(OWN(SHOP), "TXT", ["storefront-verify="]);
    await expect(verifyDomain(lookup, target(SHOP, { token: "" }))).rejects.toThrow(/token/);
    await expect(verifyDomain(lookup, target(SHOP, { token: "abc" }))).rejects.toThrow(/token/);
  });
});

describe("CAA rules", () => {
  it("passes when the relevant CAA set allows the edge's CA, and the closest set wins", async () => {
    // A subdomain set up with A records (apex mode), so it can hold CAA records itself (a CNAME could not).
    dns.set(OWN(SHOP), "TXT", [TXT_VALUE]);
    dns.set(SHOP, "A", [EDGE_V4]);
    dns.set(SHOP, "AAAA", [EDGE_V6]);
    dns.set(APEX, "CAA", ['0 issue "digicert.com"']);
    dns.set(SHOP, "CAA", ['0 issue "letsencrypt.org; validationmethods=http-01"']);
    const viaA = await check(target(SHOP, { mode: "apex", caaIssuers: ["letsencrypt.org"] }));
    expect(viaA.result).toMatchObject({ ok: true, caa: { ok: true, checked: true, name: SHOP } });
    dns.remove(SHOP, "CAA");
    expect((await check(target(SHOP, { mode: "apex", caaIssuers: ["letsencrypt.org"] }))).codes).toEqual(["caa_forbids"]);

    dns.clear();
    goodCname();
    dns.set(EDGE, "A", [EDGE_V4]);
    dns.set(APEX, "CAA", ['0 issuewild "digicert.com"', '0 iodef "mailto:x@acme.test"']); // no issue tag: unrestricted
    expect((await check(target(SHOP, { caaIssuers: ["letsencrypt.org"] }))).result.ok).toBe(true);
    dns.set(APEX, "CAA", ['0 issue ";"']); // nobody may issue
    const none = await check(target(SHOP, { caaIssuers: ["letsencrypt.org"] }));
    expect(none.codes).toEqual(["caa_forbids"]);
    expect(none.sentences[0]).toBe(
      `acme.test has a CAA record '0 issue ";"' (it also applies to shop.acme.test) that does not allow our certificate authority, so we ` +
        `cannot get an HTTPS certificate for your shop; add a CAA record acme.test 0 issue "letsencrypt.org" next to it, or remove it.`,
    );
    dns.set(APEX, "CAA", ['0 issue "letsencrypt.org"', '128 futuretag "x"']); // unknown critical tag: must not issue
    expect((await check(target(SHOP, { caaIssuers: ["letsencrypt.org"] }))).codes).toEqual(["caa_forbids"]);
  });
});

describe("canonicalIp", () => {
  it("compares IPv6 addresses in any spelling", () => {
    expect(canonicalIp("2001:0DB8:0:0::10")).toBe(canonicalIp("2001:db8::10"));
    expect(canonicalIp("::ffff:192.0.2.1")).toBe(canonicalIp("::ffff:c000:201"));
    expect(canonicalIp("203.0.113.10")).toBe("203.0.113.10");
  });
});
