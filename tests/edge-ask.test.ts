/** EDGE-3 on-demand TLS ask: answered from the in-process snapshot, following tenancy changes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant, createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { until } from "./wait.ts";

const db = await createTestDatabase();
const prefix = redisPrefix();
let app: RunningApp;
const ask = async (domain: string) => (await get(app, "localhost", `/internal/edge/ask?domain=${encodeURIComponent(domain)}`)).status;

beforeAll(async () => {
  await createTenant(db.prisma, { slug: "askme", domains: [{ hostname: "www.askme.test", status: "active" }, { hostname: "new.askme.test", status: "pending" }] });
  await createTenant(db.prisma, { slug: "frozen", status: "suspended", domains: [{ hostname: "shop.frozen.test", status: "active" }] });
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost" });
});
afterAll(async () => app?.stop());

describe("GET /internal/edge/ask", () => {
  it("allows active shops' subdomains and active custom domains, and nothing else", async () => {
    expect(await ask("askme.localhost")).toBe(200);
    expect(await ask("WWW.AskMe.test.")).toBe(200);
    expect(await ask("new.askme.test")).toBe(403); // pending: not verified yet
    expect(await ask("shop.frozen.test")).toBe(403); // suspended shop: no new certificates
    expect(await ask("frozen.localhost")).toBe(403);
    expect(await ask("random.example.com")).toBe(403);
    expect(await ask("127.0.0.1")).toBe(403);
    expect(await ask("[::1]")).toBe(403);
    expect(await ask("")).toBe(403);
  });

  it("follows activation, suspension and domain removal within 1 s", async () => {
    const owner = await signIn(app.port, (await createUser(db.prisma)).email);
    const op = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
    const id = (await owner.post("/api/tenants", { slug: "fresh", displayName: "Fresh" })).json.data.id;
    expect(await ask("fresh.localhost")).toBe(403);
    await op.post(`/api/tenants/${id}/activate`, { reason: "ask test" });
    await until(async () => (await ask("fresh.localhost")) === 200, 1000);
    await op.post(`/api/tenants/${id}/suspend`, { reason: "ask test" });
    await until(async () => (await ask("fresh.localhost")) === 403, 1000);

    // A removed domain's answer turns to 403 (docs/security.md 15) once the change is announced.
    await db.prisma.tenantDomain.updateMany({ where: { hostname: "www.askme.test" }, data: { status: "removed", removedAt: new Date(), isPrimary: false } });
    const { publishTenancyChange } = await import("#server/tenancy/index.ts");
    const { Redis } = await import("ioredis");
    const redis = new Redis(REDIS_URL);
    try {
      expect(await ask("www.askme.test")).toBe(200); // not announced yet: the snapshot is what answers
      await publishTenancyChange(redis, prefix, "domain removed");
      await until(async () => (await ask("www.askme.test")) === 403, 1000);
    } finally {
      redis.disconnect();
    }
  });

});
