/**
 * docs/security.md 10 and 13: input the database or the URL parser cannot take — a Host port above 65535, a NUL
 * character (Postgres refuses \u0000 in text), an unpaired UTF-16 surrogate, a JSON body in another charset — is a
 * typed 4xx with the JSON envelope on every surface (storefront API and pages, control-plane API, dashboard forms),
 * never a 500, and never counted as the shop's server error (OPS-1, server/observability/tenant-stats.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { TenantRequestStats } from "#server/observability/tenant-stats.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { formPost, signIn } from "./tenant-fixture.ts";
import { request, type Client, type Res } from "./http.ts";
import { ADDRESS, createShop, newKey } from "./money-fixture.ts";

const db = await createTestDatabase();
const prefix = redisPrefix();
const redis = new Redis(REDIS_URL);
const stats = new TenantRequestStats({ redis, prefix, flushMs: 60_000 });
let app: RunningApp;
let shop: Awaited<ReturnType<typeof createShop>>;
let owner: Client;
let host: string;

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", TENANT_STATS_FLUSH_MS: "100",
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000",
  });
  shop = await createShop(db);
  host = `${shop.slug}.localhost`;
  const user = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId: shop.tenantId, userId: user.id, role: "owner" } });
  owner = await signIn(app.port, user.email);
});
afterAll(async () => {
  redis.disconnect();
  await app?.stop();
});

function expectRefused(res: Res, status: number, code: string) {
  expect([res.status, res.json?.success, res.json?.error?.code], res.body.slice(0, 300)).toEqual([status, false, code]);
}

/** The shop's 5xx count after the app's counters have reached Redis (they flush every 100 ms here). */
async function shopServerErrors() {
  await new Promise((r) => setTimeout(r, 400));
  return (await stats.read(shop.tenantId)).thisHour.errors;
}

const NUL = "a\u0000b";
const LONE_SURROGATE_JSON = (field: string) => `{"${field}":"\\ud800"}`;
const BOUNDARY = "----hardening";
const multipart = (fields: Record<string, string>) => ({
  contentType: `multipart/form-data; boundary=${BOUNDARY}`,
  data: Object.entries(fields).map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") + `--${BOUNDARY}--\r\n`,
});

describe("Host ports above 65535", () => {
  it("are a 400 on the shop's pages and API and on the platform host, also via an untrusted X-Forwarded-Host", async () => {
    for (const [h, p] of [[`${host}:70000`, "/"], [`${host}:99999999`, "/api/storefront/bootstrap"], ["localhost:65536", "/login"]] as const) {
      expectRefused(await request(app.port, p, { host: h }), 400, "VALIDATION_ERROR");
    }
    // X-Forwarded-Host is ignored from a peer that is not a trusted proxy: the page is served as usual.
    expect((await request(app.port, "/", { host, headers: { "x-forwarded-host": `${host}:99999` } })).status).toBe(200);
    expect(await shopServerErrors()).toBe(0);
  });
});

