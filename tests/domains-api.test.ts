/**
 * DOM-1 through the API (validation table, clashes, IDN), tenancy of domains (cross-tenant, roles), and the database's
 * own guards on the domains table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createShopWithTeam } from "./tenant-fixture.ts";
import { startTestDns, type TestDns } from "./dns-server.ts";
import type { Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
let dns: TestDns;
let a: Awaited<ReturnType<typeof createShopWithTeam>>;
let b: Awaited<ReturnType<typeof createShopWithTeam>>;
let ownerA: Client;

beforeAll(async () => {
  dns = await startTestDns();
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost",
    DNS_SERVERS: dns.address, EDGE_CNAME_TARGET: "edge.platform.test", EDGE_IPV4: "203.0.113.10", DOMAIN_MANUAL_CHECK_MIN_MS: "60000",
  });
  a = await createShopWithTeam(db.prisma, app.port, "doma");
  b = await createShopWithTeam(db.prisma, app.port, "domb");
  ownerA = a.members.owner.client;
});
afterAll(async () => {
  await app?.stop();
  await dns?.close();
});

const add = (c: Client, tenantId: string, hostname: string, mode?: string) => c.post(`/api/tenants/${tenantId}/domains`, { hostname, ...(mode ? { mode } : {}) });

describe("DOM-1 validation through the API", () => {
  it.each([
    // (The platform domain and its subdomains in other spellings: server/domains/hostname.test.ts.)
    ["localhost", "single_label"],
    ["shop.localhost", "reserved_name"],
    ["203.0.113.7", "ip_literal"],
    ["[2001:db8::1]", "ip_literal"],
    ["intranet", "single_label"],
    [`${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(60)}.example`, "too_long"],
    ["*.example.com", "wildcard"],
    ["https://shop.example.com/", "not_a_hostname"],
    ["shop.example.com:8443", "not_a_hostname"],
    ["-bad.example.com", "hyphen_edge"],
    ["printer.local", "reserved_name"],
    ["", "empty"],
  ])("%j is refused with DOMAIN_INVALID (%s) and nothing is written", async (hostname, reason) => {
    const before = await db.prisma.tenantDomain.count();
    const res = await add(ownerA, a.tenantId, hostname);
    expect(res.status, res.body).toBe(400);
    expect(res.json.error).toMatchObject({ code: "DOMAIN_INVALID", details: { reason } });
    expect(res.json.error.message.length).toBeGreaterThan(10);
    expect(await db.prisma.tenantDomain.count()).toBe(before);
  });

  it("stores IDN hostnames as lower-case punycode and picks apex mode for a root domain", async () => {
    const res = await add(ownerA, a.tenantId, "Bücher.Example.");
    expect(res.status, res.body).toBe(201);
    expect(res.json.data).toMatchObject({ hostname: "xn--bcher-kva.example", mode: "apex", status: "pending" });
    expect(res.json.data.records.map((r: { type: string }) => r.type)).toEqual(["TXT", "A"]);
  });

  it("refuses a host another shop holds, in any letter case or IDN spelling (DOMAIN_TAKEN)", async () => {
    expect((await add(ownerA, a.tenantId, "www.clash.test")).status).toBe(201);
    const clash = await add(b.members.owner.client, b.tenantId, "WWW.Clash.Test");
    expect(clash.status).toBe(409);
    expect(clash.json.error.code).toBe("DOMAIN_TAKEN");
    expect(clash.json.error.message).toMatch(/another shop/);
    const idn = await add(b.members.owner.client, b.tenantId, "xn--bcher-kva.example");
    expect(idn.json.error.code).toBe("DOMAIN_TAKEN");
    const twice = await add(ownerA, a.tenantId, "www.clash.test");
    expect(twice.json.error).toMatchObject({ code: "DOMAIN_TAKEN", message: expect.stringMatching(/already added to this shop/) });
    expect(await db.prisma.tenantDomain.count({ where: { hostname: "www.clash.test" } })).toBe(1);
  });

  it("a removed host can be claimed again, by another shop, with a fresh token", async () => {
    const first = await add(ownerA, a.tenantId, "moving.example.test");
    expect((await ownerA.del(`/api/tenants/${a.tenantId}/domains/${first.json.data.id}`)).status).toBe(200);
    const second = await add(b.members.owner.client, b.tenantId, "moving.example.test");
    expect(second.status, second.body).toBe(201);
    expect(second.json.data.records[0].value).not.toBe(first.json.data.records[0].value);
    expect((await ownerA.get(`/api/tenants/${a.tenantId}/domains`)).json.data.items.map((d: { hostname: string }) => d.hostname)).not.toContain("moving.example.test");
  });

  it("apex mode asks for A records with the edge's addresses", async () => {
    const res = await add(ownerA, a.tenantId, "apex-shop.test", "apex");
    expect(res.status).toBe(201);
    expect(res.json.data.records).toContainEqual({ type: "A", name: "apex-shop.test", value: "203.0.113.10" });
  });

  it("rejects a malformed body with VALIDATION_ERROR", async () => {
    const res = await ownerA.post(`/api/tenants/${a.tenantId}/domains`, { hostname: "x.example.test", mode: "alias" });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("VALIDATION_ERROR");
  });
});

describe("tenancy of domains", () => {
  it("another shop's members get 404 for every domain route, and the domain is untouched", async () => {
    const d = (await add(ownerA, a.tenantId, "private.example.test")).json.data;
    const other = b.members.owner.client;
    const snapshot = await db.prisma.tenantDomain.findUniqueOrThrow({ where: { id: d.id } });
    for (const [method, path] of [
      ["GET", `/api/tenants/${a.tenantId}/domains`],
      ["GET", `/api/tenants/${a.tenantId}/domains/${d.id}`],
      ["POST", `/api/tenants/${a.tenantId}/domains/${d.id}/check`],
      ["DELETE", `/api/tenants/${a.tenantId}/domains/${d.id}`],
      ["PUT", `/api/tenants/${a.tenantId}/primary-domain`],
      // Their own tenant id with our domain id: the tenant floor keeps it out of reach.
      ["GET", `/api/tenants/${b.tenantId}/domains/${d.id}`],
      ["DELETE", `/api/tenants/${b.tenantId}/domains/${d.id}`],
      ["POST", `/api/tenants/${b.tenantId}/domains/${d.id}/check`],
    ] as const) {
      const res = await other.call(method, path, method === "PUT" ? { domainId: d.id } : undefined);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const put = await other.put(`/api/tenants/${b.tenantId}/primary-domain`, { domainId: d.id });
    expect(put.status).toBe(404);
    expect(await db.prisma.tenantDomain.findUniqueOrThrow({ where: { id: d.id } })).toEqual(snapshot);
  });

  it("finance and support members read domains but cannot add, check or remove them", async () => {
    const d = (await add(ownerA, a.tenantId, "roles.example.test")).json.data;
    for (const role of ["finance", "support"] as const) {
      const c = a.members[role].client;
      expect((await c.get(`/api/tenants/${a.tenantId}/domains`)).status).toBe(200);
      expect((await add(c, a.tenantId, `${role}.example.test`)).status).toBe(403);
      expect((await c.post(`/api/tenants/${a.tenantId}/domains/${d.id}/check`)).status).toBe(403);
      expect((await c.del(`/api/tenants/${a.tenantId}/domains/${d.id}`)).status).toBe(403);
    }
    expect((await add(a.members.developer.client, a.tenantId, "dev.example.test")).status).toBe(201);
    expect((await add(a.members.manager.client, a.tenantId, "mgr.example.test")).status).toBe(201);
  });

  it("manual checks are throttled per domain: a second one within the window looks nothing up", async () => {
    const d = (await add(ownerA, a.tenantId, "throttle.example.test")).json.data;
    const first = await ownerA.post(`/api/tenants/${a.tenantId}/domains/${d.id}/check`);
    expect(first.json.data).toMatchObject({ throttled: false, status: "pending", checkAttempts: 1 });
    const queries = dns.queries();
    const second = await ownerA.post(`/api/tenants/${a.tenantId}/domains/${d.id}/check`);
    expect(second.json.data).toMatchObject({ throttled: true, checkAttempts: 1 });
    expect(dns.queries()).toBe(queries);
  });
});

describe("database guards on tenant_domains", () => {
  it("a primary domain must be active or degraded, and degraded/removed carry their timestamps", async () => {
    const d = (await add(ownerA, a.tenantId, "guard.example.test")).json.data;
    await expect(db.sql.query(`UPDATE tenant_domains SET is_primary = true WHERE id = $1`, [d.id])).rejects.toThrow(/primary_routable/);
    await expect(db.sql.query(`UPDATE tenant_domains SET status = 'degraded' WHERE id = $1`, [d.id])).rejects.toThrow(/degraded_since/);
    await expect(db.sql.query(`UPDATE tenant_domains SET status = 'removed' WHERE id = $1`, [d.id])).rejects.toThrow(/removed_at/);
    await expect(db.sql.query(`UPDATE tenant_domains SET verification_token = 'short' WHERE id = $1`, [d.id])).rejects.toThrow(/token/);
    await expect(db.sql.query(`UPDATE tenant_domain_events SET actor = 'x' WHERE domain_id = $1`, [d.id])).rejects.toThrow(/append-only/);
  });

  it("two live rows can never hold one hostname, whatever the case", async () => {
    await expect(
      db.sql.query(
        `INSERT INTO tenant_domains (id, tenant_id, hostname, verification_token, updated_at) VALUES (gen_random_uuid(), $1, 'guard.example.test', repeat('t', 32), now())`,
        [b.tenantId],
      ),
    ).rejects.toThrow(/hostname_lower_uq/);
  });
});
