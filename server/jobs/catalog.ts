/**
 * The job catalog (docs/security.md reliability 4): name → { schema, attempts, queue }, the one place a job's payload and
 * retry budget are defined. Jobs carry ids only, never secrets; tenant-owned ones carry the `tenantId` their handler
 * filters by.
 */
import { Queue } from "bullmq";
import { z } from "zod";
import { bullPrefix, type RedisClient } from "#server/redis.ts";

export const QUEUE = "platform";
export const DEAD_LETTER_QUEUE = "platform-dead";
/** Money jobs have their own queue, so the global kill switch can pause it: workers then claim none of them. */
export const MONEY_QUEUE = "money";

const moneyJob = z.object({ tenantId: z.uuid(), orderId: z.uuid() });
const botJob = z.object({ tenantId: z.uuid(), botId: z.uuid() });

export const jobCatalog = {
  // Bot jobs carry ids and message text only; the token is read from the sealed column inside the handler.
  "bots.configure": { schema: botJob, attempts: 8 },
  "bots.deconfigure": { schema: botJob, attempts: 8 },
  "bots.notify": {
    schema: botJob.extend({
      chatId: z.string().regex(/^-?\d{1,20}$/), eventId: z.string().min(1).max(200), text: z.string().min(1).max(4096),
      // A "View" URL button (the dashboard order; ADR 032), and for a buyer's update the (order, event) it is.
      viewUrl: z.url().max(500).optional(),
      buyerUpdate: z.object({ orderId: z.uuid(), event: z.enum(["paid", "shipped", "delivered", "disputed"]) }).optional(),
    }),
    attempts: 6,
  },
  // DOM-4: the sweep finds due domain checks and enqueues one job per domain (deduplicated by id and due time).
  "domains.sweep": { schema: z.object({}), attempts: 1 },
  "domains.check": { schema: z.object({ tenantId: z.uuid(), domainId: z.uuid() }), attempts: 10 },
  // Owner alerts (ADR 042): evaluate the conditions, open/resolve alerts, message through the platform bot.
  "alerts.check": { schema: z.object({}), attempts: 1 },
  // EDGE-2: periodic and retried reconciliation of Caddy's routes with the database.
  "edge.reconcile": { schema: z.object({ reason: z.string().max(200) }), attempts: 10 },
  // Money jobs carry ids only; handlers re-read the order and are idempotent (CAS + posting keys).
  "money.expire": { schema: moneyJob, attempts: 8, queue: MONEY_QUEUE },
  "money.release": { schema: moneyJob, attempts: 8, queue: MONEY_QUEUE },
  "money.payout": { schema: moneyJob.extend({ kind: z.enum(["release", "refund"]) }), attempts: 10, queue: MONEY_QUEUE },
  "money.sweep": { schema: z.object({}), attempts: 1, queue: MONEY_QUEUE },
  // The on-chain rails: index the escrow contract, post what is confirmed, move arbiter payouts on (one leader).
  "money.chain-tick": { schema: z.object({}), attempts: 1, queue: MONEY_QUEUE },
  // Read-only, so it stays on the platform queue and keeps running while the kill switch pauses money jobs.
  "money.reconcile": { schema: z.object({ trigger: z.string().max(40) }), attempts: 3 },
  // Mail (ADR 026): one job per outbox row and attempt; the row is the truth, so a duplicate or late job does nothing.
  // Its attempts cover unexpected errors only (Postgres away); SMTP retries are counted on the row (MAIL_MAX_ATTEMPTS).
  "mail.deliver": { schema: z.object({ messageId: z.uuid(), tenantId: z.uuid().nullable(), attempt: z.number().int().min(0).max(1_000) }), attempts: 5 },
  // Queues due rows (SQL triggers write rows nobody enqueues; Redis may have lost jobs) and takes back stuck sends.
  "mail.sweep": { schema: z.object({}), attempts: 1 },
  // Announcements (ADR 033): one job per announcement works through its recipient rows (the rows make it resumable).
  "announcements.send": { schema: z.object({ tenantId: z.uuid(), announcementId: z.uuid() }), attempts: 8 },
  // Daily: deletes announcements older than 12 months (G14-6).
  "announcements.sweep": { schema: z.object({}), attempts: 3 },
  // Daily: the month that just ended gets its platform-fee statements (idempotent; ADR 025). Writes no money.
  "money.fee-statements": { schema: z.object({}), attempts: 3 },
  // Daily (ADR 043): every active or suspended shop's rows as one archive, recorded in backup_logs; then retention.
  "backups.shops": { schema: z.object({}), attempts: 1 },
  "backups.prune": { schema: z.object({}), attempts: 3 },
} as const;
export type JobName = keyof typeof jobCatalog;
export type JobData<N extends JobName> = z.infer<(typeof jobCatalog)[N]["schema"]>;

export function createQueue(connection: RedisClient, prefix: string, name = QUEUE) {
  return new Queue(name, { connection, prefix: bullPrefix(connection, prefix) });
}

/** The name of the queue a catalogued job runs on: its catalog entry's `queue`, else the platform queue. */
export const queueOf = (name: JobName): string => ("queue" in jobCatalog[name] ? (jobCatalog[name] as { queue: string }).queue : QUEUE);

/** Enqueue a catalogued job. A `jobId` makes it idempotent: adding the same id again is a no-op. */
export async function enqueueJob<N extends JobName>(queue: Queue, name: N, data: JobData<N>, options: { jobId?: string; delayMs?: number } = {}) {
  const entry = jobCatalog[name];
  if (queue.name !== queueOf(name)) throw new Error(`${name} belongs on the ${queueOf(name)} queue, not ${queue.name}`);
  await queue.add(name, entry.schema.parse(data), {
    ...(options.delayMs ? { delay: Math.max(0, Math.round(options.delayMs)) } : {}),
    attempts: entry.attempts,
    backoff: { type: "platform" },
    // Completed jobs are kept a week, so a duplicate event id within that time is still recognised.
    removeOnComplete: { age: 7 * 86_400, count: 100_000 },
    removeOnFail: { count: 5_000 },
    ...(options.jobId ? { jobId: options.jobId } : {}),
  });
}
