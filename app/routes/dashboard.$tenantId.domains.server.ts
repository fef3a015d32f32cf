/**
 * Server helpers of the Domains tab (and the console's domain pages): the DomainView as the browser gets it, and the
 * checks behind "Check now" and the wizard's polling.
 */
import type { AppLoadContext } from "@remix-run/node";
import type { CheckResult, DomainView } from "#server/domains/index.ts";
import type { DomainState } from "#app/components/ui/domain-status.tsx";
import { auditActor } from "#app/utils/auth.server.ts";

export { MAX_DOMAINS_PER_TENANT } from "#server/domains/index.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Dates as ISO strings: the same text on the server and in the hydrating browser. */
export function domainState(d: DomainView): DomainState {
  return {
    id: d.id,
    hostname: d.hostname,
    mode: d.mode,
    status: d.status,
    isPrimary: d.isPrimary,
    records: d.records,
    problems: d.problems,
    lastError: d.lastError,
    checkAttempts: d.checkAttempts,
    lastCheckedAt: iso(d.lastCheckedAt),
    nextCheckAt: iso(d.nextCheckAt),
    verifiedAt: iso(d.verifiedAt),
    degradedSince: iso(d.degradedSince),
    createdAt: d.createdAt.toISOString(),
    tls: { ...d.tls, notAfter: iso(d.tls.notAfter), checkedAt: iso(d.tls.checkedAt) },
  };
}

/** The domain event log's actor string for a dashboard user (the same shape the JSON API records). */
function checkActor(context: AppLoadContext) {
  const a = auditActor(context);
  return a.userId ? `${a.kind}:${a.userId}` : a.kind;
}

function summary(r: CheckResult) {
  return { domainId: r.domain.id, from: r.from, to: r.to, throttled: r.throttled };
}

/** "Check now" on one domain (throttled per domain by the service). */
export async function checkDomain(context: AppLoadContext, tenantId: string, domainId: string) {
  return summary(await context.services.domains.check(checkActor(context), tenantId, domainId, { manual: true }));
}

/** The wizard's polling: a manual check of every pending domain of the shop. */
export async function checkPendingDomains(context: AppLoadContext, tenantId: string) {
  const { domains } = context.services;
  const pending = (await domains.list(tenantId)).filter((d) => d.status === "pending");
  const actor = checkActor(context);
  const results = await Promise.all(pending.map((d) => domains.check(actor, tenantId, d.id, { manual: true })));
  return results.map(summary);
}
