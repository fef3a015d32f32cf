/**
 * Domain health for the operator console: every shop's domains (DomainService.health) with a one-line headline per
 * row, and the edge's last reconcile report.
 */
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { reconcileAsOperator } from "#server/edge/index.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { DOMAIN_STATES } from "#app/components/ui/domain-status.tsx";
import { domainState } from "./dashboard.$tenantId.domains.server.ts";

const DOMAIN_HEALTH_LIMIT = 500;

// A hand-edited bad value is dropped instead of failing the page.
const filterSchema = z.object({
  status: z.enum(DOMAIN_STATES).optional().catch(undefined),
  q: z.string().trim().min(1).max(253).optional().catch(undefined),
});

/** The doctor's first sentence: enough for a table cell; the detail page has the rest. */
function firstSentence(text: string | undefined) {
  if (!text) return null;
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

export async function loadDomainHealth(context: AppLoadContext, search: URLSearchParams) {
  const { domains, edge } = context.services;
  const filters = filterSchema.parse({ status: search.get("status") || undefined, q: search.get("q") || undefined });
  const [rows, report] = await Promise.all([domains.health(filters, DOMAIN_HEALTH_LIMIT), edge ? edge.lastReport() : null]);
  return {
    filters: { status: filters.status ?? "", q: filters.q ?? "" },
    domains: rows.map((r) => ({ ...domainState(r), tenant: r.tenant, headline: r.lastError ?? firstSentence(r.problems[0]) })),
    limit: DOMAIN_HEALTH_LIMIT,
    edge: { managed: edge !== null, report },
    now: new Date().toISOString(),
  };
}

/** "Reconcile now": the report, or why there is none. */
export async function reconcileEdge(context: AppLoadContext) {
  const { edge } = context.services;
  if (!edge) return { ok: false, error: "Edge not managed (CADDY_ADMIN_URL unset).", changed: false };
  try {
    const report = await reconcileAsOperator(edge, context.services.prisma, auditActor(context));
    return { ok: report.ok, error: report.error, changed: report.changed };
  } catch (err) {
    return { ok: false, error: (err as Error).message, changed: false };
  }
}
