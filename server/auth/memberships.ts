import type { PrismaClient } from "@prisma/client";

/** The shops a user belongs to, each with the user's roles there (the dashboard switcher and GET /api/auth/me). */
export async function listMemberships(prisma: PrismaClient, userId: string) {
  const rows = await prisma.tenantUserRole.findMany({
    where: { userId },
    select: { role: true, tenant: { select: { id: true, slug: true, displayName: true, status: true, createdAt: true } } },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  const shops = new Map<string, { id: string; slug: string; displayName: string; status: string; createdAt: Date; roles: string[] }>();
  for (const r of rows) {
    const shop = shops.get(r.tenant.id) ?? { ...r.tenant, roles: [] };
    shop.roles.push(r.role);
    shops.set(shop.id, shop);
  }
  return [...shops.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
