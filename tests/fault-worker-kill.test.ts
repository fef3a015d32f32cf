/**
 * Fault injection (issue 20, Deliver 4): a worker (MODE=worker, the built app) SIGKILLed in the middle of each kind of
 * job, at the point where the outside effect has happened (or is owed) but the job has not completed; a fresh worker
 * picks the stalled job up, and the effect exists exactly once:
 *   - domains.check: killed after the verified status committed, before the edge (a real Caddy) was updated;
 *   - bots.notify: killed after the fake Telegram accepted the message, before the job completed;
 *   - money.release: killed after the ledger committed the release, before the outside (sandbox) transfer.
 * Mail jobs have their own crash tests (tests/mail-faults.test.ts). Failpoints (server/jobs/failpoints.ts) are honoured only under NODE_ENV=test. The cases
 * run in order: each one's fresh worker is the next one's victim.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { enqueueJob } from "#server/jobs/index.ts";
import { notificationJobId, notifyTenantAdmins } from "#server/bots/index.ts";
import { SecretBox } from "#server/secrets/index.ts";
import { startApp, type RunningApp } from "./app.ts";
import { createTestDatabase } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { EDGE_CNAME, EDGE_V4, publishRecords, startEdgeParts } from "./edge-stack.ts";
import { startFakeTelegram } from "./fake-telegram/server.ts";
import { MERCHANT, TEST_MONEY_CONFIG, createShop, moneyHarness, placeOrder, sql } from "./money-fixture.ts";
import { until } from "./wait.ts";

const db = await createTestDatabase();
const h = moneyHarness(db);
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
const tg = await startFakeTelegram();
const edge = await startEdgeParts();
const botKey = randomBytes(32);
const running = new Set<RunningApp>();
afterAll(async () => {
  await Promise.all([...running].map((w) => w.stop()));
  await edge.stop();
  await tg.close();
  redis.disconnect();
});

const { PORT: _port, EDGE_PROBE_ADDRESS: _a, EDGE_PROBE_CA_FILE: _b, ...edgeEnv } = edge.env;
/** Short locks, so a killed worker's job is seen as stalled and taken over within a second or two; no periodic jobs. */
const ENV = {
  ...edgeEnv, MODE: "worker", DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: h.prefix, PLATFORM_DOMAIN: "localhost",
  JOBS_BACKOFF_BASE_MS: "50", JOBS_LOCK_DURATION_MS: "1500", JOBS_STALLED_INTERVAL_MS: "500",
  EDGE_RECONCILE_INTERVAL_MS: "3600000", DOMAIN_SWEEP_INTERVAL_MS: "3600000", MONEY_SWEEP_EVERY_MS: "3600000",
  TELEGRAM_API_ROOT: tg.url, SECRET_BOX_KEY: botKey.toString("hex"), TELEGRAM_TIMEOUT_MS: "5000",
  PAYMENTS_SANDBOX: "true", MONEY_SECRET: TEST_MONEY_CONFIG.secret,
};
/**
 * One queue, and a chain of workers to keep the file short (a worker start is the slow part): each is armed with the
 * failpoints of the job kinds still to come, so it finishes the previous kind's stalled job and dies in the next one.
 */
const KILLS = ["domains.after-commit:kill", "bots.after-send:kill", "sandbox.before-release:kill"];
let current: RunningApp;

async function worker(stage: number) {
  const failpoints = KILLS.slice(stage).join(",");
  const w = await startApp({ ...ENV, ...(failpoints ? { MONEY_FAILPOINTS: failpoints } : {}) }, 60_000);
  running.add(w);
  w.child.once("exit", () => running.delete(w));
  return (current = w);
}
async function killed(w: RunningApp) {
  if (w.child.exitCode === null && w.child.signalCode === null) await new Promise((r) => w.child.once("exit", r));
  expect(w.child.signalCode, w.logs.join("").slice(-2000)).toBe("SIGKILL");
}
const completed = async (q: Queue, id: string) => {
  await until(async () => (await q.getJob(id))?.finishedOn !== undefined, `job ${id} to finish`, 60_000);
  return (await q.getJob(id))!.getState();
};
const count = async (q: string, p: unknown[] = []) => Number((await sql<{ n: string }>(db, q, p))[0]!.n);

