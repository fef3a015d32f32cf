/**
 * Mail delivery under faults (issue 15 acceptance, ADR 026), with real worker processes (MODE=worker, the app's own
 * job wiring) against the loopback SMTP server. Rows are written as SQL triggers write them (enqueueMail, nobody calls
 * kick()): the repeatable sweep finds them.
 *   - SIGKILL while the server holds its answer: the message is not lost; the row is taken back after its lease and
 *     sent again with the same Message-ID;
 *   - SIGKILL after the row recorded the acceptance, before the job completed: the retried job sends nothing;
 *   - SIGKILL between the server's 250 and the row update (the window ADR 026 accepts): a second copy, same Message-ID;
 *   - Redis restarted without its data: queued mail, a pending retry and mail written while Redis was away are all
 *     delivered, each once.
 * Workers run in a chain (a start is the slow part): each is armed with the failpoint of the case after its own.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { QUEUE } from "#server/jobs/index.ts";
import { enqueueMail, mailJobId } from "#server/mail/index.ts";
import { startApp, type RunningApp } from "./app.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { RedisSet } from "./redis-servers.ts";
import { startSmtpServer } from "./smtp-server.ts";
import { until } from "./wait.ts";

const db = await createTestDatabase();
const smtp = await startSmtpServer();
const prefix = redisPrefix();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
const queue = new Queue(QUEUE, { connection: redis, prefix: `${prefix}bull` });
const redisSet = new RedisSet();
const running = new Set<RunningApp>();
afterAll(async () => {
  await Promise.all([...running].map((w) => w.stop()));
  await queue.close();
  redis.disconnect();
  await redisSet.stopAll();
  await smtp.close();
});

const LEASE_MS = 3_000;
/** Short locks and lease, so a killed worker's job and row are taken over within seconds; the other sweeps idle. */
const ENV = {
  MODE: "worker", DATABASE_URL: db.url, PLATFORM_DOMAIN: "localhost", SMTP_URL: smtp.url, MAIL_FROM: "Platform <noreply@platform.test>",
  MAIL_SWEEP_INTERVAL_MS: "200", MAIL_SENDING_LEASE_MS: String(LEASE_MS), MAIL_SEND_TIMEOUT_MS: "1000", MAIL_RETRY_BASE_MS: "200",
  JOBS_BACKOFF_BASE_MS: "50", JOBS_LOCK_DURATION_MS: "1500", JOBS_STALLED_INTERVAL_MS: "500",
  DOMAIN_SWEEP_INTERVAL_MS: "3600000", MONEY_SWEEP_EVERY_MS: "3600000",
};

async function worker(env: Record<string, string>) {
  const w = await startApp({ ...ENV, ...env }, 60_000);
  running.add(w);
  w.child.once("exit", () => running.delete(w));
  return w;
}
async function killed(w: RunningApp) {
  if (w.child.exitCode === null && w.child.signalCode === null) await new Promise((r) => w.child.once("exit", r));
  expect(w.child.signalCode, w.logs.join("").slice(-2000)).toBe("SIGKILL");
}

let n = 0;
const write = async () =>
  (await enqueueMail(db.prisma, { tenantId: null, template: "shop.test_email", locale: "en", to: `fault${++n}@example.test`, data: { senderLabel: "the platform" } }))!.id;
const row = (id: string) => db.prisma.emailOutbox.findUniqueOrThrow({ where: { id } });
const copies = (id: string) => smtp.messages.filter((m) => m.parsed.messageId === `<${id}@platform.test>`);
const sentRow = (id: string, ms = 30_000) => until(async () => (await row(id)).status === "sent", `mail ${id} to be sent`, ms);

