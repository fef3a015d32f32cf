/**
 * OPS-1 per-shop health on the operator's tenant page: requests and 5xx counted per shop by every instance and summed
 * in Redis, the latest order, and each domain's certificate days left.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { TenantRequestStats } from "#server/observability/tenant-stats.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { ADDRESS, createShop, newKey } from "./money-fixture.ts";
import { until } from "./wait.ts";

const db = await createTestDatabase();
const prefix = redisPrefix();
const redis = new Redis(REDIS_URL);
let app: RunningApp;
let operator: Client;

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", TENANT_STATS_FLUSH_MS: "100",
  });
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
});
afterAll(async () => {
  redis.disconnect();
  await app?.stop();
});

/** The text of the health card's stat with this test id, tags stripped. */
function stat(html: string, testId: string) {
  const start = html.indexOf(`data-testid="${testId}"`);
  expect(start, `${testId} on the page`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</div>", start)).replace(/<[^>]+>/g, " ").replace(/&nbsp;/g, " ").replace(/\s+/g, " ");
}

describe("per-shop request counts", () => {
  it("two instances' counts add up per shop and hour; 5xx are counted apart; other shops are untouched", async () => {
    const p = `${prefix}unit:`;
    const a = new TenantRequestStats({ redis, prefix: p, flushMs: 60_000 });
    const b = new TenantRequestStats({ redis, prefix: p, flushMs: 60_000 });
    for (const status of [200, 200, 404, 503]) a.record("shop-1", status);
    for (const status of [200, 500]) b.record("shop-1", status);
    b.record("shop-2", 200);
    await Promise.all([a.flush(), b.flush()]);
    expect(await a.read("shop-1")).toEqual({ thisHour: { requests: 6, errors: 2 }, last24h: { requests: 6, errors: 2 } });
    expect((await b.read("shop-2")).last24h).toEqual({ requests: 1, errors: 0 });
    // A flush sends what was counted since the last one, once.
    await a.flush();
    expect((await b.read("shop-1")).last24h.requests).toBe(6);
  });
});

describe("the operator's tenant page (OPS-1)", () => {
  it("shows the shop's traffic and server errors, its latest order and its certificates' days left", async () => {
    const shop = await createShop(db);
    const other = await createShop(db);
    await db.prisma.tenantDomain.create({
      data: {
        tenantId: shop.tenantId, hostname: `health-${shop.slug}.example.test`, verificationToken: "x".repeat(22), status: "active", verifiedAt: new Date(),
        tlsStatus: "issued", tlsNotAfter: new Date(Date.now() + 5.5 * 86_400_000),
      },
    });
    for (let i = 0; i < 3; i++) expect((await request(app.port, "/", { host: `${shop.slug}.localhost` })).status).toBe(200);
    const placed = await request(app.port, "/api/storefront/checkout", {
      method: "POST", host: `${shop.slug}.localhost`, headers: { "idempotency-key": newKey() },
      body: { items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "health@example.test", shippingAddress: ADDRESS, rail: "escrow" },
    });
    expect(placed.status, placed.body).toBe(201);
    // Another web instance served this shop a 500: its counts add to this one's in Redis.
    const stats = new TenantRequestStats({ redis, prefix, flushMs: 60_000 });
    stats.record(shop.tenantId, 500);
    await stats.flush();
    await until(async () => (await stats.read(shop.tenantId)).thisHour.requests >= 5, "the app's counts reach Redis", 10_000);

    const page = await operator.get(`/ops/tenants/${shop.tenantId}`);
    expect(page.status).toBe(200);
    expect(stat(page.body, "health-requests")).toMatch(/Requests this hour 5 1 server errors/);
    expect(stat(page.body, "health-error-rate")).toMatch(/20\.0 % 1 of 5 requests/);
    expect(page.body).toMatch(/data-testid="health-error-rate" data-alert="true"/);
    expect(stat(page.body, "health-last-order")).toMatch(/Last order just now .* Pending payment · 1 in the last 24 h/);
    expect(page.body).toContain(`health-${shop.slug}.example.test`);
    expect(page.body).toMatch(/5 days left/);
    expect(page.body).toContain("1 certificate ends within 14 days.");

    // The other shop's page counts none of it.
    const otherPage = await operator.get(`/ops/tenants/${other.tenantId}`);
    expect(stat(otherPage.body, "health-requests")).toMatch(/Requests this hour 0 0 server errors/);
    expect(stat(otherPage.body, "health-last-order")).toMatch(/None yet/);
    expect(otherPage.body).toContain("No custom domains");
  });
});