describe("NUL and unpaired surrogates, and JSON in another charset", () => {
  it("storefront API: a filter with NUL, a checkout body with NUL or a lone surrogate, a latin1 JSON body", async () => {
    expectRefused(await request(app.port, "/api/storefront/catalog?q=a%00b", { host }), 400, "VALIDATION_ERROR");
    const checkout = (body: unknown, raw?: { contentType: string; data: string }) =>
      request(app.port, "/api/storefront/checkout", { host, headers: { "idempotency-key": newKey() }, ...(raw ? { raw } : { body }) });
    const order = { items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "buyer@example.test", rail: "escrow" };
    expectRefused(await checkout({ ...order, shippingAddress: { ...ADDRESS, name: NUL } }), 400, "VALIDATION_ERROR");
    expectRefused(await checkout(null, { contentType: "application/json", data: LONE_SURROGATE_JSON("email") }), 400, "VALIDATION_ERROR");
    expectRefused(await checkout(null, { contentType: "application/json; charset=latin1", data: JSON.stringify(order) }), 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(await db.prisma.order.count({ where: { tenantId: shop.tenantId } })).toBe(0);
    expect(await shopServerErrors()).toBe(0);
  });

  it("storefront pages: a catalog filter with NUL, a checkout form with NUL (urlencoded and multipart)", async () => {
    expectRefused(await request(app.port, "/?q=a%00b", { host }), 400, "VALIDATION_ERROR");
    expectRefused(await request(app.port, "/?category=%00", { host }), 400, "VALIDATION_ERROR");
    const fields = {
      cart: `${shop.item("Lamp")}:1`, idempotencyKey: newKey(), email: "buyer@example.test", rail: "escrow", needsShipping: "on",
      "shippingAddress.name": NUL, "shippingAddress.line1": "1 Main St", "shippingAddress.city": "Springfield",
      "shippingAddress.postalCode": "12345", "shippingAddress.country": "US",
    };
    const urlencoded = { contentType: "application/x-www-form-urlencoded", data: new URLSearchParams(fields).toString() };
    expectRefused(await request(app.port, "/checkout", { method: "POST", host, headers: { origin: `http://${host}` }, raw: urlencoded }), 400, "VALIDATION_ERROR");
    expectRefused(await request(app.port, "/checkout", { method: "POST", host, headers: { origin: `http://${host}` }, raw: multipart(fields) }), 400, "VALIDATION_ERROR");
    expect(await db.prisma.order.count({ where: { tenantId: shop.tenantId } })).toBe(0);
    expect(await shopServerErrors()).toBe(0);
  });

  it("control-plane API with a session: filters, JSON bodies and a CSV import", async () => {
    const items = `/api/tenants/${shop.tenantId}/catalog/items`;
    expectRefused(await owner.get(`${items}?q=%00`), 400, "VALIDATION_ERROR");
    expectRefused(await owner.post(items, { title: NUL, price: "1.00" }), 400, "VALIDATION_ERROR");
    expectRefused(await owner.post(items, { [NUL]: "key", title: "Fine", price: "1.00" }), 400, "VALIDATION_ERROR");
    const send = (contentType: string, data: string, p = items) =>
      request(app.port, p, { method: "POST", headers: { cookie: owner.cookieHeader(), origin: "http://localhost" }, raw: { contentType, data } });
    expectRefused(await send("application/json", LONE_SURROGATE_JSON("title")), 400, "VALIDATION_ERROR");
    expectRefused(await send("application/json; charset=latin1", JSON.stringify({ title: "Café", price: "1.00" })), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectRefused(await send("text/csv", `title,price\n${NUL},1.00\n`, `/api/tenants/${shop.tenantId}/catalog/import`), 400, "VALIDATION_ERROR");
    expect(await db.prisma.catalogItem.count({ where: { tenantId: shop.tenantId } })).toBe(2);
  });

  it("dashboard pages: a filter and an item form with NUL", async () => {
    expectRefused(await owner.get(`/dashboard/${shop.tenantId}/catalog?q=%00`), 400, "VALIDATION_ERROR");
    const res = await formPost(owner, `/dashboard/${shop.tenantId}/catalog/new`, { title: NUL, price: "1.00", kind: "physical" });
    expectRefused(res, 400, "VALIDATION_ERROR");
    expect(await db.prisma.catalogItem.count({ where: { tenantId: shop.tenantId } })).toBe(2);
  });

  it("well-formed text still passes: pairs of surrogates (emoji), a UTF-8 JSON charset", async () => {
    const res = await request(app.port, `/api/tenants/${shop.tenantId}/catalog/items`, {
      method: "POST", headers: { cookie: owner.cookieHeader(), origin: "http://localhost" },
      raw: { contentType: "application/json; charset=utf-8", data: '{"title":"Lamp \\ud83d\\udca1","price":"2.00"}' },
    });
    expect(res.status, res.body).toBe(201);
    expect(res.json.data.title).toBe("Lamp 💡");
    expect((await request(app.port, `/?q=${encodeURIComponent("💡")}`, { host })).status).toBe(200);
  });
});
