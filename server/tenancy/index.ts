export { normalizeHost, classifyHost, isIpLiteral } from "./host.ts";
export { TenantResolver, publishTenancyChange, TENANCY_CHANNEL, type ResolvedTenant, type Resolution } from "./resolver.ts";
export { brandSchema, brandCssVariables, readableForeground, contrastRatio, type Brand } from "./brand.ts";
export { buildBootstrapPayload } from "./bootstrap.ts";
export { manifestSchema, applyManifest, exportManifest, slugSchema, type TenantManifest } from "./manifest.ts";
export { TenantLifecycle, tenantCreateSchema, tenantPatchSchema, transitionSchema, slugProblem, tenantSelect, type Transition } from "./lifecycle.ts";
export { getPaymentPolicy, putPaymentPolicy, paymentPolicySchema, PAYMENT_RAILS, type PaymentPolicyInput } from "./policy.ts";
export { listTenants, tenantListQuerySchema, type TenantListQuery } from "./queries.ts";
export { exportTenantData, type TenantDataExport } from "./data-export.ts";
