/**
 * Issue 4 acceptance through the real parts: a DNS server on loopback, the Caddy binary (Admin API, on-demand TLS
 * from its internal CA asking our endpoint) and the app (API + worker) reconciling Caddy from Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { createCaddyAdmin } from "#server/edge/caddy-client.ts";
import { ROUTE_IDS } from "#server/edge/routes.ts";
import { readMetrics } from "#server/observability/metrics.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant, createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { until } from "./wait.ts";
import { EDGE_CNAME, httpsGet, publishRecords, startEdgeParts, type EdgeParts } from "./edge-stack.ts";
import type { Client } from "./http.ts";

const db = await createTestDatabase();
const prefix = redisPrefix();
const redis = new Redis(REDIS_URL);
let parts: EdgeParts;
let app: RunningApp;
let owner: Client;
let operator: Client;
let tenantId: string;
const admin = () => createCaddyAdmin({ adminUrl: parts.caddy.adminUrl });

const ask = async (domain: string) => (await get(app, "localhost", `/internal/edge/ask?domain=${encodeURIComponent(domain)}`)).status;
const routedHosts = async () => (await admin().listRoutes().catch(() => [])).find((r) => r.id === ROUTE_IDS.app)?.hosts ?? [];

beforeAll(async () => {
  const t = await createTenant(db.prisma, { slug: "acme", brand: { displayName: "Acme Outfitters", primaryColor: "#14532d", accentColor: "#f59e0b" } });
  tenantId = t.id;
  const u = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId, userId: u.id, role: "owner" } });
  parts = await startEdgeParts({ EDGE_RECONCILE_INTERVAL_MS: "1000", JOBS_BACKOFF_BASE_MS: "200", CADDY_ADMIN_TIMEOUT_MS: "1000" });
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost", ...parts.env });
  owner = await signIn(app.port, u.email);
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
});
afterAll(async () => {
  redis.disconnect();
  await app?.stop();
  await parts?.stop();
});

async function addVerified(hostname: string) {
  const added = await owner.post(`/api/tenants/${tenantId}/domains`, { hostname });
  expect(added.status, added.body).toBe(201);
  publishRecords(parts.dns, added.json.data.records);
  const checked = await owner.post(`/api/tenants/${tenantId}/domains/${added.json.data.id}/check`);
  expect(checked.json.data.status, checked.body).toBe("active");
  return checked.json.data as { id: string; hostname: string; isPrimary: boolean; tls: { status: string; issuer: string | null } };
}

describe("full path: add → DNS → verify → Caddy route → HTTPS storefront → remove", () => {
  it("serves the verified domain over HTTPS through Caddy and stops when it is removed", async () => {
    const added = await owner.post(`/api/tenants/${tenantId}/domains`, { hostname: "Shop.Example.TEST" });
    expect(added.status, added.body).toBe(201);
    const d = added.json.data;
    expect(d).toMatchObject({ hostname: "shop.example.test", status: "pending", mode: "cname" });
    expect(d.records).toEqual([
      { type: "TXT", name: "_storefront-verify.shop.example.test", value: expect.stringMatching(/^storefront-verify=[A-Za-z0-9_-]{32}$/) },
      { type: "CNAME", name: "shop.example.test", value: EDGE_CNAME },
    ]);
    expect(await ask("shop.example.test")).toBe(403);
    expect(await routedHosts()).not.toContain("shop.example.test");

    // Before the records exist the check fails with the doctor's sentences, and nothing is routed.
    const early = await owner.post(`/api/tenants/${tenantId}/domains/${d.id}/check`);
    expect(early.json.data.status).toBe("pending");
    expect(early.json.data.problems.join(" ")).toMatch(/_storefront-verify\.shop\.example\.test/);

    publishRecords(parts.dns, d.records);
    const checked = await owner.post(`/api/tenants/${tenantId}/domains/${d.id}/check`);
    expect(checked.json.data).toMatchObject({ status: "active", isPrimary: true, problems: [], lastError: null });
    // The probe after activation made Caddy issue the certificate on the first handshake, and recorded it.
    expect(checked.json.data.tls).toMatchObject({ status: "issued", sanMatch: true, issuer: expect.stringMatching(/^Caddy Local Authority/) });

    expect(await routedHosts()).toContain("shop.example.test");
    expect(await ask("shop.example.test")).toBe(200);
    const page = await httpsGet(parts, "shop.example.test");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Acme Outfitters");

    const detail = await owner.get(`/api/tenants/${tenantId}/domains/${d.id}`);
    const toActive = detail.json.data.events.find((e: { toStatus: string; fromStatus: string }) => e.fromStatus === "pending" && e.toStatus === "active");
    expect(toActive.evidence.dns.lookups.map((l: { type: string; name: string }) => `${l.type} ${l.name}`)).toEqual(
      expect.arrayContaining(["TXT _storefront-verify.shop.example.test", "CNAME shop.example.test"]),
    );
    expect(toActive.actor).toMatch(/^user:/);

    const removed = await owner.del(`/api/tenants/${tenantId}/domains/${d.id}`);
    expect(removed.status, removed.body).toBe(200);
    await until(async () => !(await routedHosts()).includes("shop.example.test"), 2000);
    await until(async () => (await ask("shop.example.test")) === 403, 2000);
    const gone = await httpsGet(parts, "shop.example.test"); // the certificate is cached; the catch-all answers
    expect(gone.status).toBe(404);
    expect(gone.body).not.toContain("Acme");
  });
});

describe("internal endpoints", () => {
  it("answer direct calls on loopback, never a buyer's request relayed by the edge from the same address", async () => {
    const d = await addVerified("internal.example.test");
    for (const host of ["internal.example.test", "acme.localhost"]) {
      expect((await httpsGet(parts, host, "/metrics")).status).toBe(404);
      expect((await httpsGet(parts, host, "/internal/edge/ask?domain=internal.example.test")).status).toBe(404);
      const ready = await httpsGet(parts, host, "/readyz");
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body).killSwitch).toEqual({ global: false });
    }
    // The same endpoints answer the app's own infrastructure calling directly.
    expect((await get(app, "localhost", "/metrics")).body).toMatch(/^edge_route_drift_total \d+$/m);
    expect(await ask("internal.example.test")).toBe(200);
    expect(JSON.parse((await get(app, "localhost", "/readyz")).body)).toMatchObject({ killSwitch: { global: false, globalReason: null, tenants: [] } });
    await owner.del(`/api/tenants/${tenantId}/domains/${d.id}`);
  });
});

describe("takeover guard (docs/security.md 15)", () => {
  it("a host whose CNAME points at us without the ownership TXT is never routed", async () => {
    const added = await owner.post(`/api/tenants/${tenantId}/domains`, { hostname: "hijack.example.test" });
    parts.dns.set("hijack.example.test", "CNAME", [EDGE_CNAME]);
    parts.dns.set("_storefront-verify.hijack.example.test", "TXT", ["storefront-verify=someone-elses-token-1234567890"]);
    const checked = await owner.post(`/api/tenants/${tenantId}/domains/${added.json.data.id}/check`);
    expect(checked.json.data.status).toBe("pending");
    expect(checked.json.data.problems[0]).toMatch(/TXT/);
    expect(await routedHosts()).not.toContain("hijack.example.test");
    expect(await ask("hijack.example.test")).toBe(403);
    await expect(httpsGet(parts, "hijack.example.test")).rejects.toThrow(); // no certificate: the handshake fails
    await owner.del(`/api/tenants/${tenantId}/domains/${added.json.data.id}`);
  });
});

describe("primary domain (TEN-6)", () => {
  it("after setting a primary, the other hosts answer 301 to the same path on the primary", async () => {
    const a = await addVerified("a.primary.test");
    const b = await addVerified("b.primary.test");
    expect(a.isPrimary).toBe(true); // the first verified domain becomes primary
    expect(b.isPrimary).toBe(false);
    const set = await owner.put(`/api/tenants/${tenantId}/primary-domain`, { domainId: b.id });
    expect(set.status, set.body).toBe(200);
    await until(async () => (await httpsGet(parts, "a.primary.test", "/items?page=2")).status === 301, 2000);
    const fromA = await httpsGet(parts, "a.primary.test", "/items?page=2");
    expect(fromA.headers.location).toBe(`https://b.primary.test:${parts.caddy.httpsPort}/items?page=2`);
    expect((await get(app, "acme.localhost", "/cart")).headers.location).toBe("http://b.primary.test/cart");
    expect((await httpsGet(parts, "b.primary.test", "/")).status).toBe(200);
    // Back to the platform subdomain.
    await owner.put(`/api/tenants/${tenantId}/primary-domain`, { domainId: null });
    await until(async () => (await get(app, "acme.localhost", "/")).status === 200, 2000);
    expect((await httpsGet(parts, "b.primary.test", "/x")).headers.location).toBe(`https://acme.localhost:${parts.caddy.httpsPort}/x`);
    // A pending domain cannot be primary.
    const pending = await owner.post(`/api/tenants/${tenantId}/domains`, { hostname: "c.primary.test" });
    const refused = await owner.put(`/api/tenants/${tenantId}/primary-domain`, { domainId: pending.json.data.id });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe("DOMAIN_NOT_ACTIVE");
  });
});

describe("suspension", () => {
  it("a suspended shop's custom domain serves the unavailable page, and ask refuses its hosts not yet issued", async () => {
    const d = await addVerified("live.suspend.test");
    await owner.put(`/api/tenants/${tenantId}/primary-domain`, { domainId: d.id });
    // Served (and its certificate issued) before the suspension.
    await until(async () => (await httpsGet(parts, "live.suspend.test").catch(() => ({ status: 0 }))).status === 200, 3000);
    const fresh = await owner.post(`/api/tenants/${tenantId}/domains`, { hostname: "fresh.suspend.test" });
    publishRecords(parts.dns, fresh.json.data.records);
    expect((await operator.post(`/api/tenants/${tenantId}/suspend`, { reason: "edge test" })).status).toBe(200);
    try {
      await suspendedChecks(fresh.json.data.id);
    } finally {
      // Whatever happened above, the shop is active again for the tests after this one.
      expect((await operator.post(`/api/tenants/${tenantId}/activate`, { reason: "edge test over" })).status).toBe(200);
    }
    // A handshake can be reset while Caddy reloads the routes the activation changed: keep polling through it.
    await until(async () => (await httpsGet(parts, "live.suspend.test").catch(() => ({ status: 0 }))).status === 200, 3000);
    await owner.put(`/api/tenants/${tenantId}/primary-domain`, { domainId: null });
  });

  async function suspendedChecks(freshId: string) {

    await until(async () => (await httpsGet(parts, "live.suspend.test").catch(() => ({ status: 0 }))).status === 503, 3000);
    const page = await httpsGet(parts, "live.suspend.test");
    expect(page.body).toContain("Shop unavailable");
    expect(page.body).not.toContain("Acme");
    await until(async () => Boolean((await admin().listRoutes()).find((r) => r.id === ROUTE_IDS.unavailable)?.hosts.includes("live.suspend.test")), 3000);
    expect(await routedHosts()).not.toContain("live.suspend.test");
    expect(await ask("live.suspend.test")).toBe(403);
    expect(await ask("acme.localhost")).toBe(403);
    // Verifying another domain while suspended does not get it a certificate.
    await owner.post(`/api/tenants/${tenantId}/domains/${freshId}/check`);
    expect(await ask("fresh.suspend.test")).toBe(403);
    await expect(httpsGet(parts, "fresh.suspend.test")).rejects.toThrow();
  }
});

describe("reconciliation (EDGE-2)", () => {
  it("removes a stray route under our prefix, keeps foreign routes, and reports the drift", async () => {
    // Settle first: the test before this one changed the database, and the reconcile that follows it may not have
    // run yet. Until it has, an operator run would report that change alongside the stray route.
    await until(async () => (await operator.post("/api/ops/edge/reconcile")).json.data.changed === false, 5000);
    const before = (await readMetrics(redis, prefix)).edge_route_drift_total ?? 0;
    await admin().upsertRoute({ id: "sf-stray", hosts: ["stray.example.test"], upstream: "127.0.0.1:9" });
    await admin().upsertRoute({ id: "ops-manual", hosts: ["manual.example.test"], upstream: "127.0.0.1:9" });
    const r = await operator.post("/api/ops/edge/reconcile");
    expect(r.status, r.body).toBe(200);
    expect(r.json.data).toMatchObject({ ok: true });
    // This test's periodic reconcile runs every second and may have removed it first (this run may then still change
    // the routes: it moves the operator's route in front of ours). Exactly one of the runs reported it (the counter).
    expect([[], ["sf-stray"]]).toContainEqual(r.json.data.drift.stray);
    const ids = (await admin().listRoutes("edge", { prefix: "" })).map((x) => x.id);
    expect(ids).not.toContain("sf-stray");
    expect(ids).toContain("ops-manual");
    expect((await readMetrics(redis, prefix)).edge_route_drift_total).toBe(before + 1);
    const metrics = await get(app, "localhost", "/metrics");
    expect(metrics.body).toMatch(/^edge_route_drift_total \d+$/m);
    expect(metrics.body).toMatch(/^ledger_invariant_violation_total \d+$/m);
    expect(await db.prisma.auditLog.findFirst({ where: { action: "edge.reconcile" }, orderBy: { createdAt: "desc" } })).toMatchObject({ actorKind: "operator", details: { ok: true } });
    // A second run finds nothing to do.
    const again = await operator.post("/api/ops/edge/reconcile");
    expect(again.json.data).toMatchObject({ ok: true, changed: false, drift: { total: 0 } });
    await admin().deleteRoute("ops-manual");
  });

  it("restores every route within 5 s after Caddy comes back with an empty config", async () => {
    const d = await addVerified("restore.example.test");
    expect(await routedHosts()).toContain("restore.example.test");
    await admin().load({}); // Caddy now runs nothing but its admin API, as after a start without config
    expect(await admin().hasServer("edge")).toBe(false);
    await until(async () => (await routedHosts()).includes("restore.example.test"), 5000);
    expect((await httpsGet(parts, "restore.example.test")).status).toBe(200);
    expect((await admin().listRoutes()).map((r) => r.id)).toEqual(expect.arrayContaining([ROUTE_IDS.platform, ROUTE_IDS.app]));
    await owner.del(`/api/tenants/${tenantId}/domains/${d.id}`);
  });

  it("with Caddy down during a verify nothing crashes, the status says so, and the job retries until routed", async () => {
    const added = await owner.post(`/api/tenants/${tenantId}/domains`, { hostname: "down.example.test" });
    publishRecords(parts.dns, added.json.data.records);
    process.kill(parts.caddy.pid, "SIGSTOP"); // Caddy stops answering
    let checked;
    try {
      checked = await owner.post(`/api/tenants/${tenantId}/domains/${added.json.data.id}/check`);
    } finally {
      process.kill(parts.caddy.pid, "SIGCONT");
    }
    expect(checked.status, checked.body).toBe(200);
    expect(checked.json.data.status, checked.body).toBe("active");
    expect(checked.json.data.lastError, checked.body).toMatch(/edge could not be updated yet/);
    expect((await get(app, "localhost", "/healthz")).status).toBe(200);
    // The retry job (and the periodic reconcile) route it and clear the notice.
    await until(async () => (await routedHosts()).includes("down.example.test"), 10_000);
    await until(async () => (await owner.get(`/api/tenants/${tenantId}/domains/${added.json.data.id}`)).json.data.lastError === null, 10_000);
    expect((await httpsGet(parts, "down.example.test")).status).toBe(200);
  });
});
