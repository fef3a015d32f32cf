/**
 * Fault injection (issue 20 Deliver 4): the storefront under load while its Redis (started here, AOF on) is stopped
 * for 10 s and restarted. Pages keep serving (zero non-2xx), rate limits fall back to the in-memory insurance limiter
 * (a burst still gets 429), a notification job queued before the outage resumes after it, and an order notification
 * raised during the outage (its enqueue fails) is parked and enqueued once Redis is back: each is delivered exactly once.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { ADDRESS, createShop, httpBuyer, httpMember } from "./money-fixture.ts";
import { startFakeTelegram, type FakeBot, type FakeTelegram } from "./fake-telegram/server.ts";
import { loop, RedisSet, type RedisProcess } from "./redis-servers.ts";
import { freePort, until } from "./wait.ts";
import { notificationJobId } from "#server/bots/index.ts";

const db = await createTestDatabase();
const redisSet = new RedisSet();
let redis: RedisProcess;
let tg: FakeTelegram;
let fake: FakeBot;
let app: RunningApp;
let botId: string;
let shop: Awaited<ReturnType<typeof createShop>>;
let browse: Awaited<ReturnType<typeof createShop>>;
let burst: Awaited<ReturnType<typeof createShop>>;
const CHECKOUT_LIMIT = 5;

beforeAll(async () => {
  redis = await redisSet.server(["--appendonly", "yes"]);
  tg = await startFakeTelegram();
  [shop, browse, burst] = [await createShop(db), await createShop(db), await createShop(db)];
  const port = await freePort();
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${redis.port}`, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PORT: String(port),
    TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`, SECRET_BOX_KEY: randomBytes(32).toString("hex"),
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: String(CHECKOUT_LIMIT),
    // The first delivery attempt fails; its retry falls due while Redis is away.
    JOBS_BACKOFF_BASE_MS: "3000",
  }, 60_000);
  const owner = await httpMember(db, app.port, shop.tenantId, "owner");
  fake = tg.addBot({ username: "outage_bot" });
  botId = (await owner.post(`/api/tenants/${shop.tenantId}/bots`, { token: fake.token })).json.data.bot.id;
  await until(() => Boolean(tg.webhook(fake.id)?.secretToken));
  const link = (await owner.get(`/api/tenants/${shop.tenantId}/bots/${botId}/claim-link`)).json.data.claimLink as string;
  await tg.sendUpdate(fake.id, tg.messageUpdate({ fromId: 111, text: `/start ${new URL(link).searchParams.get("start")}` }));
  await until(async () => (await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: botId } })).status === "active");
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await tg?.close();
  await redisSet.stopAll();
});

const cart = (s: typeof shop) => ({ items: [{ itemId: s.item("Lamp"), quantity: 1 }], email: "buyer@example.test", shippingAddress: ADDRESS, acknowledgeNoEscrow: true });
const delivered = (orderId: string) => tg.deliveredCount(notificationJobId(`order.created:${orderId}`, botId, "111"));

describe("a 10 s Redis outage under storefront load", () => {
  it("serves every page, keeps rate limits on, resumes queued jobs and loses or repeats no notification", async () => {
    const started = Date.now();
    const load = loop(() => get(app, `${browse.slug}.localhost`, Math.random() < 0.5 ? "/" : "/api/storefront/bootstrap"), (r) => String(r.status));

    // Before: an order whose notification's first attempt fails, so its retry waits in Redis (delayed) over the outage.
    tg.fail("sendMessage", { mode: "5xx", times: 1 });
    const before = await httpBuyer(app.port, shop.slug).checkout(cart(shop));
    expect(before.status, before.body).toBe(201);
    await until(() => tg.calls("sendMessage").length === 1, "the first, failing delivery attempt");
    await new Promise((r) => setTimeout(r, 300)); // the worker records the failure and schedules the retry

    await redis.stop(true);
    const downAt = Date.now();
    // During: pages keep coming; a checkout's notification cannot be enqueued (parked), and a burst is still limited.
    const during = await httpBuyer(app.port, shop.slug).checkout(cart(shop));
    expect(during.status, during.body).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < CHECKOUT_LIMIT + 3; i++) statuses.push((await httpBuyer(app.port, burst.slug).checkout({ items: [] })).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(statuses.slice(0, CHECKOUT_LIMIT)).not.toContain(429);
    await new Promise((r) => setTimeout(r, 10_000 - (Date.now() - downAt)));
    expect(delivered(before.json.data.order.id)).toBe(0);

    await redis.start();
    const upAt = Date.now();
    await until(() => delivered(before.json.data.order.id) === 1 && delivered(during.json.data.order.id) === 1, 30_000);
    const recoveredMs = Date.now() - upAt;
    await new Promise((r) => setTimeout(r, 2_000)); // any duplicate would have arrived by now
    const counts = await load.stop();
    const requests = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`redis outage: ${requests} storefront GETs ${JSON.stringify(counts)}; burst during outage ${statuses.join(",")}; both notifications delivered ${recoveredMs} ms after the restart; total ${Date.now() - started} ms`);

    expect(Object.keys(counts)).toEqual(["200"]);
    expect(delivered(before.json.data.order.id)).toBe(1);
    expect(delivered(during.json.data.order.id)).toBe(1);
    expect(app.logs.join("")).toMatch(/enqueue failed; parked for retry/);
    expect(app.logs.join("")).toMatch(/parked enqueues done/);
  });
});
