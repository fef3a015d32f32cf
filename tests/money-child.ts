/**
 * A separate process for crash tests: runs one money operation against DATABASE_URL with MONEY_FAILPOINTS armed,
 * so a `kill` failpoint SIGKILLs it mid-operation. Usage: tsx tests/money-child.ts <op> <tenantId> <orderId|token>
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pino from "pino";
import { openDatabase } from "#server/db/client.ts";
import { MoneyService, armFailpoints, bullScheduler } from "#server/money/index.ts";
import { MONEY_QUEUE } from "#server/jobs/index.ts";
import { TEST_MONEY_CONFIG } from "./money-fixture.ts";

const [op, tenantId, ref] = process.argv.slice(2) as [string, string, string];
armFailpoints(process.env.MONEY_FAILPOINTS, process.env.NODE_ENV ?? "");
const db = await openDatabase(process.env.DATABASE_URL!);
const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 2 });
const queue = new Queue(MONEY_QUEUE, { connection: redis, prefix: `${process.env.REDIS_PREFIX}bull` });
const money = new MoneyService({
  prisma: db.prisma, sql: db.run, redis, prefix: process.env.REDIS_PREFIX!, logger: pino({ level: "silent" }), config: TEST_MONEY_CONFIG,
  scheduler: bullScheduler(queue), notify: async () => ({ queued: 0 }),
});
if (op === "pay") await money.sandboxPay(tenantId, ref);
else if (op === "release") await money.release(tenantId, ref);
else throw new Error(`unknown op ${op}`);
await queue.close();
redis.disconnect();
await db.close();
process.stdout.write("DONE\n");
