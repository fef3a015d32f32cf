/**
 * Shared set-up for the DOM-2/DOM-3 tests: a real DNS server on loopback (tests/dns-server.ts) asked by node's Resolver
 * over UDP exactly as DNS_SERVERS would be in production, the edge's own records, and helpers to publish a correct
 * domain and to verify one (recording every problem code seen, so the doctor tests can prove each one is covered).
 */
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { createDnsLookup, explainProblems, verifyDomain, type DnsLookup, type DomainProblemCode, type VerifyTarget } from "#server/domains/index.ts";
import { startTestDns, type TestDns } from "#tests/dns-server.ts";

export const EDGE = "edge.platform.test";
export const EDGE_V4 = "203.0.113.10";
export const EDGE_V6 = "2001:db8::10";
export const TOKEN = "9f3a8c2e71b64d05aa17";
export const TXT_VALUE = `storefront-verify=${TOKEN}`;
export const SHOP = "shop.acme.test"; // a subdomain (cname mode)
export const APEX = "acme.test"; // a root domain (apex mode)
export const OWN = (host: string) => `_storefront-verify.${host}`;

// Live bindings: set by the hooks useVerifyDns() registers in the test file that calls it.
export let dns: TestDns;
export let lookup: DnsLookup;
export const seenCodes = new Set<DomainProblemCode>();

/** Registers the DNS server's hooks in the calling test file: one server per file, a clean zone per test. */
export function useVerifyDns() {
  beforeAll(async () => {
    dns = await startTestDns();
    lookup = createDnsLookup({ servers: [dns.address], timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await dns?.close();
  });
  beforeEach(() => {
    dns.clear();
    dns.set(EDGE, "A", [EDGE_V4]);
    dns.set(EDGE, "AAAA", [EDGE_V6]);
  });
}

export function target(hostname: string, extra: Partial<VerifyTarget> = {}): VerifyTarget {
  return {
    hostname,
    mode: hostname === APEX ? "apex" : "cname",
    token: TOKEN,
    edgeCnameTarget: EDGE,
    edgeIpv4: EDGE_V4,
    edgeIpv6: EDGE_V6,
    ...extra,
  };
}

export async function check(t: VerifyTarget, via: DnsLookup = lookup) {
  const result = await verifyDomain(via, t);
  const sentences = explainProblems(result.problems, t);
  for (const p of result.problems) seenCodes.add(p.code);
  // Evidence goes into a JSON column as is.
  expect(JSON.parse(JSON.stringify(result.evidence))).toEqual(result.evidence);
  expect(sentences).toHaveLength(result.problems.length);
  return { result, codes: result.problems.map((p) => p.code), sentences };
}

export function goodCname(host = SHOP) {
  dns.set(OWN(host), "TXT", [TXT_VALUE]);
  dns.set(host, "CNAME", [EDGE]);
}
export function goodApex(host = APEX) {
  dns.set(OWN(host), "TXT", [TXT_VALUE]);
  dns.set(host, "A", [EDGE_V4]);
  dns.set(host, "AAAA", [EDGE_V6]);
}
