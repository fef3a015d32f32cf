/**
 * The app on a Redis Cluster (issue 20, docs/decisions/021-redis-topologies.md): three masters started here from
 * Debian's redis-server. Storefront pages, the storefront and sign-in rate limits, a sign-in with its refund, a
 * checkout (its expiry job on the money queue) and a job run by the worker all work, and no command spans slots.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { createUser, TEST_PASSWORD } from "./factories.ts";
import { request } from "./http.ts";
import { ADDRESS, createShop } from "./money-fixture.ts";
import { RedisSet } from "./redis-servers.ts";
import { until } from "./wait.ts";
import { createRedis, type RedisClient } from "#server/redis.ts";
import { createQueue, enqueueJob, MONEY_QUEUE, QUEUE } from "#server/jobs/index.ts";

const db = await createTestDatabase();
const redisSet = new RedisSet();
const prefix = redisPrefix();
const LIMIT = 5;
let app: RunningApp;
let client: RedisClient;
let nodes: string;
const started = Date.now();

beforeAll(async () => {
  const masters = await redisSet.cluster(3);
  nodes = masters.map((m) => `127.0.0.1:${m.port}`).join(",");
  console.log(`redis cluster: 3 masters up in ${Date.now() - started} ms (${nodes})`);
  Object.assign(shop, await createShop(db));
  // Checkouts on their own shop: the storefront limit (per shop and IP) also covers /api/storefront.
  Object.assign(buyShop, await createShop(db, { rails: ["manual_invoice"] }));
  app = await startApp({
    DATABASE_URL: db.url, REDIS_CLUSTER_NODES: nodes, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost",
    RATE_LIMIT_STOREFRONT_PER_MIN: String(LIMIT), RATE_LIMIT_AUTH_PER_15MIN: "3", TENANT_STATS_FLUSH_MS: "100",
 }, 60_000); // a loaded CI machine can take longer than the default to start it
  client = createRedis({ REDIS_URL: "", REDIS_CLUSTER_NODES: masters.map((m) => ({ host: "127.0.0.1", port: m.port })), REDIS_SENTINELS: [], REDIS_SENTINEL_NAME: undefined });
}, 90_000);
afterAll(async () => {
  await app?.stop();
  client?.disconnect();
  await redisSet.stopAll();
});

const shop = {} as Awaited<ReturnType<typeof createShop>>;
const buyShop = {} as Awaited<ReturnType<typeof createShop>>;
const crossSlot = () => app.logs.join("").match(/.*(CROSSSLOT|same slot|slots allocation).*/gi) ?? [];

describe("on a Redis Cluster", () => {
  it("serves storefront pages and limits them (429 + Retry-After after the limit)", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await get(app, `${shop.slug}.localhost`, i % 2 ? "/" : "/api/storefront/bootstrap")).status);
    console.log(`redis cluster: storefront statuses ${statuses.join(",")}`);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
    const limited = await get(app, `${shop.slug}.localhost`, "/api/storefront/bootstrap");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body).error.code).toBe("RATE_LIMITED");
  });

  it("signs in after a failure (the per-key refund), and limits failed sign-ins per IP + account", async () => {
    const user = await createUser(db.prisma);
    const login = (password: string) => request(app.port, "/api/auth/login", { method: "POST", body: { email: user.email, password } });
    expect((await login("wrong-password-1")).status).toBe(401);
    expect((await login(TEST_PASSWORD)).status).toBe(200);
    // The success ended the IP + account count: three more failures are allowed, the fourth is refused.
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(`wrong-password-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it("takes a checkout (its expiry job lands on the money queue) and runs a job through the worker", async () => {
    const res = await request(app.port, "/api/storefront/checkout", {
      method: "POST", host: `${buyShop.slug}.localhost`, headers: { "idempotency-key": `cluster-${Date.now()}` },
      body: { items: [{ itemId: buyShop.item("Lamp"), quantity: 1 }], email: "buyer@example.test", shippingAddress: ADDRESS, acknowledgeNoEscrow: true },
    });
    expect(res.status, res.body).toBe(201);
    const moneyQueue = createQueue(client, prefix, MONEY_QUEUE);
    const queue = createQueue(client, prefix, QUEUE);
    try {
      expect(await moneyQueue.getJobState(`expire-${res.json.data.order.id}`)).toBe("delayed");
      const t0 = Date.now();
      await enqueueJob(queue, "money.reconcile", { trigger: "cluster-test" }, { jobId: "cluster-reconcile" });
      await until(async () => (await queue.getJobState("cluster-reconcile")) === "completed", 20_000);
      console.log(`redis cluster: a job through the worker in ${Date.now() - t0} ms`);
    } finally {
      await Promise.all([moneyQueue.close(), queue.close()]);
    }
  });

  it("keeps each BullMQ queue in one slot and logs no cross-slot error", async () => {
    // Request counts were flushed per shop (TENANT_STATS_FLUSH_MS=100) and schedules registered meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    const bullKeys: string[] = [];
    for (const node of (client as import("ioredis").Cluster).nodes("master")) bullKeys.push(...(await node.keys(`{${prefix}bull}:*`)));
    expect(bullKeys.length).toBeGreaterThan(0);
    expect(new Set(bullKeys.map((k) => k.slice(0, k.indexOf("}") + 1)))).toEqual(new Set([`{${prefix}bull}`]));
    expect(crossSlot()).toEqual([]);
    expect(app.logs.join("")).not.toMatch(/rate limiter unavailable|request counts not stored|order event not published/);
    console.log(`redis cluster: ${bullKeys.length} BullMQ keys in one slot; total ${Date.now() - started} ms`);
  });
});
