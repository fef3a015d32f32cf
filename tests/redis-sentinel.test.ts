/**
 * The app on Redis Sentinel through a failover (issue 20, docs/decisions/021-redis-topologies.md): a master, a replica
 * and three sentinels (quorum 2) started here. Under a steady storefront load the master is killed; the sentinels
 * promote the replica and the app follows it: requests succeed again, and sign-ins and their rate limit work against
 * the new master. Failures while the failover is in flight are allowed (and printed); recovery is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { createTenant, createUser, TEST_PASSWORD } from "./factories.ts";
import { request } from "./http.ts";
import { loop, RedisSet, sentinelMaster, info } from "./redis-servers.ts";
import { until } from "./wait.ts";

const db = await createTestDatabase();
const redisSet = new RedisSet();
const prefix = redisPrefix();
let app: RunningApp;
let topo: Awaited<ReturnType<RedisSet["sentinel"]>>;

beforeAll(async () => {
  const t0 = Date.now();
  topo = await redisSet.sentinel();
  console.log(`redis sentinel: master, replica and 3 sentinels up in ${Date.now() - t0} ms`);
  await createTenant(db.prisma, { slug: "steady" });
  app = await startApp({
    DATABASE_URL: db.url, REDIS_SENTINELS: topo.sentinels.map((s) => `127.0.0.1:${s.port}`).join(","), REDIS_SENTINEL_NAME: topo.name,
    REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost", RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_AUTH_PER_15MIN: "3",
 }, 60_000); // a loaded CI machine can take longer than the default to start it
}, 90_000);
afterAll(async () => {
  await app?.stop();
  await redisSet.stopAll();
});

const login = (email: string, password: string) => request(app.port, "/api/auth/login", { method: "POST", body: { email, password } });

describe("on Redis Sentinel", () => {
  it("follows a failover mid-load: requests, sign-ins and rate limits work on the promoted replica", async () => {
    const user = await createUser(db.prisma);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(200);
    const load = loop(() => get(app, "steady.localhost", "/api/storefront/bootstrap"), (r) => String(r.status));
    await new Promise((r) => setTimeout(r, 1_000));

    const t0 = Date.now();
    await topo.master.stop(); // SIGKILL: the sentinels see it down after 1 s and promote the replica
    await until(async () => (await sentinelMaster(topo.sentinels[0]!.port, topo.name)).port === topo.replica.port, 20_000);
    const promotedAfter = Date.now() - t0;
    await until(async () => (await info(topo.replica.port, "INFO", "replication")).includes("role:master"), 10_000);
    // The app's Redis writes reach the new master again (the request counters, the rate limiter's keys).
    await until(async () => Number(await info(topo.replica.port, "DBSIZE")) > 0, 15_000);
    const recoveredAfter = Date.now() - t0;
    // Every app connection (not only the first to write) back on the new master before the limits are checked there.
    await new Promise((r) => setTimeout(r, 3_000));
    const during = { ...(await load.stop()) };
    console.log(`redis sentinel: promoted after ${promotedAfter} ms, app writing to it after ${recoveredAfter} ms; storefront load ${JSON.stringify(during)}`);

    // After the failover: pages serve, a sign-in works, and the IP + account limit counts on the new master.
    const after = await Promise.all(Array.from({ length: 20 }, () => get(app, "steady.localhost", "/api/storefront/bootstrap")));
    expect(after.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(user.email, `wrong-password-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const keys = (await info(topo.replica.port, "KEYS", `${prefix}rl:auth:*`)).split("\n").filter(Boolean);
    expect(keys.length).toBeGreaterThan(0);
    // Storefront reads never needed Redis: the load saw no failures at all, even in flight.
    expect(Object.keys(during)).toEqual(["200"]);
  });
});
