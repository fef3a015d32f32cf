/** Server side of the dashboard's brand page: the stored brand and the version the form saves against (CAS). */
import type { PrismaClient } from "@prisma/client";
import type { Brand } from "#server/tenancy/shared.ts";

export async function loadBrandSettings(prisma: PrismaClient, tenantId: string) {
  const tenant = await prisma.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { slug: true, displayName: true, brand: true, timeZone: true, version: true },
  });
  return { ...tenant, brand: (tenant.brand ?? {}) as Partial<Brand> };
}
