/**
 * The per-shop health records (G10-5) for `GET /api/ops/tenants/health-summary`: domains with their TLS expiry, bots
 * with the last update seen, open alerts, the last backup and the kill switch. A platform read across shops on
 * purpose (operators only); one query per part, not per shop, so a thousand shops stay a handful of queries.
 */
import type { PrismaClient } from "@prisma/client";

export async function tenantHealthSummary(prisma: PrismaClient) {
  const [tenants, domains, bots, alerts, backups, switches] = await Promise.all([
    prisma.tenant.findMany({ select: { id: true, slug: true, displayName: true, status: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    prisma.tenantDomain.findMany({
      where: { status: { not: "removed" } },
      select: { tenantId: true, hostname: true, status: true, tlsStatus: true, tlsNotAfter: true, lastCheckedAt: true },
      orderBy: { hostname: "asc" },
    }),
    prisma.tenantBot.findMany({ select: { tenantId: true, username: true, status: true, paused: true, lastWebhookAt: true, lastError: true } }),
    prisma.alert.groupBy({ by: ["tenantId"], where: { resolvedAt: null, tenantId: { not: null } }, _count: { _all: true } }),
    prisma.$queryRaw<Array<{ tenantId: string; status: string; runAt: Date; error: string | null }>>`
      SELECT DISTINCT ON (tenant_id) tenant_id AS "tenantId", status, run_at AS "runAt", error
        FROM backup_logs WHERE kind = 'shop' AND tenant_id IS NOT NULL ORDER BY tenant_id, run_at DESC`,
    prisma.killSwitch.findMany({ select: { tenantId: true, engaged: true, reason: true } }),
  ]);
  const by = <T extends { tenantId: string | null }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) if (r.tenantId) map.set(r.tenantId, [...(map.get(r.tenantId) ?? []), r]);
    return map;
  };
  const domainsBy = by(domains);
  const botsBy = by(bots);
  const alertsBy = new Map(alerts.map((a) => [a.tenantId, a._count._all]));
  const backupBy = new Map(backups.map((b) => [b.tenantId, b]));
  const switchBy = new Map(switches.map((k) => [k.tenantId, k]));
  const global = switchBy.get(null);
  return {
    globalKillSwitch: { engaged: global?.engaged ?? false, reason: global?.reason ?? null },
    shops: tenants.map((t) => ({
      tenantId: t.id, slug: t.slug, displayName: t.displayName, status: t.status,
      domains: (domainsBy.get(t.id) ?? []).map(({ tenantId: _, ...d }) => d),
      bots: (botsBy.get(t.id) ?? []).map(({ tenantId: _, ...b }) => b),
      openAlerts: alertsBy.get(t.id) ?? 0,
      lastBackup: backupBy.has(t.id) ? (({ tenantId: _, ...b }) => b)(backupBy.get(t.id)!) : null,
      killSwitch: { engaged: switchBy.get(t.id)?.engaged ?? false, reason: switchBy.get(t.id)?.reason ?? null },
    })),
  };
}
