/**
 * Worker mode: BullMQ processors. Job catalog: name → { schema, attempts }; handlers are idempotent and carry no
 * secrets. The foundation ships the catalog and one maintenance job; feature issues add theirs here.
 */
import { Queue, Worker } from "bullmq";
import { z } from "zod";
import type { Redis } from "ioredis";
import type { Logger } from "#server/observability/logger.ts";

export const QUEUE = "platform";

export const jobCatalog = {
  "tenancy.cache-flush": { schema: z.object({ reason: z.string().max(200) }), attempts: 3 },
  // Bot jobs carry only the bot id; the token is read from the sealed column inside the handler.
  "bots.configure": { schema: z.object({ botId: z.uuid() }), attempts: 8 },
  "bots.deconfigure": { schema: z.object({ botId: z.uuid() }), attempts: 8 },
} as const;
export type JobName = keyof typeof jobCatalog;

export function createQueue(connection: Redis, prefix: string) {
  return new Queue(QUEUE, { connection, prefix: `${prefix}bull` });
}

/** Enqueue a catalogued job: validated data, the catalog's attempts, exponential backoff with jitter, bounded history. */
export async function enqueueJob<N extends JobName>(queue: Queue, name: N, data: z.infer<(typeof jobCatalog)[N]["schema"]>, opts: { jobId?: string } = {}) {
  const entry = jobCatalog[name];
  await queue.add(name, entry.schema.parse(data), {
    attempts: entry.attempts,
    backoff: { type: "exponential", delay: 1_000, jitter: 0.5 },
    removeOnComplete: { count: 1_000 },
    removeOnFail: { count: 5_000 },
    ...(opts.jobId ? { jobId: opts.jobId } : {}),
  });
}

export function startWorker(opts: {
  connection: Redis;
  prefix: string;
  logger: Logger;
  handlers: { [K in JobName]: (data: z.infer<(typeof jobCatalog)[K]["schema"]>) => Promise<void> };
}) {
  const worker = new Worker(
    QUEUE,
    async (job) => {
      const entry = jobCatalog[job.name as JobName];
      if (!entry) throw new Error(`unknown job ${job.name}`);
      const data = entry.schema.parse(job.data);
      await (opts.handlers[job.name as JobName] as (d: unknown) => Promise<void>)(data);
    },
    { connection: opts.connection, prefix: `${opts.prefix}bull`, concurrency: 4 },
  );
  worker.on("error", (err) => opts.logger.error({ err: err.message }, "worker error"));
  worker.on("failed", (job, err) => opts.logger.warn({ job: job?.name, id: job?.id, err: err.message }, "job failed"));
  return worker;
}
