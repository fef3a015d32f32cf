/**
 * docs/money.md matrix J1–J3 with real worker processes (MODE=worker) on one Redis prefix: exclusive claims, retries
 * that honour Retry-After and end in the dead letter, a worker killed mid-job, and workers that claim no money job
 * while the global kill switch is on.
 */
import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { until } from "./wait.ts";
import { MERCHANT, OPERATOR, TEST_MONEY_CONFIG, createShop, moneyHarness, placeOrder, sql } from "./money-fixture.ts";
import { DEAD_LETTER_QUEUE } from "#server/jobs/index.ts";

const db = await createTestDatabase();
const h = moneyHarness(db);
const { money } = h;
const workers: RunningApp[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

const workerEnv = (failpoints?: string) => ({
  MODE: "worker", DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: h.prefix, PAYMENTS_SANDBOX: "true", MONEY_SECRET: TEST_MONEY_CONFIG.secret,
  JOBS_BACKOFF_BASE_MS: "20", JOBS_LOCK_DURATION_MS: "1500", JOBS_STALLED_INTERVAL_MS: "500", MONEY_SWEEP_EVERY_MS: "3600000",
  ...(failpoints ? { MONEY_FAILPOINTS: failpoints } : {}),
});
async function worker(failpoints?: string) {
  const w = await startApp(workerEnv(failpoints));
  workers.push(w);
  return w;
}
async function stop(w: RunningApp) {
  await w.stop();
  workers.splice(workers.indexOf(w), 1);
}
const count = async (q: string, p: unknown[] = []) => Number((await sql<{ n: string }>(db, q, p))[0]!.n);
const transfers = (orderId: string) => count(`SELECT count(*) n FROM sandbox_transfers WHERE idempotency_key = $1`, [`release:${orderId}`]);
const status = async (orderId: string) => (await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status;

/** A digital escrow order taken to `delivered`: entering the code enqueues its release job (no grace period). */
async function deliverDigital(shop: Awaited<ReturnType<typeof createShop>>) {
  const placed = await placeOrder(money, shop, { title: "E-book", rail: "escrow", pay: true });
  await money.ship(MERCHANT, shop.tenantId, placed.orderId);
  const code = (await money.buyerOrder(shop.tenantId, placed.token)).deliveryCode!.code;
  await money.enterDeliveryCode(MERCHANT, shop.tenantId, placed.orderId, code);
  return placed;
}

describe("money jobs (J1–J3)", () => {
  it("J1 two workers claim one job (delivered twice): one side effect", async () => {
    const [a, b] = await Promise.all([worker(), worker()]);
    const shop = await createShop(db);
    const orders = [];
    for (let i = 0; i < 5; i++) {
      const { orderId } = await deliverDigital(shop);
      // The same release delivered again under other ids (a replayed message): both workers race for them.
      for (const extra of ["dup-a", "dup-b"]) await h.moneyQueue.add("money.release", { tenantId: shop.tenantId, orderId }, { jobId: `${extra}-${orderId}` });
      orders.push(orderId);
    }
    for (const orderId of orders) await until(async () => (await status(orderId)) === "completed", 15_000);
    await until(async () => (await h.moneyQueue.getJobCounts("wait", "active", "delayed")).wait + (await h.moneyQueue.getJobCounts("active")).active === 0, 15_000);
    for (const orderId of orders) {
      expect(await transfers(orderId)).toBe(1);
      expect(await count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
    }
    expect(await count(`SELECT count(*) n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.kind = 'merchant_payable' AND a.tenant_id = $1`, [shop.tenantId])).toBe(5);
    await Promise.all([stop(a), stop(b)]);
  });

  it("J2 the outside system answers 429: retried no sooner than Retry-After, no hot loop, dead letter after the last attempt", async () => {
    const w = await worker("sandbox.before-release:retry-after-200");
    const shop = await createShop(db);
    const { orderId } = await deliverDigital(shop);
    const dead = new Queue(DEAD_LETTER_QUEUE, { connection: h.redis, prefix: `${h.prefix}bull` });
    try {
      // A deadline, not a timing assertion: eight attempts with 200 ms waits, on a loaded CI box.
      await until(async () => Boolean(await dead.getJob(`dead-release-${orderId}`)), 60_000);
      const job = await h.moneyQueue.getJob(`release-${orderId}`);
      expect(job!.attemptsMade).toBe(8);
      // 7 waits of at least 200 ms each between 8 attempts: never a hot loop.
      expect(job!.finishedOn! - job!.timestamp).toBeGreaterThanOrEqual(7 * 200);
      expect((await dead.getJob(`dead-release-${orderId}`))!.data.attemptsMade).toBe(8);
    } finally {
      await dead.close();
      await stop(w);
    }
    // The release decision committed once; the payout never went out, and reconciliation says so.
    expect(await transfers(orderId)).toBe(0);
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
    const report = await money.reconcile("test");
    expect(!report.skipped && report.details.map((v) => v.check)).toContain("settled_escrow_paid_out");
    expect((await money.sweep()).paidOut).toBe(1);
    expect(await transfers(orderId)).toBe(1);
  }, 90_000);

  it("J3 crash: the worker is killed mid-job (after the outside transfer); the job is retried and the side effect happens once", async () => {
    const first = await worker("sandbox.after-release:kill");
    const shop = await createShop(db);
    const { orderId } = await deliverDigital(shop);
    await new Promise<void>((resolve) => first.child.once("exit", () => resolve()));
    workers.splice(workers.indexOf(first), 1);
    expect(first.child.signalCode).toBe("SIGKILL");
    expect(await transfers(orderId)).toBe(1);
    const second = await worker();
    await until(async () => (await h.moneyQueue.getJob(`release-${orderId}`))?.finishedOn !== undefined, 20_000);
    expect(await (await h.moneyQueue.getJob(`release-${orderId}`))!.getState()).toBe("completed");
    expect(await transfers(orderId)).toBe(1);
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
    expect(await status(orderId)).toBe("completed");
    await stop(second);
  });

  it("while the global kill switch is on, workers claim no money job; turned off, the release runs", async () => {
    const shop = await createShop(db);
    const placed = await placeOrder(money, shop, { title: "E-book", rail: "escrow", pay: true });
    const orderId = placed.orderId;
    // Delivered before the switch goes on (shipping and code entry lead to a release, so they are refused while it is
    // on: tests/money-hardening.test.ts H2); no worker runs yet, so the release job they enqueue is waiting.
    await money.ship(MERCHANT, shop.tenantId, orderId);
    const code = (await money.buyerOrder(shop.tenantId, placed.token)).deliveryCode!.code;
    await money.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, code);
    await money.setKillSwitch(OPERATOR, { tenantId: null, engaged: true, reason: "incident" });
    const w = await worker();
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await h.moneyQueue.isPaused()).toBe(true);
      expect(await (await h.moneyQueue.getJob(`release-${orderId}`))!.getState()).toBe("waiting");
      expect((await db.prisma.escrow.findUniqueOrThrow({ where: { orderId } })).status).toBe("held");
    } finally {
      await money.setKillSwitch(OPERATOR, { tenantId: null, engaged: false, reason: "resolved" });
    }
    await until(async () => (await status(orderId)) === "completed", 15_000);
    expect((await db.prisma.escrow.findUniqueOrThrow({ where: { orderId } })).status).toBe("released");
    await stop(w);
  });
});
