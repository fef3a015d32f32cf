// EDGE-4 TLS probe against the real caddy binary (STYLE.md §15): on-demand certificates from Caddy's internal CA,
// approved by a tiny `ask` server, and the failures a domain check must record rather than throw on.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeTls, tlsWarning, TLS_WARNING_DAYS } from "#server/edge/tls-probe.ts";
import { startCaddy, type RunningCaddy } from "#tests/caddy.ts";
import { freePort } from "./wait.ts";

const SHOP = "shop.example.test";
const WEEK = "week.example.test"; // gets a 6-day certificate, see beforeAll
const DAY_MS = 86_400_000;
const allowed = new Set([SHOP, WEEK]);

/** Upstream and `ask` in one: the ask approves `allowed`, everything else gets an empty 200. */
const app = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://app");
  const refused = url.pathname === "/internal/edge/ask" && !allowed.has(url.searchParams.get("domain") ?? "");
  res.writeHead(refused ? 403 : 200).end();
});
/** Accepts TCP and never says a word, so no handshake ever completes. */
const held = new Set<net.Socket>();
const silent = net.createServer((s) => (held.add(s), s.on("close", () => held.delete(s))));
const listen = (s: net.Server) => new Promise<number>((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)));

let caddy: RunningCaddy;
let address: string;
let caPem: string;

beforeAll(async () => {
  caddy = await startCaddy({ upstreamPort: await listen(app) });
  await listen(silent);
  address = `127.0.0.1:${caddy.httpsPort}`;
  caPem = await caddy.rootCertPem();
  // Caddy's internal leaves live 12 h, too short to ever be "5 days from expiry"; WEEK gets a 6-day leaf from a
  // policy of its own (under the 7-day intermediate, which Caddy would otherwise clamp it to).
  const res = await fetch(`${caddy.adminUrl}/config/apps/tls/automation/policies/0`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ subjects: [WEEK], issuers: [{ module: "internal", lifetime: "144h" }], on_demand: true }),
  });
  if (!res.ok) throw new Error(`adding the ${WEEK} policy failed: ${res.status} ${await res.text()}`);
});
afterAll(async () => {
  await caddy?.stop();
  for (const s of held) s.destroy();
  app.closeAllConnections();
  await Promise.all([app, silent].map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("probeTls through a real Caddy", () => {
  it("an allowed host gets a certificate from Caddy's local CA that is issued, trusted and covers the name", async () => {
    const r = await probeTls({ hostname: SHOP, address, caPem });
    expect(r).toMatchObject({ ok: true, status: "issued", hostname: SHOP, sanMatch: true, trusted: true, error: null });
    expect(r.issuer).toMatch(/Caddy Local Authority/);
    expect(r.subject).toBeNull(); // Caddy's leaves carry the name in the SAN only
    expect(r.sans).toContain(SHOP);
    expect(r.daysLeft).toBeGreaterThanOrEqual(0);
    expect(new Date(r.notAfter!).toISOString()).toBe(r.notAfter);
    expect(new Date(r.notBefore!).toISOString()).toBe(r.notBefore);
    expect(r.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r); // stored as evidence as is
    // A 12-hour leaf is always under the warning threshold.
    expect(tlsWarning(r)).toBe(`The certificate for ${SHOP} expires today (on ${r.notAfter!.slice(0, 10)}).`);
  });

  it("without Caddy's root the same certificate is untrusted", async () => {
    const withRoot = await probeTls({ hostname: SHOP, address, caPem });
    const r = await probeTls({ hostname: SHOP, address });
    expect(r).toMatchObject({ ok: false, status: "failed", trusted: false, sanMatch: true, fingerprint256: withRoot.fingerprint256 });
    expect(r.error).toMatch(/^UNTRUSTED: /);
    expect(tlsWarning(r)).toMatch(/not from a trusted authority/);
  });

  it("a host the ask refuses fails the handshake and is reported, not thrown", async () => {
    const r = await probeTls({ hostname: "refused.example.test", address, caPem });
    expect(r).toMatchObject({ ok: false, status: "failed", issuer: null, sans: [], trusted: false, daysLeft: null });
    expect(r.error).toMatch(/^HANDSHAKE_FAILED: /);
    expect(tlsWarning(r)).toMatch(/DNS records/);
  });

  it("past notAfter the certificate is expired; before notBefore it is not valid yet", async () => {
    const issued = await probeTls({ hostname: SHOP, address, caPem });
    const later = await probeTls({ hostname: SHOP, address, caPem, now: new Date(Date.now() + 365 * DAY_MS) });
    expect(later).toMatchObject({ ok: false, status: "expired", error: "EXPIRED", trusted: true });
    expect(later.daysLeft).toBeLessThan(0);
    expect(later.checkedAt).toBe(new Date(later.checkedAt).toISOString());
    expect(tlsWarning(later)).toBe(`The certificate for ${SHOP} expired on ${issued.notAfter!.slice(0, 10)}.`);

    const earlier = await probeTls({ hostname: SHOP, address, caPem, now: new Date(Date.parse(issued.notBefore!) - DAY_MS) });
    expect(earlier).toMatchObject({ status: "failed", error: "NOT_YET_VALID" });
  });

  it("five days before expiry the certificate is still issued and the merchant is warned", async () => {
    const first = await probeTls({ hostname: WEEK, address, caPem });
    expect(first).toMatchObject({ status: "issued" });
    expect(Date.parse(first.notAfter!) - Date.parse(first.notBefore!)).toBe(6 * DAY_MS);

    const r = await probeTls({ hostname: WEEK, address, caPem, now: new Date(Date.parse(first.notAfter!) - 5.5 * DAY_MS) });
    expect(r).toMatchObject({ ok: true, status: "issued", daysLeft: 5 });
    expect(tlsWarning(r)).toBe(`The certificate for ${WEEK} expires in 5 days (on ${r.notAfter!.slice(0, 10)}).`);
    expect(tlsWarning({ ...r, daysLeft: TLS_WARNING_DAYS })).toBeNull();
  });
});

describe("probeTls when the edge does not answer", () => {
  it("nothing listening is ECONNREFUSED", async () => {
    const r = await probeTls({ hostname: SHOP, address: `127.0.0.1:${await freePort()}`, caPem });
    expect(r).toMatchObject({ ok: false, status: "failed", error: "ECONNREFUSED", issuer: null, notAfter: null });
    expect(tlsWarning(r)).toMatch(/could not check .*ECONNREFUSED/);
  });

  it("a server that never completes the handshake is TIMEOUT at the deadline", async () => {
    const r = await probeTls({ hostname: SHOP, address: `127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, status: "failed", error: "TIMEOUT" });
    expect(tlsWarning(r)).toMatch(/timed out/);
  });
});
