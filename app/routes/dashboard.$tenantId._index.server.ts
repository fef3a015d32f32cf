/** Server side of the dashboard's overview: the shop, its policy and what the setup checklist counts. */
import type { PrismaClient } from "@prisma/client";

export async function loadOverview(prisma: PrismaClient, tenantId: string) {
  const [tenant, policy, members, openInvitations, firstItem] = await Promise.all([
    prisma.tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: { slug: true, displayName: true, type: true, status: true, statusReason: true, brand: true, currency: true, createdAt: true, updatedAt: true },
    }),
    prisma.tenantPaymentPolicy.findUnique({ where: { tenantId }, select: { version: true, allowedRails: true, defaultRail: true, payoutAddress: true } }),
    prisma.tenantUserRole.findMany({ where: { tenantId }, select: { userId: true }, distinct: ["userId"], take: 100 }),
    prisma.tenantInvitation.count({ where: { tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } } }),
    prisma.catalogItem.findFirst({ where: { tenantId }, select: { id: true } }),
  ]);
  return { tenant, policy, members, openInvitations, firstItem };
}
