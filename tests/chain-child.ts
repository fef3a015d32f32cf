/**
 * A separate process for chain crash tests: one money operation with the on-chain rails connected from CHAIN_* env,
 * MONEY_FAILPOINTS armed (a `kill` failpoint SIGKILLs it). Usage: tsx tests/chain-child.ts <release|tick> [tenantId orderId]
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pino from "pino";
import { openDatabase } from "#server/db/client.ts";
import { parseEnv } from "#server/env.ts";
import { connectChain } from "#server/chain/index.ts";
import { MoneyService, armFailpoints, bullScheduler } from "#server/money/index.ts";
import { MONEY_QUEUE } from "#server/jobs/index.ts";
import { TEST_MONEY_CONFIG } from "./money-fixture.ts";

const [op, tenantId, orderId] = process.argv.slice(2) as [string, string, string];
armFailpoints(process.env.MONEY_FAILPOINTS, process.env.NODE_ENV ?? "");
const env = parseEnv(process.env);
const chain = await connectChain(env);
const db = await openDatabase(env.DATABASE_URL);
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2 });
const queue = new Queue(MONEY_QUEUE, { connection: redis, prefix: `${env.REDIS_PREFIX}bull` });
const money = new MoneyService({
  prisma: db.prisma, sql: db.run, redis, prefix: env.REDIS_PREFIX, logger: pino({ level: "silent" }), config: { ...TEST_MONEY_CONFIG, sandbox: false },
  scheduler: bullScheduler(queue), notify: async () => ({ queued: 0 }), chain,
});
if (op === "release") await money.release(tenantId, orderId);
else if (op === "tick") await money.chainTick();
else throw new Error(`unknown op ${op}`);
await queue.close();
redis.disconnect();
await db.close();
process.stdout.write("DONE\n");
