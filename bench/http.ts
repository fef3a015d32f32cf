/**
 * P1: storefront home vs a bare Remix page, both served by one process of the built app (production mode).
 * autocannon runs in this process; the app runs in a child, so each gets roughly one of the two cores.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { openDatabase } from "#server/db/client.ts";
import { applyManifest, manifestSchema } from "#server/tenancy/index.ts";
import { startApp, get, type RunningApp } from "#tests/app.ts";
import type { ScratchDatabase } from "#tests/scratch-db.ts";

export const PLATFORM_DOMAIN = "bench.test";
const ROOT = path.resolve(import.meta.dirname, "..");

export interface HttpOptions {
  warmupSeconds: number;
  durationSeconds: number;
  connections: number;
  rounds: number;
}

export interface Throughput {
  reqPerSec: number;
  latencyP50: number;
  latencyP99: number;
  bytesPerReq: number;
  total: number;
}

export interface HttpResult {
  storefront: Throughput;
  bare: Throughput;
  ratio: number;
  mode: string;
}

async function cannon(app: RunningApp, host: string, pathname: string, duration: number, connections: number) {
  const result = await autocannon({
    url: `${app.url}${pathname}`,
    headers: { host },
    connections,
    duration,
    // No Accept-Encoding: responses are uncompressed, so the comparison is about producing the page, not gzip.
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) {
    throw new Error(`${host}${pathname}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts out of ${result.requests.total}`);
  }
  return result;
}

/** Remove every Redis key under the bench's prefix (the app's BullMQ worker leaves its queue metadata behind). */
export async function deleteRedisPrefix(prefix: string, url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379") {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 2_000 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** Acme's demo shop (tenants/demo/acme.json): a real catalog page, the storefront the page benches load. */
export async function seedAcme(db: ScratchDatabase) {
  const database = await openDatabase(db.url);
  try {
    const manifest = JSON.parse(await readFile(path.join(ROOT, "tenants/demo/acme.json"), "utf8"));
    await applyManifest(database.prisma, manifestSchema.parse(manifest));
  } finally {
    await database.close();
  }
}

/** The built app's web side in production mode (one process unless env says WEB_CONCURRENCY), under a fresh Redis prefix, storefront rate limit off. */
export async function startProductionApp(db: ScratchDatabase, redisPrefix: string, env: Record<string, string> = {}) {
  return startApp({
    NODE_ENV: "production",
    // Only the web side is measured; the settings production requires are given, pointing nowhere that matters
    // (no domain changes happen, so the edge's admin API is never called).
    MODE: "web",
    // One web process unless a part asks for more (production would otherwise run one per core).
    WEB_CONCURRENCY: "1",
    SECRET_BOX_KEY: randomBytes(32).toString("hex"),
    MONEY_SECRET: randomBytes(32).toString("hex"),
    METRICS_TOKEN: randomBytes(24).toString("hex"),
    TRUSTED_PROXIES: "127.0.0.1",
    CADDY_ADMIN_URL: "http://127.0.0.1:9",
    DATABASE_URL: db.url,
    REDIS_PREFIX: redisPrefix,
    PLATFORM_DOMAIN,
    LOG_LEVEL: "warn",
    // The pages measured pay the same Redis rate-limit round trip as always; the bench must not be limited.
    RATE_LIMIT_STOREFRONT_PER_MIN: "1000000000",
    ...env,
  }, 30_000, ["--import", "./bench/bench-process.ts", ...(process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? [])]);
}

export async function runHttpBench(
  db: ScratchDatabase,
  opts: HttpOptions,
  onStart: (app: RunningApp, redisPrefix: string) => void,
): Promise<HttpResult> {
  await seedAcme(db);
  const redisPrefix = `bench${randomBytes(4).toString("hex")}:`;
  // Both pages are on the tenant host and pay the same Redis rate-limit round trip.
  const app = await startProductionApp(db, redisPrefix, { BENCH_BARE_PAGE: "true" });
  onStart(app, redisPrefix);
  try {
    const host = `acme.${PLATFORM_DOMAIN}`;
    // Sanity: the storefront really is Acme's page and the bare page really is bare.
    const home = await get(app, host, "/");
    if (home.status !== 200 || !home.body.includes("Acme Outfitters")) throw new Error(`storefront sanity check failed: ${home.status}`);
    const bare = await get(app, host, "/bench/bare");
    if (bare.status !== 200 || !bare.body.includes("<p>ok</p>")) throw new Error(`bare page sanity check failed: ${bare.status}`);

    // Warm-up (JIT, tenant cache, connection pools), not measured.
    await cannon(app, host, "/", opts.warmupSeconds, opts.connections);
    await cannon(app, host, "/bench/bare", opts.warmupSeconds, opts.connections);

    // Interleaved in ABBA order so drift (thermal, other load) hits both sides equally.
    const runs: Record<"storefront" | "bare", autocannon.Result[]> = { storefront: [], bare: [] };
    for (let round = 0; round < opts.rounds; round++) {
      const order = round % 2 === 0 ? (["storefront", "bare"] as const) : (["bare", "storefront"] as const);
      for (const which of order) {
        runs[which].push(await cannon(app, host, which === "storefront" ? "/" : "/bench/bare", opts.durationSeconds, opts.connections));
      }
    }
    const summarise = (rs: autocannon.Result[]): Throughput => {
      const total = rs.reduce((s, r) => s + r.requests.total, 0);
      const seconds = rs.reduce((s, r) => s + r.duration, 0);
      const bytes = rs.reduce((s, r) => s + r.throughput.total, 0);
      return {
        reqPerSec: total / seconds,
        latencyP50: rs.reduce((s, r) => s + r.latency.p50, 0) / rs.length,
        latencyP99: rs.reduce((s, r) => s + r.latency.p99, 0) / rs.length,
        bytesPerReq: bytes / total,
        total,
      };
    };
    const s = summarise(runs.storefront);
    const b = summarise(runs.bare);
    return { storefront: s, bare: b, ratio: s.reqPerSec / b.reqPerSec, mode: "production" };
  } finally {
    await app.stop();
    await deleteRedisPrefix(redisPrefix);
  }
}

export interface ScaleResult {
  /** Storefront home req/s with WEB_CONCURRENCY=1 and =2, same database, same load. */
  one: number;
  two: number;
  /** The load generator's own CPU (this process, autocannon) as a share of one core during the WEB_CONCURRENCY=2 run. */
  loadGenCores: number;
}

/**
 * Issue 19's scaling figure (ADR 046): the storefront home's req/s with two web processes ÷ with one, on this
 * machine, which also runs the load generator — its own CPU is reported so the ratio can be read against it.
 * Expects the database runHttpBench seeded.
 */
export async function runScaleBench(db: ScratchDatabase, opts: HttpOptions, onStart: (app: RunningApp, redisPrefix: string) => void): Promise<ScaleResult> {
  const host = `acme.${PLATFORM_DOMAIN}`;
  const measure = async (processes: number) => {
    const prefix = `bench${randomBytes(4).toString("hex")}:`;
    const app = await startProductionApp(db, prefix, { WEB_CONCURRENCY: String(processes) });
    onStart(app, prefix);
    try {
      await cannon(app, host, "/", opts.warmupSeconds, opts.connections);
      const cpu = process.cpuUsage();
      const r = await cannon(app, host, "/", opts.durationSeconds * opts.rounds, opts.connections);
      const used = process.cpuUsage(cpu);
      return { reqPerSec: r.requests.total / r.duration, loadGenCores: (used.user + used.system) / 1e6 / r.duration };
    } finally {
      await app.stop();
      await deleteRedisPrefix(prefix);
    }
  };
  const one = await measure(1);
  const two = await measure(2);
  return { one: one.reqPerSec, two: two.reqPerSec, loadGenCores: two.loadGenCores };
}
