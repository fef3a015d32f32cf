/** Read models for tenant lists: the operator's table (all tenants, filtered) and a user's own shops. */
import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";

export const tenantListQuerySchema = z.object({
  status: z.enum(["pending", "active", "suspended", "closed"]).optional(),
  type: z.enum(["hosted_seller", "white_label", "isolated", "enterprise"]).optional(),
  q: z.string().trim().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type TenantListQuery = z.infer<typeof tenantListQuerySchema>;

const listSelect = { id: true, slug: true, displayName: true, type: true, status: true, statusReason: true, createdAt: true, updatedAt: true } as const;

/** Tenants visible to a caller: all for an operator, otherwise those the user holds a role in. */
export async function listTenants(prisma: PrismaClient, viewer: { userId: string; isOperator: boolean }, query: TenantListQuery) {
  const where: Prisma.TenantWhereInput = {
    ...(viewer.isOperator ? {} : { roles: { some: { userId: viewer.userId } } }),
    ...(query.status ? { status: query.status } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(query.q
      ? { OR: [{ slug: { contains: query.q.toLowerCase() } }, { displayName: { contains: query.q, mode: "insensitive" as const } }] }
      : {}),
  };
  const [total, items] = await Promise.all([
    prisma.tenant.count({ where }),
    prisma.tenant.findMany({
      where,
      select: { ...listSelect, owner: { select: { email: true } } },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    }),
  ]);
  return { items, total, page: query.page, pageCount: Math.max(1, Math.ceil(total / query.limit)) };
}
