/**
 * P3 checkout: checkouts per second with full postings at 50 concurrent buyers. One "checkout" is the buyer's two
 * calls: POST /api/storefront/checkout (stock reserved, order + lines + intent) and POST …/sandbox-pay (outside
 * transfer, funding posting, escrow row, status CAS). Then reconciliation runs over everything the bench wrote.
 * The sandbox rail cannot run with NODE_ENV=production (start-up refuses it), so the app runs in development mode;
 * the JSON API does not depend on it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
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
  /** One buyer's checkout + payment, end to end. */
  p50: number;
  p99: number;
  /** Each HTTP request on its own (checkout or payment). */
  requestP50: number;
  requestP99: number;
  /** The same database's bare commit rate at the same concurrency, measured just before: the machine's ceiling. */
  commitsPerSec: number;
  total: number;
  failures: number;
  reconciliation: { violations: number; checks: Record<string, number> } | { skipped: true };
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * The machine's ceiling for durable writes: autocommit single-row INSERTs at the bench's concurrency through a pool
 * the size of the app's. A paid checkout needs four commits (checkout, payment hold, the outside transfer, funding),
 * so commits/s ÷ 4 bounds checkouts/s on this box whatever the application does.
 */
async function commitCeiling(url: string, opts: CheckoutBenchOptions) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  try {
    await pool.query("CREATE TABLE bench_commits (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text)");
    let commits = 0;
    const until = performance.now() + opts.warmupSeconds * 1000;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < until) {
        await pool.query({ name: "bench_commit", text: "INSERT INTO bench_commits (note) VALUES ($1)", values: ["bench"] });
        commits++;
      }
    }));
    const rate = commits / ((performance.now() - t0) / 1000);
    await pool.query("DROP TABLE bench_commits");
    return rate;
  } finally {
    await pool.end();
  }
}

export async function runCheckoutBench(db: ScratchDatabase, opts: CheckoutBenchOptions, onStart: (app: RunningApp, prefix: string) => void): Promise<CheckoutBenchResult> {
  const commitsPerSec = await commitCeiling(db.url, opts);
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
    }, 30_000, // e.g. BENCH_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the app's time goes under load.
    process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? []);
    onStart(app, redisPrefix);
    const host = `benchshop.${PLATFORM_DOMAIN}`;
    const body = { items: [{ itemId: item.id, quantity: 1 }], email: "bench@example.test", rail: "escrow" };
    let n = 0;
    const one = async () => {
      const started = performance.now();
      const c = await request(app!.port, "/api/storefront/checkout", { method: "POST", host, headers: { "idempotency-key": `bench-${redisPrefix}${++n}` }, body });
      const paying = performance.now();
      if (c.status !== 201) return null;
      const p = await request(app!.port, `/api/storefront/orders/${c.json.data.token}/sandbox-pay`, { method: "POST", host, body: {} });
      const done = performance.now();
      return p.status === 200 ? { pair: done - started, requests: [paying - started, done - paying] } : null;
    };
    const run = async (seconds: number) => {
      const latencies: number[] = [];
      const requests: number[] = [];
      let failures = 0;
      const until = performance.now() + seconds * 1000;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: opts.concurrency }, async () => {
        while (performance.now() < until) {
          const r = await one();
          if (r === null) failures++;
          else {
            latencies.push(r.pair);
            requests.push(...r.requests);
          }
        }
      }));
      return { latencies, requests, failures, seconds: (performance.now() - t0) / 1000 };
    };
    await run(opts.warmupSeconds);
    const measured = await run(opts.durationSeconds);
    const sorted = measured.latencies.sort((a, b) => a - b);
    const perRequest = measured.requests.sort((a, b) => a - b);
    const report = await reconcile(database.prisma, { trigger: "bench", payoutGraceMs: 0 });
    return {
      checkoutsPerSec: sorted.length / measured.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      requestP50: percentile(perRequest, 50),
      requestP99: percentile(perRequest, 99),
      commitsPerSec,
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
