/** The storefront checkout page's posts share the checkout rate limit with the JSON checkout (docs/security.md 3). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import { request } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;

beforeAll(async () => {
  await createTenant(db.prisma, { slug: "limited" });
  await createTenant(db.prisma, { slug: "other" });
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", RATE_LIMIT_CHECKOUT_PER_MIN: "2" });
});
afterAll(async () => app?.stop());

const post = (host: string, path: string) =>
  request(app.port, path, { method: "POST", host, headers: { origin: `http://${host}` }, raw: { contentType: "application/x-www-form-urlencoded", data: "email=a%40b.test" } });

describe("checkout page rate limit", () => {
  it("counts page posts and JSON checkouts together, per shop", async () => {
    const first = await post("limited.localhost", "/checkout.data");
    expect(first.status).not.toBe(429);
    const json = await request(app.port, "/api/storefront/checkout", { host: "limited.localhost", headers: { "idempotency-key": "k-123456789" }, body: { items: [] } });
    expect(json.status).not.toBe(429);
    const third = await post("limited.localhost", "/checkout");
    expect(third.status).toBe(429);
    expect(third.headers["retry-after"]).toBeDefined();
    expect((await post("other.localhost", "/checkout.data")).status).not.toBe(429);
  });
});
