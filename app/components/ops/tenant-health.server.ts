/**
 * OPS-1 per-shop health for the operator's tenant page: domains with their certificate's days left, the latest order
 * and the last day's orders, and the requests this shop was served with the 5xx among them (all instances).
 */
import type { Services } from "#server/services.ts";

const DAY_MS = 86_400_000;

export async function loadTenantHealth(services: Services, tenantId: string, now = new Date()) {
  const [domains, orders, requests] = await Promise.all([
    services.prisma.tenantDomain.findMany({
      where: { tenantId, status: { not: "removed" } },
      select: { id: true, hostname: true, status: true, isPrimary: true, tlsStatus: true, tlsNotAfter: true },
      orderBy: { hostname: "asc" }, take: 50,
    }),
    services.money.orderActivity(tenantId),
    services.requestStats.read(tenantId),
  ]);
  const rate = (c: { requests: number; errors: number }) => ({ ...c, errorRate: c.requests ? c.errors / c.requests : null });
  return {
    now: now.toISOString(),
    domains: domains.map((d) => ({
      id: d.id, hostname: d.hostname, status: d.status, isPrimary: d.isPrimary, tlsStatus: d.tlsStatus,
      tlsDaysLeft: d.tlsNotAfter ? Math.floor((d.tlsNotAfter.getTime() - now.getTime()) / DAY_MS) : null,
    })),
    orders: { lastAt: orders.lastOrderAt?.toISOString() ?? null, lastStatus: orders.lastOrderStatus, last24h: orders.last24h },
    requests: { thisHour: rate(requests.thisHour), last24h: rate(requests.last24h) },
  };
}

export type TenantHealth = Awaited<ReturnType<typeof loadTenantHealth>>;
