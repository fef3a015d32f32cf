/**
 * The outbox sweep (ADR 026), run by the repeatable `mail.sweep` job and by `kick()`: Postgres is the queue of record,
 * BullMQ only carries the nudges. So rows written by SQL triggers, rows whose job Redis lost (a restart without
 * persistence) and rows a dead worker left `sending` are all sent without anybody having to remember them.
 */
import type { PrismaClient } from "@prisma/client";
import type { Queue } from "bullmq";
import { enqueueJob } from "#server/jobs/index.ts";

/** One job per row and attempt: adding it twice is a no-op, a later attempt gets a new job. */
export const mailJobId = (messageId: string, attempt: number) => `mail-${messageId}-${attempt}`;

export async function scheduleDelivery(queue: Queue, row: { id: string; tenantId: string | null; attempts: number }, delayMs = 0) {
  await enqueueJob(queue, "mail.deliver", { messageId: row.id, tenantId: row.tenantId, attempt: row.attempts }, { jobId: mailJobId(row.id, row.attempts), delayMs });
}

const BATCH = 500;

/**
 * Queues a job for every due `queued` row. A row overdue by more than the lease whose job has finished (dead-lettered
 * after Postgres was away, say) gets its job replaced, so nothing waits forever behind a spent job id.
 */
export async function queueDueMessages(prisma: PrismaClient, queue: Queue, leaseMs: number) {
  const due = await prisma.$queryRaw<{ id: string; tenantId: string | null; attempts: number; overdue: boolean }[]>`
    SELECT id::text, tenant_id::text AS "tenantId", attempts, next_attempt_at < now() - ${leaseMs} * interval '1 millisecond' AS overdue
    FROM email_outbox WHERE status = 'queued' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT ${BATCH}`;
  for (const row of due) {
    if (row.overdue) {
      const job = await queue.getJob(mailJobId(row.id, row.attempts));
      if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove();
    }
    await scheduleDelivery(queue, row);
  }
  return due.length;
}

/** Rows left `sending` past the lease: their worker died mid-send. Back to queued, to be sent again. */
export async function reclaimStuck(prisma: PrismaClient, leaseMs: number) {
  return prisma.$executeRaw`
    UPDATE email_outbox SET status = 'queued', next_attempt_at = now(), updated_at = now(),
      last_error = 'The delivery attempt was interrupted (its worker stopped); sending again with the same Message-ID.'
    WHERE status = 'sending' AND sending_at < now() - ${leaseMs} * interval '1 millisecond'`;
}
