import type { PrismaClient } from "@prisma/client";

/** How many items a shop has in each list the dashboard offers (the same filters as CatalogService.list). */
export async function countItemsByStatus(prisma: PrismaClient, tenantId: string) {
  const [active, inactive, archived] = await Promise.all([
    prisma.catalogItem.count({ where: { tenantId, active: true, archivedAt: null } }),
    prisma.catalogItem.count({ where: { tenantId, active: false, archivedAt: null } }),
    prisma.catalogItem.count({ where: { tenantId, archivedAt: { not: null } } }),
  ]);
  return { active, inactive, archived };
}
