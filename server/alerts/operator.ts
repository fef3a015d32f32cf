/**
 * Operator conditions (G10-4): a shop whose last two or more backups failed (the same streak as the
 * backup_consecutive_failures gauge), and ledger invariant violations in the latest reconciliation report (the run
 * that feeds ledger_invariant_violation_total). The ledger alert clears when a later run finds none.
 */
import type { PrismaClient } from "@prisma/client";
import type { FiringCondition } from "./owner-tls.ts";

export async function backupFailureConditions(prisma: PrismaClient): Promise<FiringCondition[]> {
  // Same streak rule as server/backups' shopsFailingBackups (pruned archives count as successes).
  const rows = await prisma.$queryRaw<Array<{ tenantId: string; slug: string; failures: number; error: string | null }>>`
    SELECT l.tenant_id AS "tenantId", t.slug, count(*)::int AS failures,
           (array_agg(l.error ORDER BY l.run_at DESC))[1] AS error
      FROM backup_logs l JOIN tenants t ON t.id = l.tenant_id
     WHERE l.kind = 'shop' AND l.status = 'failed'
       AND l.run_at > coalesce((SELECT max(o.run_at) FROM backup_logs o WHERE o.kind = 'shop' AND o.tenant_id = l.tenant_id AND o.status <> 'failed'), '-infinity')
     GROUP BY l.tenant_id, t.slug HAVING count(*) >= 2`;
  return rows.map((r) => ({
    condition: "backup_failing",
    subject: `tenant:${r.tenantId}`,
    tenantId: r.tenantId,
    audience: "operator" as const,
    message: `Backups of shop ${r.slug} failed ${r.failures} times in a row. Last error: ${(r.error ?? "unknown").slice(0, 300)}`,
    resolved: `Resolved: a backup of shop ${r.slug} succeeded.`,
    details: { slug: r.slug, failures: r.failures },
  }));
}

export async function ledgerViolationConditions(prisma: PrismaClient): Promise<FiringCondition[]> {
  const last = await prisma.reconciliationReport.findFirst({
    where: { finishedAt: { not: null } }, orderBy: [{ startedAt: "desc" }], select: { id: true, violations: true, checks: true },
  });
  if (!last || last.violations === 0) return [];
  return [{
    condition: "ledger_violation",
    subject: "ledger",
    tenantId: null,
    audience: "operator",
    message: `Reconciliation found ${last.violations} ledger invariant violation${last.violations === 1 ? "" : "s"} (report ${last.id}). Runbook: docs/runbooks/ledger-invariant-violation.md.`,
    resolved: "Resolved: the latest reconciliation found no ledger invariant violation.",
    details: { reportId: last.id, violations: last.violations, checks: last.checks },
  }];
}
