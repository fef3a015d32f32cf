/** DOM-3: the domain doctor — one problem and one specific sentence per fault, each produced by real DNS answers. */
import dgram from "node:dgram";
import { describe, expect, it } from "vitest";
import { createDnsLookup, type DomainProblemCode } from "#server/domains/index.ts";
import { APEX, check, dns, EDGE, EDGE_V4, EDGE_V6, goodApex, goodCname, OWN, seenCodes, SHOP, target, TXT_VALUE, useVerifyDns } from "./domain-verify-fixture.ts";

useVerifyDns();

describe("domain doctor (DOM-3): one problem and one specific sentence per fault", () => {
  it("TXT record missing", async () => {
    dns.set(SHOP, "CNAME", [EDGE]);
    const { codes, sentences } = await check(target(SHOP));
    expect(codes).toEqual(["txt_missing"]);
    expect(sentences).toEqual([
      `The TXT record _storefront-verify.shop.acme.test is missing. Add it with the value ${TXT_VALUE} (DNS changes can take up to an hour to appear).`,
    ]);
  });

  it("TXT value mismatch", async () => {
    dns.set(SHOP, "CNAME", [EDGE]);
    dns.set(OWN(SHOP), "TXT", ["storefront-verify=old-token-123"]);
    const { codes, sentences } = await check(target(SHOP));
    expect(codes).toEqual(["txt_mismatch"]);
    expect(sentences[0]).toBe(
      `_storefront-verify.shop.acme.test has a TXT record, but its value is different: found 'storefront-verify=old-token-123', ` +
        `expected '${TXT_VALUE}'. Change the value to exactly ${TXT_VALUE}.`,
    );
  });

  it("CNAME record missing (an A record to another host instead)", async () => {
    dns.set(OWN(SHOP), "TXT", [TXT_VALUE]);
    dns.set(SHOP, "A", ["198.51.100.7"]);
    const { codes, sentences } = await check(target(SHOP));
    expect(codes).toEqual(["cname_missing"]);
    expect(sentences[0]).toBe(
      `shop.acme.test has no CNAME record (it has the address record 198.51.100.7 instead). Add a CNAME record for shop.acme.test pointing to ` +
        `${EDGE} and remove the address record 198.51.100.7 (a name with a CNAME cannot have other records) (DNS changes can take up to an hour to appear).`,
    );
  });

  it("CNAME record missing (nothing there yet)", async () => {
    dns.set(OWN(SHOP), "TXT", [TXT_VALUE]); // shop.acme.test exists as a parent of the TXT name, without records
    const { codes, sentences } = await check(target(SHOP));
    expect(codes).toEqual(["cname_missing"]);
    expect(sentences[0]).toBe(
      `shop.acme.test has no CNAME record. Add a CNAME record for shop.acme.test pointing to ${EDGE} (DNS changes can take up to an hour to appear).`,
    );
  });

  it("CNAME points elsewhere", async () => {
    dns.set(OWN(SHOP), "TXT", [TXT_VALUE]);
    dns.set(SHOP, "CNAME", ["other.host.test"]);
    dns.set("other.host.test", "A", ["198.51.100.7"]);
    const { codes, sentences } = await check(target(SHOP));
    expect(codes).toEqual(["cname_elsewhere"]);
    expect(sentences[0]).toBe(`shop.acme.test points to other.host.test; change its CNAME to ${EDGE}.`);
  });

  it("CNAME points to a name that does not exist", async () => {
    dns.set(OWN(SHOP), "TXT", [TXT_VALUE]);
    dns.set(SHOP, "CNAME", ["edge.platfrom.test"]); // typo
    const { codes, sentences } = await check(target(SHOP));
    expect(codes).toEqual(["cname_elsewhere"]);
    expect(sentences[0]).toBe(`shop.acme.test points to edge.platfrom.test, a name that does not exist in DNS; change its CNAME to ${EDGE}.`);
  });

  it("CNAME chain too long (a loop)", async () => {
    dns.set(OWN(SHOP), "TXT", [TXT_VALUE]);
    dns.set(SHOP, "CNAME", ["a.loop.test"]);
    dns.set("a.loop.test", "CNAME", ["b.loop.test"]);
    dns.set("b.loop.test", "CNAME", ["a.loop.test"]);
    const { codes, sentences } = await check(target(SHOP));
    expect(codes).toEqual(["cname_chain_too_long"]);
    expect(sentences[0]).toMatch(/^shop\.acme\.test goes through 5 or more CNAME records \(shop\.acme\.test → a\.loop\.test → b\.loop\.test → a\.loop\.test/);
    expect(sentences[0]).toContain(`point its CNAME straight at ${EDGE}.`);
  });

  it("CNAME at apex (apex mode, a CNAME on the root domain)", async () => {
    dns.set(OWN(APEX), "TXT", [TXT_VALUE]);
    dns.set(APEX, "CNAME", [EDGE]);
    const { codes, sentences } = await check(target(APEX));
    expect(codes).toEqual(["cname_at_apex"]);
    expect(sentences[0]).toBe(
      `acme.test is a root domain and has a CNAME record (to ${EDGE}), which DNS does not allow there and which breaks email and other ` +
        `records for the domain; remove the CNAME and add an A record with the value ${EDGE_V4} and an AAAA record with the value ${EDGE_V6} for acme.test instead.`,
    );
  });

  it("CNAME at apex (cname mode chosen for a root domain)", async () => {
    dns.set(OWN(APEX), "TXT", [TXT_VALUE]);
    dns.set(APEX, "A", ["198.51.100.7"]); // the registrar's parking page
    const { codes, sentences } = await check(target(APEX, { mode: "cname", edgeIpv6: undefined }));
    expect(codes).toEqual(["cname_at_apex"]);
    expect(sentences[0]).toBe(
      `acme.test is a root domain, where DNS does not allow a CNAME record; switch this domain to the root-domain (apex) setup and ` +
        `add an A record with the value ${EDGE_V4} for acme.test instead, or use a subdomain such as www.acme.test with a CNAME to ${EDGE}.`,
    );
  });

  it("A record missing (apex)", async () => {
    dns.set(OWN(APEX), "TXT", [TXT_VALUE]);
    const { codes, sentences } = await check(target(APEX, { edgeIpv6: undefined }));
    expect(codes).toEqual(["a_missing"]);
    expect(sentences[0]).toBe(`acme.test has no A record. Add an A record with the value ${EDGE_V4} (DNS changes can take up to an hour to appear).`);
  });

  it("A record points to another host (apex)", async () => {
    dns.set(OWN(APEX), "TXT", [TXT_VALUE]);
    dns.set(APEX, "A", ["198.51.100.7"]);
    dns.set(APEX, "AAAA", [EDGE_V6]);
    const { codes, sentences } = await check(target(APEX));
    expect(codes).toEqual(["a_elsewhere"]);
    expect(sentences[0]).toBe(`acme.test has an A record 198.51.100.7 pointing to another server; change it to ${EDGE_V4}.`);
  });

  it("stray A record besides ours (traffic would be split)", async () => {
    goodApex();
    dns.set(APEX, "A", [EDGE_V4, "1.2.3.4"]);
    const { result, codes, sentences } = await check(target(APEX));
    expect(result.ok).toBe(false);
    expect(codes).toEqual(["a_stray"]);
    expect(sentences[0]).toBe(`acme.test has an A record 1.2.3.4 besides ours (${EDGE_V4}); remove it, or some visitors will be sent to the other server.`);
  });

  it("AAAA record missing when the edge has IPv6", async () => {
    goodApex();
    dns.remove(APEX, "AAAA");
    const { codes, sentences } = await check(target(APEX));
    expect(codes).toEqual(["aaaa_missing"]);
    expect(sentences[0]).toBe(
      `acme.test has no AAAA (IPv6) record. Add an AAAA (IPv6) record with the value ${EDGE_V6} (DNS changes can take up to an hour to appear).`,
    );
  });

  it("AAAA record points to another host", async () => {
    goodApex();
    dns.set(APEX, "AAAA", ["2001:db8::99"]);
    const { codes, sentences } = await check(target(APEX));
    expect(codes).toEqual(["aaaa_elsewhere"]);
    expect(sentences[0]).toBe(`acme.test has an AAAA (IPv6) record 2001:db8::99 pointing to another server; change it to ${EDGE_V6}.`);
  });

  it("stray AAAA record to another host when the edge has no IPv6", async () => {
    goodApex();
    dns.set(APEX, "AAAA", ["2001:db8::99"]);
    const { result, codes, sentences } = await check(target(APEX, { edgeIpv6: undefined }));
    expect(result.ok).toBe(false);
    expect(codes).toEqual(["aaaa_stray"]);
    expect(sentences[0]).toBe(
      "acme.test has an AAAA (IPv6) record 2001:db8::99 pointing to another server; remove it, or visitors using IPv6 will reach that server instead of your shop.",
    );
  });

  it("CAA record that forbids the edge's certificate authority", async () => {
    goodCname();
    dns.set(APEX, "CAA", ['0 issue "digicert.com"', '0 iodef "mailto:security@acme.test"']);
    const { result, codes, sentences } = await check(target(SHOP, { caaIssuers: ["letsencrypt.org"] }));
    expect(result).toMatchObject({ ok: false, ownership: { ok: true }, routing: { ok: true }, caa: { ok: false, name: APEX } });
    expect(codes).toEqual(["caa_forbids"]);
    expect(sentences[0]).toBe(
      `acme.test has CAA records '0 issue "digicert.com"' and '0 iodef "mailto:security@acme.test"' (they also apply to shop.acme.test) ` +
        `that do not allow our certificate authority, so we cannot get an HTTPS certificate for your shop; ` +
        `add a CAA record acme.test 0 issue "letsencrypt.org" next to them, or remove them.`,
    );
  });

  it("NXDOMAIN: the hostname does not exist", async () => {
    const { codes, sentences } = await check(target(SHOP));
    expect(codes).toEqual(["txt_missing", "nxdomain"]);
    expect(sentences[1]).toBe(
      "shop.acme.test does not exist in DNS (NXDOMAIN). Check the spelling, that the domain is registered, and that you are adding the records at the DNS provider its name servers point to.",
    );
    const apex = await check(target(APEX));
    expect(apex.codes).toEqual(["txt_missing", "nxdomain"]);
  });

  it("resolver timeout: a DNS server that never answers", async () => {
    const silent = dgram.createSocket("udp4"); // receives queries and never replies
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", () => r()));
    try {
      const slow = createDnsLookup({ servers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 300 });
      const started = Date.now();
      const { result, codes, sentences } = await check(target(SHOP), slow);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.ok).toBe(false);
      expect(codes).toEqual(["dns_timeout"]);
      expect(result.problems[0]).toMatchObject({ zone: "acme.test", names: expect.arrayContaining([OWN(SHOP), SHOP]) });
      expect(sentences[0]).toMatch(/^The DNS server for acme\.test did not answer \(timeout\) when we looked up /);
      expect(result.evidence.lookups.every((l) => !l.result.ok && l.result.code === "TIMEOUT")).toBe(true);
    } finally {
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it("resolver timeout on one zone only (a CNAME target whose servers do not answer)", async () => {
    dns.set(OWN(SHOP), "TXT", [TXT_VALUE]);
    dns.set(SHOP, "CNAME", ["shops.slow-cdn.test"]);
    dns.fail("shops.slow-cdn.test", "DROP");
    const quick = createDnsLookup({ servers: [dns.address], timeoutMs: 300 });
    const { codes, sentences } = await check(target(SHOP), quick);
    expect(codes).toEqual(["dns_timeout"]);
    expect(sentences[0]).toMatch(/^The DNS server for slow-cdn\.test did not answer \(timeout\) when we looked up shops\.slow-cdn\.test\./);
  });

  it("DNS server error (SERVFAIL)", async () => {
    dns.fail(OWN(SHOP), "SERVFAIL");
    dns.set(SHOP, "CNAME", [EDGE]);
    const { result, codes, sentences } = await check(target(SHOP));
    expect(result.ok).toBe(false);
    expect(codes).toEqual(["dns_error"]);
    expect(sentences[0]).toMatch(/^The DNS server for acme\.test returned an error \(SERVFAIL\) when we looked up _storefront-verify\.shop\.acme\.test\./);
  });

  it("DNS error: our own resolver refuses connections", async () => {
    const gone = dgram.createSocket("udp4");
    await new Promise<void>((r) => gone.bind(0, "127.0.0.1", () => r()));
    const port = gone.address().port;
    await new Promise<void>((r) => gone.close(() => r())); // nothing listens there now: ICMP port unreachable
    const { result, codes, sentences } = await check(target(SHOP), createDnsLookup({ servers: [`127.0.0.1:${port}`], timeoutMs: 300 }));
    expect(codes).toEqual(["dns_error"]);
    expect(result.problems[0]).toMatchObject({ error: "ECONNREFUSED" });
    expect(sentences[0]).toMatch(/^We could not reach our own DNS resolver \(ECONNREFUSED\) to look up .*This is a problem on our side/);
  });

  it("reports several faults at once, each with its own sentence", async () => {
    dns.set(OWN(APEX), "TXT", ["storefront-verify=nope-nope-nope"]);
    dns.set(APEX, "A", [EDGE_V4, "198.51.100.7"]);
    dns.set(APEX, "AAAA", ["2001:db8::99"]);
    const { codes, sentences } = await check(target(APEX));
    expect(codes).toEqual(["txt_mismatch", "a_stray", "aaaa_elsewhere"]);
    expect(new Set(sentences).size).toBe(3);
  });

  it("every problem code was produced by a test above", () => {
    const all: Record<DomainProblemCode, true> = {
      txt_missing: true, txt_mismatch: true, cname_missing: true, cname_elsewhere: true, cname_chain_too_long: true,
      cname_at_apex: true, a_missing: true, a_elsewhere: true, a_stray: true, aaaa_missing: true, aaaa_elsewhere: true,
      aaaa_stray: true, caa_forbids: true, nxdomain: true, dns_timeout: true, dns_error: true,
    };
    expect([...seenCodes].sort()).toEqual(Object.keys(all).sort());
  });
});
