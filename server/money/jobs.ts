/**
 * Money jobs on the BullMQ side: the scheduler the core calls after commit, and the pause state of the money queue
 * (the global kill switch pauses it outright). Their handlers and repeatable sweep and reconciliation live with every
 * other job's in server/jobs (handlers.ts, schedules.ts).
 */
import type { Queue } from "bullmq";
import { enqueueJob } from "#server/jobs/index.ts";
import type { MoneyScheduler } from "./context.ts";

export function bullScheduler(moneyQueue: Queue): MoneyScheduler {
  const ids = (o: { id: string; tenantId: string }) => ({ tenantId: o.tenantId, orderId: o.id });
  return {
    expire: (o, at) => enqueueJob(moneyQueue, "money.expire", ids(o), { jobId: `expire-${o.id}`, delayMs: at.getTime() - Date.now() }),
    release: (o, at) => enqueueJob(moneyQueue, "money.release", ids(o), { jobId: `release-${o.id}`, delayMs: at.getTime() - Date.now() }),
    payout: (o, kind) => enqueueJob(moneyQueue, "money.payout", { ...ids(o), kind }, { jobId: `payout-${kind}-${o.id}` }),
  };
}

export async function syncMoneyQueuePause(moneyQueue: Queue, engaged: boolean) {
  if (engaged) await moneyQueue.pause();
  else await moneyQueue.resume();
}
