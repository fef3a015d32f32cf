import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { createTenant } from "./factories.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";

const db = await createTestDatabase();
const apps: RunningApp[] = [];
const LIMIT = 5;

beforeAll(async () => {
  await createTenant(db.prisma, { slug: "flooded" });
  await createTenant(db.prisma, { slug: "calm" });
  const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", RATE_LIMIT_STOREFRONT_PER_MIN: String(LIMIT) };
  apps.push(await startApp(env), await startApp(env));
});
afterAll(async () => Promise.all(apps.map((a) => a.stop())));

describe("storefront rate limit (docs/security.md 3)", () => {
  it("is shared by two app processes, answers 429 with Retry-After, and is per tenant", async () => {
    const [a, b] = apps as [RunningApp, RunningApp];
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await get(i % 2 ? b : a, "flooded.localhost", "/api/storefront/bootstrap")).status);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);
    const limited = await get(a, "flooded.localhost", "/");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body).error.code).toBe("RATE_LIMITED");
    // Another tenant, same client IP: unaffected.
    expect((await get(b, "calm.localhost", "/api/storefront/bootstrap")).status).toBe(200);
  });
});