describe("worker SIGKILL mid-job: the side effect happens exactly once", () => {
  it("domains.check: verified status committed, edge not yet updated → after the retry the route exists, one transition", async () => {
    const shop = await createShop(db);
    const hostname = "shop.fault-kill.test";
    const token = randomBytes(16).toString("hex");
    const domain = await db.prisma.tenantDomain.create({ data: { tenantId: shop.tenantId, hostname, mode: "cname", verificationToken: token } });
    edge.dns.set(EDGE_CNAME, "A", [EDGE_V4]);
    publishRecords(edge.dns, [{ type: "TXT", name: `_storefront-verify.${hostname}`, value: `storefront-verify=${token}` }, { type: "CNAME", name: hostname, value: EDGE_CNAME }]);
    const routed = async () => JSON.stringify(await (await fetch(`${edge.caddy.adminUrl}/config/`)).json()).includes(hostname);
    const row = () => db.prisma.tenantDomain.findUniqueOrThrow({ where: { id: domain.id } });

    const first = await worker(0);
    // Its start-up reconcile done first: killed while holding the edge lock, it would stall the next one up to the lock's TTL.
    await until(async () => (await redis.exists(`${h.prefix}edge:reconcile:last`)) === 1, "the start-up edge reconcile", 20_000);
    const jobId = `domain-check-${domain.id}-fault`;
    await enqueueJob(h.platformQueue, "domains.check", { tenantId: shop.tenantId, domainId: domain.id }, { jobId });
    await killed(first);
    // The crash window: verified in the database, not routed by the edge, and the debt to the edge committed with it.
    expect((await row()).status).toBe("active");
    expect(await routed()).toBe(false);
    expect((await row()).lastError).toMatch(/edge could not be updated yet/);

    await worker(1);
    expect(await completed(h.platformQueue, jobId)).toBe("completed");
    expect(await routed()).toBe(true);
    expect((await row()).lastError).toBeNull();
    const transitions = await db.prisma.tenantDomainEvent.findMany({ where: { domainId: domain.id, fromStatus: "pending", toStatus: "active" } });
    console.log(`fault-worker-kill domains: 1 kill, ${transitions.length} pending→active transition, routed: ${await routed()}`);
    expect(transitions).toHaveLength(1);
  }, 90_000);

  it("bots.notify: Telegram accepted the message, the job did not complete → one message after the retry", async () => {
    const shop = await createShop(db);
    const fake = tg.addBot({ username: "fault_kill_bot" });
    const box = new SecretBox(botKey);
    const botId = randomUUID();
    await db.prisma.tenantBot.create({
      data: {
        id: botId, tenantId: shop.tenantId, telegramBotId: String(fake.id), username: fake.username, status: "active", adminTelegramUserId: "111", claimedAt: new Date(),
        encryptedToken: box.seal(fake.token, `tenant_bots.token:${botId}`), encryptedWebhookSecret: box.seal(randomBytes(16).toString("hex"), `tenant_bots.webhook_secret:${botId}`),
      },
    });
    const victim = current;
    expect(await notifyTenantAdmins({ prisma: db.prisma, queue: h.platformQueue }, shop.tenantId, { id: "order.paid:fault", text: "Order paid" })).toEqual({ queued: 1 });
    const jobId = notificationJobId("order.paid:fault", botId, "111");
    await killed(victim);
    expect(tg.deliveredCount(jobId)).toBe(1);

    await worker(2);
    expect(await completed(h.platformQueue, jobId)).toBe("completed");
    console.log(`fault-worker-kill bots: 1 kill, ${tg.deliveredCount(jobId)} message delivered, ${tg.calls("sendMessage").length} sendMessage calls`);
    expect(tg.deliveredCount(jobId)).toBe(1);
    expect(tg.sentMessages(fake.id).filter((m) => m.text === "Order paid")).toHaveLength(1);
  }, 90_000);

  it("money.release: the release committed in the ledger, the outside transfer not yet sent → one posting, one transfer", async () => {
    const shop = await createShop(db);
    const victim = current;
    // A digital escrow order taken to `delivered`: entering the code enqueues its release job (no grace period).
    const placed = await placeOrder(h.money, shop, { title: "E-book", rail: "escrow", pay: true });
    await h.money.ship(MERCHANT, shop.tenantId, placed.orderId);
    const code = (await h.money.buyerOrder(shop.tenantId, placed.token)).deliveryCode!.code;
    await h.money.enterDeliveryCode(MERCHANT, shop.tenantId, placed.orderId, code);
    await killed(victim);
    const postings = () => count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`release:${placed.orderId}`]);
    const transfers = () => count(`SELECT count(*) n FROM sandbox_transfers WHERE idempotency_key = $1`, [`release:${placed.orderId}`]);
    expect([await postings(), await transfers()]).toEqual([1, 0]);

    await worker(3);
    expect(await completed(h.moneyQueue, `release-${placed.orderId}`)).toBe("completed");
    console.log(`fault-worker-kill money: 1 kill, ${await postings()} release posting, ${await transfers()} outside transfer`);
    expect([await postings(), await transfers()]).toEqual([1, 1]);
    const report = await h.money.reconcile("test");
    expect(!report.skipped && report.violations).toBe(0);
  }, 90_000);
});
