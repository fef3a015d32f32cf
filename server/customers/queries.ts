/**
 * The Customers list and profile (G14-1, G14-2). Every query carries the tenant floor; emails are masked for members
 * without `customers.contact` (support, developers, operators). There is no export: the list pages 50 at a time.
 */
import type { Prisma } from "@prisma/client";
import { inTenant, type ScopedDb, type TenantScope } from "#server/db/index.ts";
import { CUSTOMERS_PER_PAGE, maskEmail, type CustomerFilter, type CustomerListQuery } from "./shared.ts";

const dayStart = (d: string) => new Date(`${d}T00:00:00Z`);
const dayEnd = (d: string) => new Date(dayStart(d).getTime() + 86_400_000);
const range = (from?: string, to?: string) =>
  from || to ? { ...(from ? { gte: dayStart(from) } : {}), ...(to ? { lt: dayEnd(to) } : {}) } : undefined;
const between = <T>(min?: T, max?: T) =>
  min !== undefined || max !== undefined ? { ...(min !== undefined ? { gte: min } : {}), ...(max !== undefined ? { lte: max } : {}) } : undefined;

/** The filter as a Prisma `where` (without the tenant floor, which callers add with inTenant). */
export function customerWhere(f: CustomerFilter): Prisma.CustomerWhereInput {
  return {
    firstOrderAt: range(f.firstOrderFrom, f.firstOrderTo),
    lastOrderAt: range(f.lastOrderFrom, f.lastOrderTo),
    ordersCount: between(f.minOrders, f.maxOrders),
    totalSpent: between(f.minSpent, f.maxSpent),
    ...(f.telegram ? { telegramUserId: f.telegram === "yes" ? { not: null } : null } : {}),
    ...(f.optedIn ? { marketingOptIn: f.optedIn === "yes" } : {}),
  };
}

const ORDER_BY = {
  first_order: "firstOrderAt", orders: "ordersCount", spent: "totalSpent", last_order: "lastOrderAt",
} as const satisfies Record<CustomerListQuery["sort"], keyof Prisma.CustomerOrderByWithRelationInput>;

const LIST_SELECT = {
  id: true, email: true, telegramUserId: true, firstOrderAt: true, lastOrderAt: true, ordersCount: true, paidOrdersCount: true,
  totalSpent: true, marketingOptIn: true,
} as const;

export interface CustomerRow {
  id: string;
  email: string;
  telegramLinked: boolean;
  firstOrderAt: string;
  lastOrderAt: string;
  ordersCount: number;
  paidOrdersCount: number;
  totalSpent: string;
  marketingOptIn: boolean;
}

type Selected = Prisma.CustomerGetPayload<{ select: typeof LIST_SELECT }>;
const toRow = (c: Selected, reveal: boolean): CustomerRow => ({
  id: c.id, email: reveal ? c.email : maskEmail(c.email), telegramLinked: c.telegramUserId !== null,
  firstOrderAt: c.firstOrderAt.toISOString(), lastOrderAt: c.lastOrderAt.toISOString(), ordersCount: c.ordersCount,
  paidOrdersCount: c.paidOrdersCount, totalSpent: c.totalSpent.toFixed(2), marketingOptIn: c.marketingOptIn,
});

export async function listCustomers(prisma: ScopedDb, scope: TenantScope, q: CustomerListQuery, reveal: boolean) {
  const where = inTenant(scope, customerWhere(q));
  const [rows, total, tenant] = await Promise.all([
    prisma.customer.findMany({
      where, select: LIST_SELECT, orderBy: [{ [ORDER_BY[q.sort]]: q.dir }, { id: "asc" }],
      skip: (q.page - 1) * CUSTOMERS_PER_PAGE, take: CUSTOMERS_PER_PAGE,
    }),
    prisma.customer.count({ where }),
    prisma.tenant.findUniqueOrThrow({ where: { id: scope.tenantId }, select: { currency: true } }),
  ]);
  return { items: rows.map((r) => toRow(r, reveal)), total, page: q.page, perPage: CUSTOMERS_PER_PAGE, currency: tenant.currency };
}

/** One customer with their orders in this shop (newest first, at most 100) and lifetime spend; null if not this shop's. */
export async function customerProfile(prisma: ScopedDb, scope: TenantScope, customerId: string, reveal: boolean) {
  const c = await prisma.customer.findUnique({
    where: { tenantId_id: { tenantId: scope.tenantId, id: customerId } },
    select: { ...LIST_SELECT, emailKey: true, optedInAt: true, optedOutAt: true, tenant: { select: { currency: true } } },
  });
  if (!c) return null;
  const orders = await prisma.$queryRaw<{ id: string; status: string; total: string; currency: string; created_at: Date; paid_at: Date | null }[]>`
    SELECT id::text, status::text, round(total, 2)::text AS total, currency, created_at, paid_at FROM orders
    WHERE tenant_id = ${scope.tenantId}::uuid AND lower(guest_email) = ${c.emailKey}
    ORDER BY created_at DESC LIMIT 100`;
  return {
    ...toRow(c, reveal), currency: c.tenant.currency,
    optedInAt: c.optedInAt?.toISOString() ?? null, optedOutAt: c.optedOutAt?.toISOString() ?? null,
    orders: orders.map((o) => ({
      id: o.id, status: o.status, total: o.total, currency: o.currency, createdAt: o.created_at.toISOString(), paidAt: o.paid_at?.toISOString() ?? null,
    })),
  };
}
