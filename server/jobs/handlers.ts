/**
 * Every job's handler, built from the services (the catalog is catalog.ts). A handler that throws is retried with
 * backoff by the worker and dead-lettered after its attempts, which is how "Caddy was down during a verify" heals by
 * itself (DOM-4, EDGE-2). Handlers of tenant-owned jobs look their row up by id and the job's tenantId.
 */
import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { z } from "zod";
import { ApiError } from "#server/http/index.ts";
import type { MailService } from "#server/mail/index.ts";
import type { MoneyService } from "#server/money/index.ts";
import type { Services } from "#server/services.ts";
import { enqueueJob } from "./catalog.ts";
import type { JobHandlers, JobUpgrades } from "./worker.ts";

export function createJobHandlers(services: Services): JobHandlers {
  return {
    "bots.configure": async ({ tenantId, botId }) => services.bots.configure(tenantId, botId),
    "bots.deconfigure": async ({ tenantId, botId }) => services.bots.deconfigure(tenantId, botId),
    "bots.notify": async (data, job, token) => services.deliverNotification(data, job, token),
    "announcements.send": async ({ tenantId, announcementId }) => void (await services.customers.send({ tenantId }, announcementId)),
    "announcements.sweep": async () => void (await services.customers.sweep()),
    // One shop's failure is recorded in backup_logs and does not fail the job (a retry would back up every shop again).
    "backups.shops": async () => void (await services.backups.daily()),
    "backups.prune": async () => void (await services.backups.prune()),
    "alerts.check": async () => void (await services.alerts.check()),
    ...domainJobHandlers(services),
    ...mailJobHandlers(services.mail),
    ...moneyJobHandlers(services.money),
  };
}

function domainJobHandlers(services: Services): Pick<JobHandlers, "domains.sweep" | "domains.check" | "edge.reconcile"> {
  return {
    async "domains.sweep"() {
      for (const d of await services.domains.due()) {
        // One job per domain and due time: a sweep that runs twice before the check does not check twice.
        await enqueueJob(services.queue, "domains.check", { tenantId: d.tenantId, domainId: d.id }, { jobId: `domain-check-${d.id}-${d.nextCheckAt.getTime()}` });
      }
    },
    async "domains.check"({ tenantId, domainId }) {
      const r = await services.domains.check("system:scheduler", tenantId, domainId);
      if (r.edgeError) throw new Error(`domain ${domainId} verified but the edge was not updated: ${r.edgeError}`);
    },
    async "edge.reconcile"({ reason }) {
      if (!services.edge) return;
      const r = await services.edge.reconcile(reason);
      if (!r.ok) throw new Error(r.error ?? "edge reconcile failed");
    },
  };
}

/**
 * Mail (ADR 026): the row decides. Waiting (not due, over a send limit) puts the job back without spending one of its
 * attempts; a message out of attempts or unrenderable is failed on its row and the job dead-lettered.
 */
function mailJobHandlers(mail: MailService): Pick<JobHandlers, "mail.deliver" | "mail.sweep"> {
  return {
    async "mail.deliver"({ messageId, tenantId, attempt }, job, token) {
      const outcome = await mail.deliver(messageId, attempt, tenantId);
      if (outcome.kind === "wait") {
        if (!token) throw new Error(`mail ${messageId} must wait: ${outcome.why}`);
        await job.moveToDelayed(outcome.untilMs, token);
        throw new DelayedError();
      }
      if (outcome.kind === "dead") throw new UnrecoverableError(`mail ${messageId}: ${outcome.reason}`);
    },
    async "mail.sweep"() {
      await mail.sweep();
    },
  };
}

const KILL_SWITCH_RETRY_MS = 30_000;

/**
 * While a kill switch is on, a money job that was already claimed puts itself back (delayed, no attempt spent) instead
 * of running; the global switch also pauses the money queue outright (syncMoneyQueuePause).
 */
function moneyJobHandlers(money: MoneyService): Pick<JobHandlers, "money.expire" | "money.release" | "money.payout" | "money.sweep" | "money.chain-tick" | "money.reconcile" | "money.fee-statements"> {
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
    "money.chain-tick": (_d, job, token) => guarded(null, job, token, () => money.chainTick()),
    "money.reconcile": async (d) => {
      await money.reconcile(d.trigger);
    },
    "money.fee-statements": async () => {
      await money.generatePreviousMonthFeeStatements();
    },
  };
}

/**
 * Bot and domain jobs carry tenantId since issue 18 (ADR 014). Jobs an older version queued without it may still be in
 * Redis (waiting, delayed, or between retries), and the strict schema would fail each of them until dead-lettered:
 * lost notifications, bots never configured, and a failed domain check whose job id blocks the sweep from queueing that
 * check again. So such a job looks its tenant up once (the worker stores the result); a row that is gone ends it the way
 * its handler did before. Drop this once no older version can have left jobs behind.
 */
export function legacyJobUpgrades({ prisma }: Pick<Services, "prisma">): JobUpgrades {
  const id = z.uuid();
  const withTenant = (key: string, lookup: (id: string) => Promise<{ tenantId: string } | null>, gone: () => null) =>
    async (data: Record<string, unknown>) => {
      if (data.tenantId !== undefined || !id.safeParse(data[key]).success) return data; // current, or invalid either way
      const row = await lookup(data[key] as string);
      return row ? { ...data, tenantId: row.tenantId } : gone();
    };
  const bot = withTenant("botId", (botId) => prisma.tenantBot.findUnique({ where: { id: botId }, select: { tenantId: true } }), () => null);
  return {
    // A bot that is gone: configure, deconfigure and notify all returned without doing anything.
    "bots.configure": bot,
    "bots.deconfigure": bot,
    "bots.notify": bot,
    // A domain that is gone: the check threw DOMAIN_NOT_FOUND (retried, then dead-lettered).
    "domains.check": withTenant("domainId", (domainId) => prisma.tenantDomain.findUnique({ where: { id: domainId }, select: { tenantId: true } }), () => {
      throw new ApiError(404, "DOMAIN_NOT_FOUND", "No such domain.");
    }),
  };
}
