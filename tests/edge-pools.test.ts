/**
 * Issue 17 (isolation tiers, ADR 048): a shop's upstream pool, through real Caddy. Two tiny upstreams answer with their
 * own name; a shop served by pool "a" is moved to pool "b" by an operator (audited) while a load loop runs, and one
 * reconcile moves its slug host and custom domain without a single failed request.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { parseEnv } from "#server/env.ts";
import { createCaddyAdmin, desiredRoutes, EdgeReconciler, ROUTE_IDS } from "#server/edge/index.ts";
import { createLogger } from "#server/observability/index.ts";
import { TenantLifecycle } from "#server/tenancy/index.ts";
import { startCaddy, type RunningCaddy } from "./caddy.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import { caught } from "./caught.ts";

const db = await createTestDatabase();
const redis = new Redis(REDIS_URL);
const servers: http.Server[] = [];
let caddy: RunningCaddy;
let edge: EdgeReconciler;
let tenantId: string;
const ports: Record<string, number> = {};
const published: string[] = [];
const lifecycle = new TenantLifecycle({ prisma: db.prisma, publish: async (r) => void published.push(r), edgePools: ["shared", "a", "b"] });
const operator = { userId: null, kind: "operator" as const };

function upstream(name: string): Promise<number> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "x-pool": name });
    res.end(name);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

/** One GET through Caddy's plain-HTTP listener; the pool that answered, or the failure. */
/**
 * One GET through Caddy on a fresh connection. A connection Caddy accepted but had not read when a config change
 * replaced its server is closed unanswered (ECONNRESET before any response byte); browsers retry such an idempotent
 * request once, and so does this, counting it in `resets` so the test shows how often it happens.
 */
let resets = 0;
async function viaCaddy(host: string): Promise<string> {
  const first = await viaCaddyOnce(host);
  if (first !== "error read ECONNRESET") return first;
  resets++;
  return viaCaddyOnce(host);
}

function viaCaddyOnce(host: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port: caddy.httpPort, path: "/", headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200 ? String(res.headers["x-pool"]) : `status ${res.statusCode}`));
    });
    req.on("error", (err) => resolve(`error ${err.message}`));
  });
}

beforeAll(async () => {
  for (const name of ["shared", "a", "b"]) ports[name] = await upstream(name);
  caddy = await startCaddy({ upstreamPort: ports.shared! });
  const t = await createTenant(db.prisma, { slug: "poolshop" });
  tenantId = t.id;
  await db.prisma.tenantDomain.create({ data: { tenantId, hostname: "shop.pools.test", status: "active", verificationToken: "x".repeat(32) } });
  await createTenant(db.prisma, { slug: "neighbour" });
  edge = new EdgeReconciler({
    prisma: db.prisma, redis, prefix: redisPrefix(), logger: createLogger("silent"),
    admin: createCaddyAdmin({ adminUrl: caddy.adminUrl }), serverName: "edge", platformDomain: "localhost",
    upstreams: [`127.0.0.1:${ports.shared}`],
    pools: { shared: [`127.0.0.1:${ports.shared}`], a: [`127.0.0.1:${ports.a}`], b: [`127.0.0.1:${ports.b}`] },
  });
});
afterAll(async () => {
  redis.disconnect();
  await caddy?.stop();
  for (const s of servers) s.close();
});

describe("EDGE_POOLS", () => {
  it("parses named pools and refuses malformed ones", () => {
    expect(parseEnv({}).EDGE_POOLS).toEqual({});
    expect(parseEnv({ EDGE_POOLS: "shared=127.0.0.1:3000,127.0.0.1:3001; enterprise-a=10.0.0.5:3000" }).EDGE_POOLS)
      .toEqual({ shared: ["127.0.0.1:3000", "127.0.0.1:3001"], "enterprise-a": ["10.0.0.5:3000"] });
    for (const bad of ["shared", "Big=1.2.3.4:1", "app=1.2.3.4:1", "a=1.2.3.4", "a=1.2.3.4:1;a=1.2.3.4:2", "=1.2.3.4:1"]) {
      expect(() => parseEnv({ EDGE_POOLS: bad }), bad).toThrow(/EDGE_POOLS/);
    }
  });

  it("puts dedicated pools' routes in front of the platform wildcard, and leaves out empty pools", () => {
    const routes = desiredRoutes({
      platformDomain: "localhost", upstreams: ["127.0.0.1:1"], routed: ["x.test"], unavailable: [], gone: [],
      pools: [{ name: "b", upstreams: ["127.0.0.1:3"], hosts: ["s.localhost"] }, { name: "empty", upstreams: ["127.0.0.1:4"], hosts: [] }],
    });
    expect(routes.map((r) => r["@id"])).toEqual(["sf-hosts-b", ROUTE_IDS.platform, ROUTE_IDS.app, ROUTE_IDS.catchAll]);
  });
});

