/**
 * Money jobs on the BullMQ side: the scheduler the core calls after commit, the handlers the worker runs, and the
 * repeatable sweep and reconciliation. While a kill switch is on, a money job that was already claimed puts itself
 * back (delayed, no attempt spent) instead of running; the global switch also pauses the money queue outright.
 */
import { DelayedError, type Job, type Queue } from "bullmq";
import { ApiError } from "#server/http/index.ts";
import { enqueueJob, type JobHandlers } from "#server/jobs/index.ts";
import type { MoneyScheduler } from "./context.ts";
import type { MoneyService } from "./service.ts";

const KILL_SWITCH_RETRY_MS = 30_000;

export function bullScheduler(moneyQueue: Queue): MoneyScheduler {
  const ids = (o: { id: string; tenantId: string }) => ({ tenantId: o.tenantId, orderId: o.id });
  return {
    expire: (o, at) => enqueueJob(moneyQueue, "money.expire", ids(o), { jobId: `expire-${o.id}`, delayMs: at.getTime() - Date.now() }),
    release: (o, at) => enqueueJob(moneyQueue, "money.release", ids(o), { jobId: `release-${o.id}`, delayMs: at.getTime() - Date.now() }),
    payout: (o, kind) => enqueueJob(moneyQueue, "money.payout", { ...ids(o), kind }, { jobId: `payout-${kind}-${o.id}` }),
  };
}

type MoneyJobNames = "money.expire" | "money.release" | "money.payout" | "money.sweep" | "money.reconcile";

export function moneyJobHandlers(money: MoneyService): Pick<JobHandlers, MoneyJobNames> {
  async function guarded(tenantId: string | null, job: Job, token: string | undefined, run: () => Promise<unknown>) {
    const wait = async () => {
      if (!token) throw new ApiError(423, "KILL_SWITCH_ON", "Payments are paused.");
      await job.moveToDelayed(Date.now() + KILL_SWITCH_RETRY_MS, token);
      throw new DelayedError();
    };
    if (tenantId && (await money.paused(tenantId))) return wait();
    try {
      await run();
    } catch (err) {
      if (err instanceof ApiError && err.code === "KILL_SWITCH_ON") return wait();
      throw err;
    }
  }
  return {
    "money.expire": (d, job, token) => guarded(d.tenantId, job, token, () => money.expire(d.tenantId, d.orderId)),
    "money.release": (d, job, token) => guarded(d.tenantId, job, token, () => money.release(d.tenantId, d.orderId)),
    "money.payout": (d, job, token) => guarded(d.tenantId, job, token, () => money.payout(d.tenantId, d.orderId, d.kind)),
    "money.sweep": (_d, job, token) => guarded(null, job, token, () => money.sweep()),
    "money.reconcile": async (d) => {
      await money.reconcile(d.trigger);
    },
  };
}

/** Repeatable jobs (one schedule per id, whatever the number of instances) and the pause state of the money queue. */
export async function scheduleMoneyJobs(opts: { moneyQueue: Queue; platformQueue: Queue; money: MoneyService; sweepEveryMs: number; reconcileEveryMs: number }) {
  await opts.moneyQueue.upsertJobScheduler("money-sweep", { every: opts.sweepEveryMs }, { name: "money.sweep", data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  await opts.platformQueue.upsertJobScheduler("money-reconcile", { every: opts.reconcileEveryMs }, {
    name: "money.reconcile", data: { trigger: "scheduled" }, opts: { removeOnComplete: 100, removeOnFail: 100 },
  });
  await syncMoneyQueuePause(opts.moneyQueue, (await opts.money.killSwitchState()).global);
}

export async function syncMoneyQueuePause(moneyQueue: Queue, engaged: boolean) {
  if (engaged) await moneyQueue.pause();
  else await moneyQueue.resume();
}