describe("a worker SIGKILLed mid-send", () => {
  let next: RunningApp;

  it("while the server holds its answer: the message is not lost, and goes out again with the same Message-ID", async () => {
    const first = await worker({ REDIS_URL, REDIS_PREFIX: prefix });
    const held = smtp.hold({ store: false });
    const id = await write();
    await held.received;
    first.child.kill("SIGKILL");
    await killed(first);
    held.release();
    expect(await row(id)).toMatchObject({ status: "sending", attempts: 1 });
    expect(copies(id)).toHaveLength(0);

    // The next worker dies in the next case's spot: after it records the send, before its job completes.
    next = await worker({ REDIS_URL, REDIS_PREFIX: prefix, MONEY_FAILPOINTS: "mail.after-record:kill" });
    await killed(next);
    const sent = await row(id);
    console.log(`mail-faults hold+kill: row ${sent.status} after ${sent.attempts} attempts, ${copies(id).length} copy delivered`);
    expect(sent).toMatchObject({ status: "sent", attempts: 2 });
    expect(copies(id)).toHaveLength(1);
    expect(copies(id)[0]!.parsed.messageId).toBe(`<${id}@platform.test>`);

    // …and its stalled job, retried by a fresh worker, finds the row sent: nothing is sent twice.
    next = await worker({ REDIS_URL, REDIS_PREFIX: prefix, MONEY_FAILPOINTS: "mail.after-accept:kill" });
    await until(async () => (await (await queue.getJob(mailJobId(id, 1)))?.isCompleted()) === true, "the stalled job to be retried", 30_000);
    expect(copies(id)).toHaveLength(1);
    expect((await row(id)).attempts).toBe(2);
  }, 180_000); // three worker start-ups

  it("between the server's 250 and the row update (the accepted window): sent again, as the same message", async () => {
    const id = await write();
    await killed(next);
    expect(copies(id)).toHaveLength(1);
    expect((await row(id)).status).toBe("sending");

    const last = await worker({ REDIS_URL, REDIS_PREFIX: prefix });
    await sentRow(id);
    await last.stop(); // it sweeps the same outbox: the Redis case below needs it gone
    console.log(`mail-faults 250+kill: ${copies(id).length} copies, Message-IDs ${[...new Set(copies(id).map((m) => m.parsed.messageId))].join(",")}`);
    expect(copies(id)).toHaveLength(2);
    expect(new Set(copies(id).map((m) => m.parsed.messageId))).toEqual(new Set([`<${id}@platform.test>`]));
  }, 90_000);
});

describe("Redis restarted without its data", () => {
  let w: RunningApp;
  let store: Awaited<ReturnType<RedisSet["server"]>>;
  const ownPrefix = redisPrefix();

  it("delivers queued mail, a pending retry and mail written during the outage, each once", async () => {
    store = await redisSet.server(); // no persistence: a restart loses every job and schedule
    w = await worker({ REDIS_URL: `redis://127.0.0.1:${store.port}`, REDIS_PREFIX: ownPrefix, MAIL_RETRY_BASE_MS: "4000", MAIL_PER_RECIPIENT_PER_HOUR: "2" });
    const before = await write();
    await sentRow(before);

    // A retry waits in Redis (a delayed job) when Redis goes.
    smtp.refuse(451, "Try again later");
    const retrying = await write();
    await until(async () => (await row(retrying)).attempts === 1, "the first, refused attempt");
    await store.stop();
    const during = await write();
    await new Promise((r) => setTimeout(r, 1_000));
    await store.start();

    await sentRow(retrying, 40_000);
    await sentRow(during, 40_000);
    console.log(`mail-faults redis restart: copies before/retrying/during = ${[before, retrying, during].map((id) => copies(id).length).join("/")}`);
    for (const id of [before, retrying, during]) expect(copies(id), id).toHaveLength(1);
    expect(await row(retrying)).toMatchObject({ status: "sent", attempts: 2 });
    expect(w.child.exitCode).toBeNull();
  }, 120_000);

  it("puts a message over a send limit back as a delayed job, with no attempt spent", async () => {
    const to = "limited@example.test";
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await enqueueMail(db.prisma, { tenantId: null, template: "shop.test_email", locale: "en", to, data: { senderLabel: "x" } }))!.id);
    // Which two go first is up to the worker's concurrency; the third waits.
    const statuses = async () => Promise.all(ids.map(async (id) => (await row(id)).status));
    await until(async () => (await statuses()).filter((st) => st === "sent").length === 2, "two of the three to be sent", 30_000);
    const heldId = ids[(await statuses()).findIndex((st) => st !== "sent")]!;
    const own = new Redis(`redis://127.0.0.1:${store.port}`, { maxRetriesPerRequest: 2 });
    const q = new Queue(QUEUE, { connection: own, prefix: `${ownPrefix}bull` });
    try {
      await until(async () => (await (await q.getJob(mailJobId(heldId, 0)))?.isDelayed()) === true, "the third mail's job to wait for the window");
      const held = await row(heldId);
      expect(held).toMatchObject({ status: "queued", attempts: 0, lastError: null });
      expect(held.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 60_000);
      expect(copies(heldId)).toHaveLength(0);
    } finally {
      await q.close();
      own.disconnect();
    }
  }, 60_000);
});
