/**
 * Announcements (ADR 033) through a separate worker and the fake Bot API: 500 opted-in recipients each get exactly
 * one message while Telegram answers 429 with retry_after; /unsubscribe to the bot is honoured by the next one; the
 * third in 24 h is refused with 429 until an operator lifts the limit (audited); the log shows the counts.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import type { Client } from "./http.ts";
import { startFakeTelegram, type FakeBot, type FakeTelegram } from "./fake-telegram/server.ts";
import { freePort, until } from "./wait.ts";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createQueue, enqueueJob } from "#server/jobs/index.ts";

const db = await createTestDatabase();
let tg: FakeTelegram;
let web: RunningApp;
let worker: RunningApp;
let owner: Client;
let op: Client;
let tenantId: string;
let fake: FakeBot;
let prefix: string;
const RECIPIENTS = 500;

/** Opted-in customers with Telegram chats 10001.. (and `orders` orders each), straight into the table. */
async function seedCustomers(n: number, o: { firstChat: number; orders: number }) {
  await db.sql.query(
    `INSERT INTO customers (tenant_id, email, email_key, telegram_user_id, first_order_at, last_order_at, orders_count, marketing_opt_in, opted_in_at)
     SELECT $1::uuid, 'c' || ($2::int + g) || '@example.test', 'c' || ($2::int + g) || '@example.test', ($2::int + g)::text, now(), now(), $3::int, true, now()
     FROM generate_series(0, $4::int - 1) g`, [tenantId, o.firstChat, o.orders, n]);
}
const log = async (id: string) => (await owner.get(`/api/tenants/${tenantId}/announcements/${id}`)).json.data;

