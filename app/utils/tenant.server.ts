/** The tenancy functions dashboard and console loaders call; route modules import server entries through here. */
import type { PrismaClient } from "@prisma/client";

export { getPaymentPolicy, putPaymentPolicy, listTenants, slugProblem, tenantListQuerySchema, type TenantListQuery } from "#server/tenancy/index.ts";

/** The shop's currency, which the dashboard's price fields and amounts are shown in. */
export async function tenantCurrency(prisma: PrismaClient, tenantId: string) {
  const { currency } = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { currency: true } });
  return currency;
}
