import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { createTenant } from "./factories.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createRedis } from "#server/redis.ts";
import { publishTenancyChange } from "#server/tenancy/index.ts";

const db = await createTestDatabase();
const prefix = redisPrefix();
const apps: RunningApp[] = [];

beforeAll(async () => {
  await createTenant(db.prisma, { slug: "acme", brand: { displayName: "Acme Before", primaryColor: "#14532d", accentColor: "#f59e0b" } });
  await createTenant(db.prisma, { slug: "nova", brand: { displayName: "Nova", primaryColor: "#4c1d95", accentColor: "#22d3ee" } });
  const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost" };
  apps.push(await startApp(env), await startApp({ ...env, TRUSTED_PROXIES: "127.0.0.1" }));
});
afterAll(async () => Promise.all(apps.map((a) => a.stop())));

const brandName = async (app: RunningApp) => JSON.parse((await get(app, "acme.localhost", "/api/storefront/bootstrap")).body).data.brand.displayName;

describe("cross-instance cache invalidation", () => {
  it("a brand change published by one process is served by another within 1 s", async () => {
    const [a, b] = apps as [RunningApp, RunningApp];
    expect(await brandName(a)).toBe("Acme Before");
    expect(await brandName(b)).toBe("Acme Before"); // b now holds acme in its cache
    await db.prisma.tenant.update({ where: { slug: "acme" }, data: { brand: { displayName: "Acme After", primaryColor: "#14532d", accentColor: "#f59e0b" } } });
    expect(await brandName(b)).toBe("Acme Before"); // still cached: proves the next step is the invalidation
    const redis = createRedis(REDIS_URL);
    await publishTenancyChange(redis, prefix, "test brand change");
    redis.disconnect();
    const started = Date.now();
    let seen = "";
    while (Date.now() - started < 1000) {
      seen = await brandName(b);
      if (seen === "Acme After") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(seen).toBe("Acme After");
  });
});

describe("trusted proxy", () => {
  it("honours X-Forwarded-Host only from a configured proxy address", async () => {
    const [untrusting, trusting] = apps as [RunningApp, RunningApp];
    const fwd = { "x-forwarded-host": "nova.localhost" };
    const slug = async (app: RunningApp) => JSON.parse((await get(app, "acme.localhost", "/api/storefront/bootstrap", fwd)).body).data.slug;
    expect(await slug(untrusting)).toBe("acme");
    expect(await slug(trusting)).toBe("nova");
  });
});
