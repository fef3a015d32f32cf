/**
 * Worker mode: BullMQ processors (SECURITY.md reliability 4). One job catalog: name → { schema, attempts };
 * handlers are idempotent and carry no secrets. Retries back off exponentially with jitter, never sooner than a
 * `retryAfterMs` an error asks for (Telegram's retry_after); a job out of attempts is copied to the dead-letter
 * queue; stalled jobs (a killed worker) are picked up again after the lock expires.
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import { z } from "zod";
import type { Redis } from "ioredis";
import type { Logger } from "#server/observability/index.ts";

export const QUEUE = "platform";
export const DEAD_LETTER_QUEUE = "platform-dead";
/** Money jobs have their own queue, so the global kill switch can pause it: workers then claim none of them. */
export const MONEY_QUEUE = "money";

const moneyJob = z.object({ tenantId: z.uuid(), orderId: z.uuid() });

export const jobCatalog = {
  "tenancy.cache-flush": { schema: z.object({ reason: z.string().max(200) }), attempts: 3 },
  // Bot jobs carry ids and message text only; the token is read from the sealed column inside the handler.
  "bots.configure": { schema: z.object({ botId: z.uuid() }), attempts: 8 },
  "bots.deconfigure": { schema: z.object({ botId: z.uuid() }), attempts: 8 },
  "bots.notify": {
    schema: z.object({ botId: z.uuid(), chatId: z.string().regex(/^-?\d{1,20}$/), eventId: z.string().min(1).max(200), text: z.string().min(1).max(4096) }),
    attempts: 6,
  },
  // DOM-4: the sweep finds due domain checks and enqueues one job per domain (deduplicated by id and due time).
  "domains.sweep": { schema: z.object({}), attempts: 1 },
  "domains.check": { schema: z.object({ domainId: z.uuid() }), attempts: 10 },
  // EDGE-2: periodic and retried reconciliation of Caddy's routes with the database.
  "edge.reconcile": { schema: z.object({ reason: z.string().max(200) }), attempts: 10 },
  // Money jobs carry ids only; handlers re-read the order and are idempotent (CAS + posting keys).
  "money.expire": { schema: moneyJob, attempts: 8, queue: MONEY_QUEUE },
  "money.release": { schema: moneyJob, attempts: 8, queue: MONEY_QUEUE },
  "money.payout": { schema: moneyJob.extend({ kind: z.enum(["release", "refund"]) }), attempts: 10, queue: MONEY_QUEUE },
  "money.sweep": { schema: z.object({}), attempts: 1, queue: MONEY_QUEUE },
  // Read-only, so it stays on the platform queue and keeps running while the kill switch pauses money jobs.
  "money.reconcile": { schema: z.object({ trigger: z.string().max(40) }), attempts: 3 },
} as const;
export type JobName = keyof typeof jobCatalog;

/**
 * Repeatable jobs. A job scheduler is one Redis record per id, so however many workers run, each tick produces one job
 * and one worker takes it: the schedules have a single leader by construction.
 */
