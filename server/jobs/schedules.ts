/**
 * Every repeatable job, registered through one function so each gets its catalog entry's schema, attempts and backoff.
 * A job scheduler is one Redis record per id, so however many workers run, each tick produces one job and one worker
 * takes it: the schedules have a single leader by construction.
 */
import type { Queue } from "bullmq";
import type { Env } from "#server/env.ts";
import type { Services } from "#server/services.ts";
import { jobCatalog, MONEY_QUEUE, QUEUE, queueOf, type JobData, type JobName } from "./catalog.ts";

type Schedule = { [N in JobName]: { id: string; every: number; name: N; data: JobData<N>; /** false: remove it (a part that is not configured). */ enabled?: boolean } }[JobName];

export async function registerSchedules(
  services: Pick<Services, "queue" | "moneyQueue" | "edge" | "money">,
  env: Pick<Env, "DOMAIN_SWEEP_INTERVAL_MS" | "EDGE_RECONCILE_INTERVAL_MS" | "MONEY_SWEEP_EVERY_MS" | "CHAIN_POLL_MS" | "MAIL_SWEEP_INTERVAL_MS" | "ALERTS_CHECK_INTERVAL_MS">,
) {
  const schedules: Schedule[] = [
    { id: "domains-sweep", every: env.DOMAIN_SWEEP_INTERVAL_MS, name: "domains.sweep", data: {} },
    { id: "alerts-check", every: env.ALERTS_CHECK_INTERVAL_MS, name: "alerts.check", data: {} },
    { id: "edge-reconcile", every: env.EDGE_RECONCILE_INTERVAL_MS, name: "edge.reconcile", data: { reason: "periodic" }, enabled: services.edge !== null },
    // ADR 026: Postgres holds the outbox; this is what turns due rows into delivery jobs (and takes back stuck sends).
    { id: "mail-sweep", every: env.MAIL_SWEEP_INTERVAL_MS, name: "mail.sweep", data: {} },
    { id: "money-sweep", every: env.MONEY_SWEEP_EVERY_MS, name: "money.sweep", data: {} },
    { id: "money-chain-tick", every: env.CHAIN_POLL_MS, name: "money.chain-tick", data: {}, enabled: services.money.chainEnabled },
    { id: "money-reconcile", every: services.money.reconcileEveryMs, name: "money.reconcile", data: { trigger: "scheduled" } },
    // Daily rather than a monthly cron: each run bills the month that just ended and is a no-op once nothing changed,
    // so a worker that was down on the 1st catches up, and late-recorded orders join the still-open statement.
    { id: "announcements-sweep", every: 86_400_000, name: "announcements.sweep", data: {} },
    { id: "money-fee-statements", every: 86_400_000, name: "money.fee-statements", data: {} },
    // ADR 043: daily per-shop archives, and the retention that thins them out.
    { id: "backups-shops", every: 86_400_000, name: "backups.shops", data: {} },
    { id: "backups-prune", every: 86_400_000, name: "backups.prune", data: {} },
  ];
  const queues: Record<string, Queue> = { [QUEUE]: services.queue, [MONEY_QUEUE]: services.moneyQueue };
  for (const s of schedules) {
    const queue = queues[queueOf(s.name)]!;
    if (s.enabled === false) {
      await queue.removeJobScheduler(s.id);
      continue;
    }
    const entry = jobCatalog[s.name];
    await queue.upsertJobScheduler(s.id, { every: s.every }, {
      name: s.name, data: entry.schema.parse(s.data) as Record<string, unknown>,
      opts: { attempts: entry.attempts, backoff: { type: "platform" }, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
    });
  }
}
