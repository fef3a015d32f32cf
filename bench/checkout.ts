/**
 * P3 checkout: checkouts per second with full postings at 50 concurrent buyers. One "checkout" is the buyer's two
 * calls: POST /api/storefront/checkout (stock reserved, order + lines + intent) and POST …/sandbox-pay (outside
 * transfer, funding posting, escrow row, status CAS). Then reconciliation runs over everything the bench wrote.
 * The sandbox rail cannot run with NODE_ENV=production (start-up refuses it), so the app runs in development mode;
 * the JSON API does not depend on it.
 */
import { randomBytes } from "node:crypto";
import { openDatabase } from "#server/db/client.ts";
import { reconcile } from "#server/money/index.ts";
import { startApp, type RunningApp } from "#tests/app.ts";
import { request } from "#tests/http.ts";
import { createTenant } from "#tests/factories.ts";
import type { ScratchDatabase } from "#tests/scratch-db.ts";
import { deleteRedisPrefix, PLATFORM_DOMAIN } from "./http.ts";

export interface CheckoutBenchOptions {
  concurrency: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface CheckoutBenchResult {
  checkoutsPerSec: number;
  p50: number;
  p99: number;
  total: number;
  failures: number;
  reconciliation: { violations: number; checks: Record<string, number> } | { skipped: true };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function runCheckoutBench(db: ScratchDatabase, opts: CheckoutBenchOptions, onStart: (app: RunningApp, prefix: string) => void): Promise<CheckoutBenchResult> {
  const database = await openDatabase(db.url);
  const redisPrefix = `bench${randomBytes(4).toString("hex")}:`;
  let app: RunningApp | undefined;
  try {
    const tenant = await createTenant(database.prisma, {
      slug: "benchshop",
      paymentPolicy: { allowedRails: ["escrow", "direct"], defaultRail: "escrow", escrowRequiredAboveAmount: null, escrowRequiredForCategories: [], buyerDisclosureMode: "plain" },
      catalog: [{ title: "Bench item", description: "", price: "19.99", category: null, kind: "digital", stock: null, active: true }],
    });
    const item = await database.prisma.catalogItem.findFirstOrThrow({ where: { tenantId: tenant.id }, select: { id: true } });
    app = await startApp({
      NODE_ENV: "development", DATABASE_URL: db.url, REDIS_PREFIX: redisPrefix, PLATFORM_DOMAIN, LOG_LEVEL: "warn", PAYMENTS_SANDBOX: "true",
      MONEY_SECRET: randomBytes(32).toString("hex"), RATE_LIMIT_STOREFRONT_PER_MIN: "1000000000", RATE_LIMIT_CHECKOUT_PER_MIN: "1000000000",
    });
    onStart(app, redisPrefix);
    const host = `benchshop.${PLATFORM_DOMAIN}`;
    const body = { items: [{ itemId: item.id, quantity: 1 }], email: "bench@example.test", rail: "escrow" };
    let n = 0;
    const one = async () => {
      const started = performance.now();
      const c = await request(app!.port, "/api/storefront/checkout", { method: "POST", host, headers: { "idempotency-key": `bench-${redisPrefix}${++n}` }, body });
      if (c.status !== 201) return null;
      const p = await request(app!.port, `/api/storefront/orders/${c.json.data.token}/sandbox-pay`, { method: "POST", host, body: {} });
      return p.status === 200 ? performance.now() - started : null;
    };
    const run = async (seconds: number) => {
      const latencies: number[] = [];
      let failures = 0;
      const until = performance.now() + seconds * 1000;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: opts.concurrency }, async () => {
        while (performance.now() < until) {
          const ms = await one();
          if (ms === null) failures++;
          else latencies.push(ms);
        }
      }));
      return { latencies, failures, seconds: (performance.now() - t0) / 1000 };
    };
    await run(opts.warmupSeconds);
    const measured = await run(opts.durationSeconds);
    const sorted = measured.latencies.sort((a, b) => a - b);
    const report = await reconcile(database.prisma, { trigger: "bench", payoutGraceMs: 0 });
    return {
      checkoutsPerSec: sorted.length / measured.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      total: sorted.length,
      failures: measured.failures,
      reconciliation: report.skipped ? { skipped: true } : { violations: report.violations, checks: report.checks },
    };
  } finally {
    await app?.stop();
    await deleteRedisPrefix(redisPrefix);
    await database.close();
  }
}
