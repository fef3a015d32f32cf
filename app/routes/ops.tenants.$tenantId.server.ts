/** Server side of the console's tenant page: the shop's record, its members grouped by user, its payment policy. */
import type { PrismaClient } from "@prisma/client";

export async function loadTenantRecord(prisma: PrismaClient, tenantId: string) {
  const tenant = await prisma.tenant.findUnique({
    where: { id: tenantId },
    select: {
      id: true, slug: true, displayName: true, type: true, status: true, statusReason: true, currency: true,
      createdAt: true, updatedAt: true, announcementLimitLiftedUntil: true,
      owner: { select: { id: true, email: true, emailVerifiedAt: true } },
      roles: { select: { role: true, user: { select: { id: true, email: true, displayName: true } } }, orderBy: { createdAt: "asc" }, take: 200 },
      paymentPolicy: {
        select: { allowedRails: true, defaultRail: true, escrowRequiredAboveAmount: true, escrowRequiredForCategories: true, buyerDisclosureMode: true },
      },
    },
  });
  if (!tenant) return null;

  const members = new Map<string, { userId: string; email: string; displayName: string | null; roles: string[] }>();
  for (const r of tenant.roles) {
    const m = members.get(r.user.id) ?? { userId: r.user.id, email: r.user.email, displayName: r.user.displayName, roles: [] };
    m.roles.push(r.role);
    members.set(r.user.id, m);
  }
  const policy = tenant.paymentPolicy;
  return {
    tenant: {
      id: tenant.id,
      slug: tenant.slug,
      displayName: tenant.displayName,
      type: tenant.type,
      status: tenant.status,
      statusReason: tenant.statusReason,
      currency: tenant.currency,
      createdAt: tenant.createdAt.toISOString(),
      updatedAt: tenant.updatedAt.toISOString(),
      announcementLimitLiftedUntil: tenant.announcementLimitLiftedUntil?.toISOString() ?? null,
      // Activation shows whether the owner has confirmed their email (ADR 030).
      owner: tenant.owner ? { id: tenant.owner.id, email: tenant.owner.email, emailVerified: tenant.owner.emailVerifiedAt !== null } : null,
    },
    members: [...members.values()],
    policy: policy
      ? {
          allowedRails: policy.allowedRails,
          defaultRail: policy.defaultRail,
          escrowRequiredAbove: policy.escrowRequiredAboveAmount?.toString() ?? null,
          escrowRequiredForCategories: policy.escrowRequiredForCategories,
          buyerDisclosureMode: policy.buyerDisclosureMode,
        }
      : null,
  };
}

export type TenantRecord = NonNullable<Awaited<ReturnType<typeof loadTenantRecord>>>;
