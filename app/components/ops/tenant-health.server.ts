/**
 * OPS-1 per-shop health for the operator's tenant page: domains with their certificate's days left, the latest order
 * and the last day's orders, and the requests this shop was served with the 5xx among them (all instances).
 */
import type { Services } from "#server/services.ts";
import { TLS_WARNING_DAYS } from "#server/edge/index.ts";

export async function loadTenantHealth(services: Services, tenantId: string, now = new Date()) {
  const [domains, orders, requests] = await Promise.all([
    services.domains.list(tenantId),
    services.money.orderActivity(tenantId),
    services.requestStats.read(tenantId),
  ]);
  const rate = (c: { requests: number; errors: number }) => ({ ...c, errorRate: c.requests ? c.errors / c.requests : null });
  return {
    now: now.toISOString(),
    tlsWarningDays: TLS_WARNING_DAYS,
    // The domain service's own view (days left is null for the internal CA's self-renewing 12-hour certificates).
    domains: domains.map((d) => ({
      id: d.id, hostname: d.hostname, status: d.status, isPrimary: d.isPrimary, tlsStatus: d.tls.status, tlsDaysLeft: d.tls.daysLeft,
      tlsEndingSoon: d.tls.daysLeft !== null && d.tls.daysLeft < TLS_WARNING_DAYS,
    })),
    orders: { lastAt: orders.lastOrderAt?.toISOString() ?? null, lastStatus: orders.lastOrderStatus, last24h: orders.last24h },
    requests: { thisHour: rate(requests.thisHour), last24h: rate(requests.last24h) },
  };
}

export type TenantHealth = Awaited<ReturnType<typeof loadTenantHealth>>;
