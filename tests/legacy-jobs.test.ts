/**
 * Bot and domain jobs queued before they carried tenantId (issue 18, ADR 014): the worker looks the tenant up once,
 * stores it on the job, and hands the handler the current payload; a job whose bot is gone ends without running.
 */
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import { until } from "./wait.ts";
import { QUEUE, jobCatalog, legacyJobUpgrades, startWorker, type JobHandlers, type JobName } from "#server/jobs/index.ts";

const db = await createTestDatabase();
const prefix = redisPrefix();
const seen: Array<{ name: string; data: unknown }> = [];
let redis: Redis;
let queue: Queue;
let worker: ReturnType<typeof startWorker>;
let tenantId: string;
let botId: string;
let domainId: string;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue(QUEUE, { connection: redis, prefix: `${prefix}bull` });
  const handlers = Object.fromEntries(
    (Object.keys(jobCatalog) as JobName[]).map((name) => [name, async (data: unknown) => void seen.push({ name, data })]),
  ) as unknown as JobHandlers;
  worker = startWorker({ connection: redis, prefix, logger: pino({ level: "silent" }), handlers, upgrades: legacyJobUpgrades(db) });
  tenantId = (await createTenant(db.prisma, { slug: "legacy" })).id;
  botId = (await db.prisma.tenantBot.create({
    data: { tenantId, telegramBotId: "4242", username: "legacy_bot", encryptedToken: "v1:0123456789ab:aaaa:bbbb", encryptedWebhookSecret: "v1:0123456789ab:cccc:dddd" },
  })).id;
  domainId = (await db.prisma.tenantDomain.create({ data: { tenantId, hostname: "legacy.example.test", verificationToken: "legacy-verification-token-0001" } })).id;
});
afterAll(async () => {
  await worker?.close();
  await queue?.close();
  redis?.disconnect();
});

const ran = (name: string) => seen.filter((s) => s.name === name).map((s) => s.data);

describe("jobs queued without tenantId", () => {
  it("bot and domain jobs get their tenant looked up once, stored on the job", async () => {
    const notify = { botId, chatId: "111", eventId: "order.paid:1", text: "hello" };
    await queue.add("bots.configure", { botId }, { jobId: "old-configure" });
    await queue.add("bots.notify", notify, { jobId: "old-notify" });
    await queue.add("domains.check", { domainId }, { jobId: "old-check" });
    await until(() => seen.length === 3);
    expect(ran("bots.configure")).toEqual([{ tenantId, botId }]);
    expect(ran("bots.notify")).toEqual([{ tenantId, ...notify }]);
    expect(ran("domains.check")).toEqual([{ tenantId, domainId }]);
    expect((await queue.getJob("old-check"))!.data).toEqual({ tenantId, domainId });
  });

  it("a job whose bot is gone ends without running", async () => {
    await queue.add("bots.deconfigure", { botId: randomUUID() }, { jobId: "old-gone" });
    await until(async () => (await queue.getJob("old-gone"))?.finishedOn !== undefined);
    expect(await (await queue.getJob("old-gone"))!.isCompleted()).toBe(true);
    expect(ran("bots.deconfigure")).toEqual([]);
  });
});
