/**
 * Issue 20 (Deliver 3): generated Host headers against the resolver in process and against the built app over HTTP.
 * Every answer is one of the expected statuses, never a 500, never a stack; the resolver cache stays bounded and a
 * shop's own host always resolves to that shop, however its name is cased, dotted or ported.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeHost } from "#server/http/index.ts";
import { TenantResolver } from "#server/tenancy/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import { Failures, cases, pool, printCount, problem, send } from "./fuzz/harness.ts";
import { hostHeader } from "./fuzz/hostile.ts";
import { HOST_REGRESSIONS } from "./fuzz/regressions.ts";

const db = await createTestDatabase();
let app: RunningApp;
const shops: Record<"active" | "suspended" | "closed" | "custom", { id: string; slug: string }> = {} as never;

beforeAll(async () => {
  for (const status of ["active", "suspended", "closed"] as const) shops[status] = await createTenant(db.prisma, { status });
  // A shop whose primary host is a custom domain: its platform subdomain answers with a redirect there.
  shops.custom = await createTenant(db.prisma, { domains: [{ hostname: "fuzz-shop.example", status: "active", primary: true }] });
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", LOG_LEVEL: "warn",
    RATE_LIMIT_STOREFRONT_PER_MIN: "1000000", TENANT_CACHE_MAX_ENTRIES: "500",
  }, 90_000); // the fuzz files start together with others on a busy machine
});
afterAll(async () => {
  await app?.stop();
});

const known = () => ["localhost", ...Object.values(shops).map((s) => `${s.slug}.localhost`), "fuzz-shop.example"];

describe("fuzz: Host headers", () => {
  it("the resolver, in process: never throws, never grows past its bound, and finds each shop under any spelling of its host", async () => {
    const resolver = new TenantResolver({ prisma: db.prisma, platformDomain: "localhost", ttlMs: 60_000, negativeTtlMs: 60_000, maxEntries: 500 });
    const hosts = [...HOST_REGRESSIONS, ...cases(hostHeader(known()), 10_000, 1)];
    const failures = new Failures();
    const started = Date.now();
    await pool(hosts, 16, async (raw, index) => {
      try {
        const host = normalizeHost(raw);
        // A host name is only letters, digits, dots and hyphens (IDN aside): no URL delimiter, escape or space may be
        // dropped on the way to a valid name, or "shop.localhost/x" would be served (and certified) as the shop.
        if (host && /[\s/?#\\%@:]/.test(raw.trim().replace(/:\d*$/, ""))) failures.add({ index, input: raw, why: `normalised to ${host}` });
        const r = await resolver.resolve(host);
        const slug = host && /^([a-z0-9-]+)\.localhost$/.exec(host)?.[1];
        const expected = host === "localhost" ? "platform" : slug === shops.active.slug || host === "fuzz-shop.example" ? "tenant" : null;
        if (expected && r.kind !== expected) failures.add({ index, input: raw, why: `resolved as ${r.kind}, expected ${expected}` });
        if (r.kind === "tenant" && ![shops.active.id, shops.custom.id, shops.suspended.id, shops.closed.id].includes(r.tenant.id)) {
          failures.add({ index, input: raw, why: "resolved to a shop that was never created" });
        }
        if (resolver.size > 500) failures.add({ index, input: raw, why: `cache grew to ${resolver.size}` });
      } catch (err) {
        failures.add({ index, input: raw, why: `threw ${(err as Error).message}` });
      }
    });
    printCount("host headers against the resolver", hosts.length, failures, Date.now() - started);
    expect(failures.report("resolver")).toBe("");
    expect(resolver.misses).toBeGreaterThan(500); // the generator reaches the database, not only the cache
  });

  it("the HTTP server: every answer an expected status, never a 500, never a stack, a typed envelope on 400", async () => {
    // 200 a page, 301/308 to the primary host, 400 a bad Host (the app's or Node's parser), 404 unknown host or page,
    // 401 /api/auth/me signed out, 410/503 closed/suspended shop, 431 a Host longer than Node's header limit.
    const allowed = [200, 301, 400, 401, 404, 410, 431, 503];
    const paths = ["/", "/api/storefront/bootstrap", "/api/auth/me", "/robots.txt", "/sitemap.xml"];
    const hosts = [...HOST_REGRESSIONS, ...cases(hostHeader(known()), 10_000, 2)];
    const failures = new Failures();
    const seen = new Map<number, number>();
    const started = Date.now();
    await pool(hosts, 24, async (host, index) => {
      const path = paths[index % paths.length]!;
      try {
        const a = await send(app.port, { path, headers: { host } });
        seen.set(a.status, (seen.get(a.status) ?? 0) + 1);
        const why = problem(a, allowed, { envelope: a.status === 400 });
        if (why) failures.add({ index, input: { host, path }, why, status: a.status, body: a.body });
      } catch (err) {
        // Past Node's header limit (16 KB) the server answers 431 and closes at once: the client may see the reset first.
        if (host.length > 16_000 && /ECONNRESET|EPIPE/.test((err as Error).message)) return void seen.set(431, (seen.get(431) ?? 0) + 1);
        failures.add({ index, input: { host, path }, why: `request failed: ${(err as Error).message}` });
      }
    });
    printCount(`host headers against the HTTP server (statuses ${JSON.stringify(Object.fromEntries(seen))})`, hosts.length, failures, Date.now() - started);
    expect(failures.report("server")).toBe("");
    expect(app.logs.join("")).not.toMatch(/unhandled error/);
    // Each kind of answer happened: the generator reaches shops, unknown hosts and the Host check.
    for (const s of [200, 301, 400, 404]) expect(seen.get(s), `status ${s}`).toBeGreaterThan(50);
  }, 180_000);
});
