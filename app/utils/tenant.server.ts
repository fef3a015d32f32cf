/** The tenancy functions dashboard and console loaders call; route modules import server entries through here. */
export { getPaymentPolicy, putPaymentPolicy, listTenants, slugProblem, tenantListQuerySchema, type TenantListQuery } from "#server/tenancy/index.ts";