describe("moving a shop between pools", () => {
  it("only an operator-set, configured pool name is accepted, and the database checks the format", async () => {
    const unknown = await caught(lifecycle.setEdgePool(operator, tenantId, { pool: "nowhere", reason: "try it" }));
    expect(unknown).toMatchObject({ status: 400, code: "EDGE_POOL_UNKNOWN" });
    await expect(db.prisma.$executeRawUnsafe(`UPDATE tenants SET edge_pool = 'Bad Name' WHERE id = $1::uuid`, tenantId)).rejects.toThrow(/tenants_edge_pool_format/);
    await expect(db.prisma.$executeRawUnsafe(`UPDATE tenants SET edge_pool = 'app' WHERE id = $1::uuid`, tenantId)).rejects.toThrow(/tenants_edge_pool_format/);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).edgePool).toBe("shared");
  });

  it("serves the shop from pool a, then from pool b after one reconcile, with no failed request under load", async () => {
    await lifecycle.setEdgePool(operator, tenantId, { pool: "a", reason: "enterprise trial" });
    expect((await edge.reconcile("test")).ok).toBe(true);
    for (const host of ["poolshop.localhost", "shop.pools.test"]) expect(await viaCaddy(host)).toBe("a");
    expect(await viaCaddy("neighbour.localhost")).toBe("shared"); // other shops stay on the shared pool

    const answers: string[] = [];
    let running = true;
    const loop = async (host: string) => {
      while (running) answers.push(await viaCaddy(host));
    };
    const loops = [loop("poolshop.localhost"), loop("shop.pools.test"), loop("poolshop.localhost"), loop("shop.pools.test")];
    await new Promise((r) => setTimeout(r, 150));
    const moved = await lifecycle.setEdgePool(operator, tenantId, { pool: "b", reason: "dedicated capacity" });
    expect(moved).toMatchObject({ edgePool: "b", previous: "a" });
    const report = await edge.reconcile("tenancy change", { expected: true });
    expect(report).toMatchObject({ ok: true, changed: true });
    const afterMove = answers.length;
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await Promise.all(loops);

    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a !== "a" && a !== "b")).toEqual([]);
    // Resets happen only around the one config change, never more than one per loop.
    expect(resets).toBeLessThanOrEqual(loops.length);
    expect(answers.slice(afterMove + 4)).not.toContain("a"); // in-flight requests at the switch may still be a's
    expect(answers.slice(afterMove + 4).length).toBeGreaterThan(0);
    const ids = (await createCaddyAdmin({ adminUrl: caddy.adminUrl }).listRoutes()).map((r) => r.id);
    expect(ids).toContain("sf-hosts-b");
    expect(ids).not.toContain("sf-hosts-a");

    const audit = await db.prisma.auditLog.findMany({ where: { tenantId, action: "tenant.edge_pool" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => [a.reason, a.details])).toEqual([
      ["enterprise trial", { from: "shared", to: "a" }], ["dedicated capacity", { from: "a", to: "b" }],
    ]);
    expect(published).toEqual([`tenant.edge_pool:${tenantId}`, `tenant.edge_pool:${tenantId}`]);
  });

  it("back to the shared pool: the dedicated route goes away and the shared pool answers", async () => {
    await lifecycle.setEdgePool(operator, tenantId, { pool: "shared", reason: "trial over" });
    expect((await edge.reconcile("test")).ok).toBe(true);
    for (const host of ["poolshop.localhost", "shop.pools.test"]) expect(await viaCaddy(host)).toBe("shared");
    const ids = (await createCaddyAdmin({ adminUrl: caddy.adminUrl }).listRoutes()).map((r) => r.id);
    expect(ids.filter((id) => id.startsWith("sf-hosts-"))).toEqual([ROUTE_IDS.app]);
  });
});
