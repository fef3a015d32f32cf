/**
 * Composition root of one process. MODE=web serves HTTP, MODE=worker runs BullMQ processors, MODE=all (default) does
 * both. Started by server/index.ts, directly or as a child of the supervisor (WEB_CONCURRENCY > 1).
 * SIGTERM/SIGINT: stop accepting, drain in-flight requests and jobs, then close Redis and Postgres.
 */
import cluster from "node:cluster";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Server } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { getEnv, type Env } from "./env.ts";
import { createLogger } from "./observability/index.ts";
import { openDatabase } from "./db/index.ts";
import { createRedis } from "./redis.ts";
import { TenantResolver, TENANCY_CHANNEL } from "./tenancy/index.ts";
import { EdgeSnapshot } from "./edge/index.ts";
import { createApp } from "./app.ts";
import { createServices } from "./services.ts";
import { createJobHandlers, legacyJobUpgrades, registerSchedules, startWorker } from "./jobs/index.ts";
import { armFailpoints, syncMoneyQueuePause } from "./money/index.ts";
import { connectChain, type ChainRuntime } from "./chain/index.ts";

let env: Env;
try {
  env = getEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const logger = createLogger(env.LOG_LEVEL);
armFailpoints(env.MONEY_FAILPOINTS, env.NODE_ENV);
const db = await openDatabase(env.DATABASE_URL, { onConnectionLost: (err) => logger.warn({ err: err.message }, "database connection lost") });
// Money writers connect as storefront_money when DATABASE_URL's user is the plain web role (ADR 044).
const moneyDb = env.MONEY_DATABASE_URL
  ? await openDatabase(env.MONEY_DATABASE_URL, { onConnectionLost: (err) => logger.warn({ err: err.message }, "money database connection lost") })
  : null;
const redis = createRedis(env);
redis.on("error", (err) => logger.warn({ err: err.message }, "redis error"));
const closers: Array<() => Promise<unknown>> = [];
let server: Server | undefined;

// Signal handlers first, so a SIGTERM that arrives during start-up still shuts down cleanly.
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  const force = setTimeout(() => process.exit(1), 15_000).unref();
  if (server) {
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
  for (const close of closers) await close().catch(() => {});
  await redis.quit().catch(() => {});
  await db.close();
  await moneyDb?.close();
  clearTimeout(force);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));


// The on-chain rails: connected before anything serves, so a wrong contract, token or key stops start-up.
let chain: ChainRuntime | null;
try {
  chain = await connectChain(env);
} catch (err) {
  console.error(`Invalid configuration:\n  - ${(err as Error).message}`);
  process.exit(1);
}
if (chain) logger.info({ chainId: chain.chainId, escrow: chain.escrow, token: chain.token, symbol: chain.tokenSymbol, arbiter: chain.arbiter?.account.address ?? null }, "on-chain rails on");
const services = createServices({ prisma: db.prisma, sql: db.run, redis, env, logger, chain, ...(moneyDb ? { money: { prisma: moneyDb.prisma, sql: moneyDb.run } } : {}) });
closers.push(() => services.close());

if (env.MODE !== "worker") {
  const resolver = new TenantResolver({
    prisma: db.prisma,
    platformDomain: env.PLATFORM_DOMAIN,
    ttlMs: env.TENANT_CACHE_TTL_MS,
    negativeTtlMs: env.TENANT_NEGATIVE_TTL_MS,
    maxEntries: env.TENANT_CACHE_MAX_ENTRIES,
  });
  const subscriber = createRedis(env, { use: "subscriber" });
  subscriber.on("error", (err) => logger.warn({ err: err.message }, "redis subscriber error"));
  await resolver.listen(subscriber, env.REDIS_PREFIX);
  const edge = new EdgeSnapshot({ prisma: db.prisma, platformDomain: env.PLATFORM_DOMAIN, logger });
  await edge.start(subscriber, env.REDIS_PREFIX + TENANCY_CHANNEL);
  closers.push(async () => edge.stop());
  closers.push(async () => subscriber.quit());
  services.requestStats.start();
  closers.push(() => services.requestStats.stop());
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const app = createApp({
    env,
    logger,
    resolver,
    redis,
    build,
    services,
    edge,
    health: {
      async ready() {
        const [pg, rd] = await Promise.all([
          db.prisma.$queryRaw`SELECT 1`.then(() => true, () => false),
          redis.ping().then(() => true, () => false),
        ]);
        return { postgres: pg, redis: rd };
      },
      // Shown, never failing readiness (OPS-3): reads keep working while payments are paused.
      killSwitch: () => services.money.killSwitchState(),
    },
  });
  server = app.listen(env.PORT, env.HOST, () => {
    const addr = server!.address();
    const port = typeof addr === "object" && addr ? addr.port : env.PORT;
    logger.info({ port, host: env.HOST, mode: env.MODE }, "listening");
    // Machine-readable line for the test harness and the demo script; a supervised child tells its supervisor, which
    // prints the one READY line when every child is up.
    if (cluster.isWorker) process.send?.({ type: "ready", url: `http://${env.HOST}:${port}` });
    else process.stdout.write(`READY http://${env.HOST}:${port}\n`);
  });
}

if (env.MODE !== "web") {
  const connection = createRedis(env, { use: "worker" });
  const worker = startWorker({
    connection,
    prefix: env.REDIS_PREFIX,
    logger,
    handlers: createJobHandlers(services),
    upgrades: legacyJobUpgrades(services),
    tuning: { backoffBaseMs: env.JOBS_BACKOFF_BASE_MS, lockDurationMs: env.JOBS_LOCK_DURATION_MS, stalledIntervalMs: env.JOBS_STALLED_INTERVAL_MS },
  });
  closers.push(async () => {
    await worker.close();
    await connection.quit();
  });
  await registerSchedules(services, env);
  // A Redis that comes back without its data (no persistence, an empty replica promoted) has lost the job schedulers
  // too, and with them the sweeps that rebuild the lost jobs from Postgres (the mail outbox): register them again on
  // every reconnect (idempotent).
  redis.on("ready", () => void registerSchedules(services, env).catch((err: Error) => logger.warn({ err: err.message }, "schedules not registered after reconnect")));
  await syncMoneyQueuePause(services.moneyQueue, (await services.money.killSwitchState()).global);
  if (services.edge) {
    // EDGE-2: reconcile at start-up, and right after every tenancy change (a suspension, a verified domain).
    const edge = services.edge;
    const edgeSubscriber = createRedis(env, { use: "subscriber" });
    edgeSubscriber.on("error", (err) => logger.warn({ err: err.message }, "redis subscriber error"));
    await edgeSubscriber.subscribe(env.REDIS_PREFIX + TENANCY_CHANNEL);
    edge.follow(edgeSubscriber, env.REDIS_PREFIX + TENANCY_CHANNEL);
    closers.push(async () => edgeSubscriber.quit());
    void edge.reconcile("start-up").catch((err: Error) => logger.warn({ err: err.message }, "start-up edge reconcile failed"));
  }
  if (env.MODE === "worker") {
    if (cluster.isWorker) process.send?.({ type: "ready", url: "worker" });
    else process.stdout.write("READY worker\n");
  }
}