export async function ensureSchedules(queue: Queue, schedules: Array<{ id: string; every: number; name: JobName; data: Record<string, unknown> }>) {
  for (const s of schedules) {
    const entry = jobCatalog[s.name];
    await queue.upsertJobScheduler(s.id, { every: s.every }, {
      name: s.name, data: entry.schema.parse(s.data) as Record<string, unknown>,
      opts: { attempts: entry.attempts, backoff: { type: "platform" }, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
    });
  }
}

export interface JobTuning {
  /** First retry delay; later ones double (with ±50 % jitter). */
  backoffBaseMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}
export const DEFAULT_TUNING: JobTuning = { backoffBaseMs: 1_000, lockDurationMs: 30_000, stalledIntervalMs: 30_000 };

/** An error that must not be retried sooner than `retryAfterMs`. */
export class RetryAfterError extends Error {
  constructor(message: string, public retryAfterMs: number) {
    super(message);
  }
}
export { UnrecoverableError, DelayedError };

export function createQueue(connection: Redis, prefix: string, name = QUEUE) {
  return new Queue(name, { connection, prefix: `${prefix}bull` });
}

/** Enqueue a catalogued job. A `jobId` makes it idempotent: adding the same id again is a no-op. */
export const queueOf = (name: JobName): string => ("queue" in jobCatalog[name] ? (jobCatalog[name] as { queue: string }).queue : QUEUE);

export async function enqueueJob<N extends JobName>(queue: Queue, name: N, data: z.infer<(typeof jobCatalog)[N]["schema"]>, opts: { jobId?: string; delayMs?: number } = {}) {
  const entry = jobCatalog[name];
  if (queue.name !== queueOf(name)) throw new Error(`${name} belongs on the ${queueOf(name)} queue, not ${queue.name}`);
  await queue.add(name, entry.schema.parse(data), {
    ...(opts.delayMs ? { delay: Math.max(0, Math.round(opts.delayMs)) } : {}),
    attempts: entry.attempts,
    backoff: { type: "platform" },
    // Completed jobs are kept a week, so a duplicate event id within that time is still recognised.
    removeOnComplete: { age: 7 * 86_400, count: 100_000 },
    removeOnFail: { count: 5_000 },
    ...(opts.jobId ? { jobId: opts.jobId } : {}),
  });
}

export function backoffDelay(attemptsMade: number, baseMs: number, err?: Error, random = Math.random) {
  const exp = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const jittered = exp * (0.5 + random()); // ±50 %
  const floor = err instanceof RetryAfterError || (err as RetryAfterError | undefined)?.retryAfterMs ? (err as RetryAfterError).retryAfterMs : 0;
  return Math.round(Math.max(jittered, floor));
}

export type JobHandlers = { [K in JobName]: (data: z.infer<(typeof jobCatalog)[K]["schema"]>, job: Job, token?: string) => Promise<void> };

export function startWorker(opts: { connection: Redis; prefix: string; logger: Logger; handlers: JobHandlers; tuning?: JobTuning }) {
  const tuning = opts.tuning ?? DEFAULT_TUNING;
  const dead = createQueue(opts.connection, opts.prefix, DEAD_LETTER_QUEUE);
  const run = async (job: Job, token?: string) => {
      const entry = jobCatalog[job.name as JobName];
      if (!entry) throw new UnrecoverableError(`unknown job ${job.name}`);
      const data = entry.schema.parse(job.data);
      await (opts.handlers[job.name as JobName] as (d: unknown, j: Job, t?: string) => Promise<void>)(data, job, token);
  };
  const workers = [QUEUE, MONEY_QUEUE].map((name) => new Worker(name, run, {
      connection: opts.connection,
      prefix: `${opts.prefix}bull`,
      concurrency: 4,
      lockDuration: tuning.lockDurationMs,
      stalledInterval: tuning.stalledIntervalMs,
      maxStalledCount: 2,
      settings: { backoffStrategy: (attemptsMade, _type, err) => backoffDelay(attemptsMade, tuning.backoffBaseMs, err) },
  }));
  const onFailed = (job: Job | undefined, err: Error) => {
    opts.logger.warn({ job: job?.name, id: job?.id, attempt: job?.attemptsMade, err: err.message }, "job failed");
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) {
      void dead
        .add(job.name, { data: job.data, failedReason: err.message.slice(0, 500), jobId: job.id, attemptsMade: job.attemptsMade }, { jobId: `dead-${job.id}` })
        .catch((e: Error) => opts.logger.error({ err: e.message, id: job.id }, "could not dead-letter job"));
    }
  };
  for (const worker of workers) {
    worker.on("error", (err) => opts.logger.error({ err: err.message }, "worker error"));
    worker.on("failed", onFailed);
  }
  return {
    worker: workers[0]!,
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await dead.close();
    },
  };
}
