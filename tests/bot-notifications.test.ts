/**
 * BOT-7 notifications through a separate worker process and the fake Bot API: dedupe by event id, retry_after
 * honoured, 5xx backoff, dead letter, 401 suspension, and exactly-once delivery across a killed worker.
 */
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { startFakeTelegram, type FakeBot, type FakeTelegram } from "./fake-telegram/server.ts";
import { notificationJobId, notifyTenantAdmins } from "#server/bots/index.ts";
import { DEAD_LETTER_QUEUE, QUEUE } from "#server/jobs/index.ts";
import { freePort, until } from "./wait.ts";

const db = await createTestDatabase();
const prefix = redisPrefix();
let tg: FakeTelegram;
let web: RunningApp;
let worker: RunningApp;
let workerEnv: Record<string, string>;
let redis: Redis;
let queue: Queue;
let tenantId: string;
let botId: string;
let fake: FakeBot;

// As the app calls it (the bot lookup as a prepared statement on the pool); the first test also takes the Prisma path.
const notify = (id: string, text = `event ${id}`) => notifyTenantAdmins({ prisma: db.prisma, queue, sql: db.run.query }, tenantId, { id, text });
const keyOf = (eventId: string) => notificationJobId(eventId, botId, "111");

beforeAll(async () => {
  tg = await startFakeTelegram();
  const port = await freePort();
  const env = {
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost",
    TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`, TELEGRAM_TIMEOUT_MS: "20000",
    SECRET_BOX_KEY: randomBytes(32).toString("hex"), JOBS_BACKOFF_BASE_MS: "50", JOBS_LOCK_DURATION_MS: "1500", JOBS_STALLED_INTERVAL_MS: "500",
    // The dead-letter test's fifth 5xx in a row opens the Telegram circuit; its sixth attempt waits this long for it.
    OUTBOUND_BREAKER_COOLDOWN_MS: "300",
  };
  workerEnv = { ...env, MODE: "worker" };
  [web, worker] = await Promise.all([startApp({ ...env, MODE: "web", PORT: String(port) }), startApp(workerEnv)]);
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  queue = new Queue(QUEUE, { connection: redis, prefix: `${prefix}bull` });
  const owner = await signIn(web.port, (await createUser(db.prisma)).email);
  const op = await signIn(web.port, (await createUser(db.prisma, { operator: true })).email);
  tenantId = (await owner.post("/api/tenants", { slug: "notifyshop", displayName: "Notify Shop" })).json.data.id;
  await op.post(`/api/tenants/${tenantId}/activate`, { reason: "notification tests" });
  fake = tg.addBot({ username: "notify_bot" });
  botId = (await owner.post(`/api/tenants/${tenantId}/bots`, { token: fake.token })).json.data.bot.id;
  await until(() => Boolean(tg.webhook(fake.id)?.secretToken));
  const link = (await owner.get(`/api/tenants/${tenantId}/bots/${botId}/claim-link`)).json.data.claimLink as string;
  await tg.sendUpdate(fake.id, tg.messageUpdate({ fromId: 111, text: `/start ${new URL(link).searchParams.get("start")}` }));
  await until(async () => (await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: botId } })).status === "active");
});
afterAll(async () => {
  await queue?.close();
  redis?.disconnect();
  await Promise.all([web?.stop(), worker?.stop()]);
  await tg?.close();
});

describe("notifications", () => {
  it("a duplicate event id sends one message", async () => {
    expect(await notify("order.paid:1")).toEqual({ queued: 1 });
    expect(await notifyTenantAdmins({ prisma: db.prisma, queue }, tenantId, { id: "order.paid:1", text: "event order.paid:1" })).toEqual({ queued: 1 });
    await until(() => tg.deliveredCount(keyOf("order.paid:1")) === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(tg.deliveredCount(keyOf("order.paid:1"))).toBe(1);
    expect(tg.sentMessages(fake.id).filter((m) => m.text === "event order.paid:1")).toHaveLength(1);
  });

  it("a 429 with retry_after = 2 delays the retry by at least 2 seconds", async () => {
    tg.fail("sendMessage", { mode: "429", retryAfter: 2, times: 1 });
    await notify("order.paid:2");
    await until(() => tg.deliveredCount(keyOf("order.paid:2")) === 1);
    const calls = tg.calls("sendMessage").filter((c) => c.idempotencyKey === keyOf("order.paid:2"));
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(2_000);
  });

  it("5xx responses back off and then deliver", async () => {
    tg.fail("sendMessage", { mode: "5xx", times: 3 });
    await notify("order.paid:3");
    await until(() => tg.deliveredCount(keyOf("order.paid:3")) === 1);
    const at = tg.calls("sendMessage").filter((c) => c.idempotencyKey === keyOf("order.paid:3")).map((c) => c.at);
    expect(at).toHaveLength(4);
    // Exponential: the third gap is longer than the first (base 50 ms, doubling, ±50 % jitter).
    expect(at[3]! - at[2]!).toBeGreaterThan(at[1]! - at[0]!);
  });

  it("a job out of attempts goes to the dead letter", async () => {
    tg.fail("sendMessage", { mode: "5xx" });
    try {
      await notify("order.paid:4");
      const dead = new Queue(DEAD_LETTER_QUEUE, { connection: redis, prefix: `${prefix}bull` });
      await until(async () => Boolean(await dead.getJob(`dead-${keyOf("order.paid:4")}`)), 15_000);
      const job = await dead.getJob(`dead-${keyOf("order.paid:4")}`);
      // Six attempts, each reaching Telegram: the last one waited for the open circuit's trial, spending no attempt on it.
      expect(job!.data.attemptsMade).toBe(6);
      expect(tg.calls("sendMessage").filter((c) => c.idempotencyKey === keyOf("order.paid:4"))).toHaveLength(6);
      await dead.close();
    } finally {
      tg.clearFailures();
    }
  });

  it("if the worker is killed mid-send, the message is sent exactly once after restart", async () => {
    tg.fail("sendMessage", { mode: "timeout", times: 1 });
    await notify("order.paid:5");
    await until(() => tg.calls("sendMessage").some((c) => c.idempotencyKey === keyOf("order.paid:5")));
    worker.child.kill("SIGKILL");
    await new Promise((r) => worker.child.once("exit", r));
    worker = await startApp(workerEnv);
    await until(() => tg.deliveredCount(keyOf("order.paid:5")) === 1, 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(tg.deliveredCount(keyOf("order.paid:5"))).toBe(1);
  });

  it("a 401 suspends the bot, records why for the owner, and is not retried", async () => {
    tg.fail("sendMessage", { mode: "401", times: 1 });
    await notify("order.paid:6");
    await until(async () => (await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: botId } })).status === "suspended");
    const row = await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: botId } });
    expect(row.lastError).toMatch(/rejected the token/);
    await new Promise((r) => setTimeout(r, 500));
    expect(tg.calls("sendMessage").filter((c) => c.idempotencyKey === keyOf("order.paid:6"))).toHaveLength(1);
  });
});