beforeAll(async () => {
  tg = await startFakeTelegram();
  const port = await freePort();
  const env = {
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: (prefix = redisPrefix()), PLATFORM_DOMAIN: "localhost",
    TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`, SECRET_BOX_KEY: randomBytes(32).toString("hex"),
    JOBS_BACKOFF_BASE_MS: "50",
  };
  [web, worker] = await Promise.all([startApp({ ...env, MODE: "web", PORT: String(port) }), startApp({ ...env, MODE: "worker" })]);
  owner = await signIn(web.port, (await createUser(db.prisma)).email);
  op = await signIn(web.port, (await createUser(db.prisma, { operator: true })).email);
  tenantId = (await owner.post("/api/tenants", { slug: "announceshop", displayName: "Announce Shop" })).json.data.id;
  await op.post(`/api/tenants/${tenantId}/activate`, { reason: "announcement tests" });
  fake = tg.addBot({ username: "announce_bot" });
  const botId = (await owner.post(`/api/tenants/${tenantId}/bots`, { token: fake.token })).json.data.bot.id;
  await until(() => Boolean(tg.webhook(fake.id)?.secretToken));
  const link = (await owner.get(`/api/tenants/${tenantId}/bots/${botId}/claim-link`)).json.data.claimLink as string;
  await tg.sendUpdate(fake.id, tg.messageUpdate({ fromId: 111, text: `/start ${new URL(link).searchParams.get("start")}` }));
  await until(async () => (await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: botId } })).status === "active");
  await seedCustomers(RECIPIENTS, { firstChat: 10_001, orders: 1 });
}, 120_000);
afterAll(async () => {
  await Promise.all([web?.stop(), worker?.stop()]);
  await tg?.close();
});

describe("announcements", () => {
  it("500 recipients each get exactly one message, with Telegram's 429 retry_after honoured", async () => {
    tg.fail("sendMessage", { mode: "429", retryAfter: 2, times: 2, botId: fake.id });
    const res = await owner.post(`/api/tenants/${tenantId}/announcements`, { body: "Winter sale: 20% off everything!" });
    expect(res.status, web.logs.filter((l) => /"level":50|error/i.test(l)).join("").slice(-3000)).toBe(201);
    expect(res.json.data.targets).toBe(RECIPIENTS);
    const id: string = res.json.data.id;
    await until(async () => (await log(id)).telegram.sent === RECIPIENTS, 120_000);
    const sent = tg.sentMessages(fake.id).filter((m) => m.text.startsWith("Winter sale"));
    expect(sent).toHaveLength(RECIPIENTS);
    expect(new Set(sent.map((m) => m.chatId)).size).toBe(RECIPIENTS);
    expect(sent[0]!.text).toContain("/unsubscribe");
    // retry_after: nothing was accepted within 2 s of the last 429.
    const calls = tg.calls("sendMessage").filter((c) => c.botId === fake.id);
    const limited = calls.filter((c) => c.failure === "429");
    expect(limited).toHaveLength(2);
    const firstOk = calls.find((c) => c.status === 200 && c.at > limited[1]!.at)!;
    expect(firstOk.at - limited[1]!.at).toBeGreaterThanOrEqual(1_900);
    // Under the per-bot rate: no second holds more than 30 accepted sends.
    const ok = calls.filter((c) => c.status === 200).map((c) => c.at);
    for (let i = 0; i + 30 < ok.length; i++) expect(ok[i + 30]! - ok[i]!).toBeGreaterThanOrEqual(1_000);
    const summary = await log(id);
    expect(summary).toMatchObject({ targets: RECIPIENTS, telegram: { sent: RECIPIENTS, failed: 0, queued: 0, sending: 0, opted_out: 0 }, email: { sent: RECIPIENTS } });
    // The emails are in the outbox once each, as marketing mail with the signed unsubscribe link.
    const mails = await db.sql.query(`SELECT count(*)::int AS n, count(DISTINCT recipient)::int AS d FROM email_outbox WHERE tenant_id = $1 AND template = 'shop.announcement'`, [tenantId]);
    expect(mails.rows[0]).toEqual({ n: RECIPIENTS, d: RECIPIENTS });
  }, 180_000);

  it("/unsubscribe to the bot is honoured by the next announcement", async () => {
    await seedCustomers(2, { firstChat: 900, orders: 5 });
    expect(await tg.sendUpdate(fake.id, tg.messageUpdate({ fromId: 900, text: "/unsubscribe" }))).toBe(200);
    await until(async () => (await db.prisma.customer.findFirstOrThrow({ where: { tenantId, telegramUserId: "900" } })).marketingOptIn === false);
    await until(() => tg.sentMessages(fake.id).some((m) => m.chatId === 900 && /no more announcements/.test(m.text)));
    const res = await owner.post(`/api/tenants/${tenantId}/announcements`, { body: "Loyal customers: free shipping", audience: "filter", filter: { minOrders: 5 } });
    expect(res.status, res.body).toBe(201);
    expect(res.json.data.targets).toBe(1);
    await until(async () => (await log(res.json.data.id)).telegram.sent === 1);
    const loyal = tg.sentMessages(fake.id).filter((m) => m.text.startsWith("Loyal customers"));
    expect(loyal.map((m) => m.chatId)).toEqual([901]);
  });

  it("the third announcement within 24 h is refused with 429 until an operator lifts the limit (audited)", async () => {
    const third = await owner.post(`/api/tenants/${tenantId}/announcements`, { body: "One more thing", audience: "filter", filter: { minOrders: 99 } });
    expect(third.status).toBe(429);
    expect(third.json.error.code).toBe("ANNOUNCEMENT_LIMIT");
    expect(await db.prisma.announcement.count({ where: { tenantId } })).toBe(2);
    expect((await owner.put(`/api/ops/tenants/${tenantId}/announcement-limit`, { hours: 1, reason: "holiday campaign" })).status).toBe(403);
    const lifted = await op.put(`/api/ops/tenants/${tenantId}/announcement-limit`, { hours: 1, reason: "holiday campaign" });
    expect(lifted.status, lifted.body).toBe(200);
    expect(await db.prisma.auditLog.count({ where: { tenantId, action: "announcement.limit_lift" } })).toBe(1);
    const again = await owner.post(`/api/tenants/${tenantId}/announcements`, { body: "One more thing", audience: "filter", filter: { minOrders: 99 } });
    expect(again.status, again.body).toBe(201);
    expect((await owner.post(`/api/tenants/${tenantId}/announcements`, { body: "x".repeat(1_001) })).status).toBe(400);
    const list = (await owner.get(`/api/tenants/${tenantId}/announcements`)).json.data.items;
    expect(list.map((a: { targets: number }) => a.targets)).toEqual([0, 1, RECIPIENTS]);
  });

  it("a duplicated or retried send job sends each row once, and a row a crash left in `sending` is not resent", async () => {
    await seedCustomers(20, { firstChat: 5_000, orders: 7 });
    const [a] = (await db.sql.query(`INSERT INTO announcements (tenant_id, body, targets_count) VALUES ($1, 'Retry check', 20) RETURNING id::text`, [tenantId])).rows as { id: string }[];
    await db.sql.query(
      `INSERT INTO announcement_recipients (tenant_id, announcement_id, customer_id, channel, state, updated_at)
       SELECT $1, $2, id, 'telegram', CASE WHEN telegram_user_id = '5000' THEN 'sending' ELSE 'queued' END::"AnnouncementRecipientState",
              now() - interval '10 minutes'
       FROM customers WHERE tenant_id = $1 AND orders_count = 7`, [tenantId, a!.id]);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    const queue: Queue = createQueue(redis, prefix);
    try {
      // Three jobs for one announcement at once (a duplicate enqueue plus BullMQ retries, as after a stalled worker).
      await Promise.all([1, 2, 3].map((n) => enqueueJob(queue, "announcements.send", { tenantId, announcementId: a!.id }, { jobId: `retry-check-${n}` })));
      await until(async () => (await log(a!.id)).telegram.queued === 0 && (await log(a!.id)).telegram.sending === 0, 30_000);
    } finally {
      await queue.close();
      redis.disconnect();
    }
    const sent = tg.sentMessages(fake.id).filter((m) => m.text.startsWith("Retry check"));
    expect(sent).toHaveLength(19);
    expect(new Set(sent.map((m) => m.chatId)).size).toBe(19);
    expect(sent.some((m) => m.chatId === 5000)).toBe(false);
    expect(await log(a!.id)).toMatchObject({ telegram: { sent: 19, failed: 1 } });
  });
});
