/**
 * Worker mode: BullMQ processors (docs/security.md reliability 4) for the job catalog (catalog.ts); handlers are
 * idempotent. Retries back off exponentially with jitter, never sooner than a `retryAfterMs` an error asks for
 * (Telegram's retry_after); a job out of attempts is copied to the dead-letter queue; stalled jobs (a killed worker)
 * are picked up again after the lock expires.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { bullPrefix, type RedisClient } from "#server/redis.ts";
import type { Logger } from "#server/observability/index.ts";
import { createQueue, DEAD_LETTER_QUEUE, jobCatalog, MONEY_QUEUE, QUEUE, type JobData, type JobName } from "./catalog.ts";

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

export function backoffDelay(attemptsMade: number, baseMs: number, err?: Error, random = Math.random) {
  const exp = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const jittered = exp * (0.5 + random()); // ±50 %
  const floor = err instanceof RetryAfterError || (err as RetryAfterError | undefined)?.retryAfterMs ? (err as RetryAfterError).retryAfterMs : 0;
  return Math.round(Math.max(jittered, floor));
}

export type JobHandlers = { [K in JobName]: (data: JobData<K>, job: Job, token?: string) => Promise<void> };

/**
 * Brings the payload of a job queued by an older version up to its catalog schema before it is parsed (a field added
 * since); null means the job has nothing left to do. The upgraded payload is stored, so a retry does not upgrade again.
 */
export type JobUpgrades = Partial<Record<JobName, (data: Record<string, unknown>) => Promise<Record<string, unknown> | null>>>;

export function startWorker(deps: { connection: RedisClient; prefix: string; logger: Logger; handlers: JobHandlers; upgrades?: JobUpgrades; tuning?: JobTuning }) {
  const tuning = deps.tuning ?? DEFAULT_TUNING;
  const dead = createQueue(deps.connection, deps.prefix, DEAD_LETTER_QUEUE);
  const run = async (job: Job, token?: string) => {
      const entry = jobCatalog[job.name as JobName];
      if (!entry) throw new UnrecoverableError(`unknown job ${job.name}`);
      let payload: unknown = job.data;
      const upgrade = deps.upgrades?.[job.name as JobName];
      if (upgrade) {
        const upgraded = await upgrade(job.data as Record<string, unknown>);
        if (upgraded === null) return;
        if (upgraded !== job.data) await job.updateData(upgraded);
        payload = upgraded;
      }
      const data = entry.schema.parse(payload);
      await (deps.handlers[job.name as JobName] as (d: unknown, j: Job, t?: string) => Promise<void>)(data, job, token);
  };
  const workers = [QUEUE, MONEY_QUEUE].map((name) => new Worker(name, run, {
      connection: deps.connection,
      prefix: bullPrefix(deps.connection, deps.prefix),
      concurrency: 4,
      lockDuration: tuning.lockDurationMs,
      stalledInterval: tuning.stalledIntervalMs,
      maxStalledCount: 2,
      settings: { backoffStrategy: (attemptsMade, _type, err) => backoffDelay(attemptsMade, tuning.backoffBaseMs, err) },
  }));
  const onFailed = (job: Job | undefined, err: Error) => {
    deps.logger.warn({ job: job?.name, id: job?.id, attempt: job?.attemptsMade, err: err.message }, "job failed");
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) {
      void dead
        .add(job.name, { data: job.data, failedReason: err.message.slice(0, 500), jobId: job.id, attemptsMade: job.attemptsMade }, { jobId: `dead-${job.id}` })
        .catch((e: Error) => deps.logger.error({ err: e.message, id: job.id }, "could not dead-letter job"));
    }
  };
  for (const worker of workers) {
    worker.on("error", (err) => deps.logger.error({ err: err.message }, "worker error"));
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
