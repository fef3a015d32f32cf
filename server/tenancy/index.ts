export { TenantResolver, publishTenancyChange, TENANCY_CHANNEL, type ResolvedTenant, type Resolution } from "./resolver.ts";
export * from "./shared.ts";
export { buildBootstrapPayload, storefrontFeatures, type StorefrontFeatures } from "./bootstrap.ts";
export { manifestSchema, applyManifest, exportManifest, slugSchema, type TenantManifest } from "./manifest.ts";
export { TenantLifecycle, tenantCreateSchema, tenantPatchSchema, transitionSchema, slugProblem, tenantSelect, type Transition } from "./lifecycle.ts";
export { getPaymentPolicy, putPaymentPolicy } from "./policy.ts";
export { listTenants, tenantListQuerySchema, type TenantListQuery } from "./queries.ts";
export { exportTenantData, tenantOwnedTables, type TenantDataExport, type TenantOwnedTable } from "./data-export.ts";
export { setAcceptingOrders, acceptingOrders, type PauseSource } from "./accepting-orders.ts";
