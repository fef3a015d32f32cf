import type { ResolvedTenant } from "./resolver.ts";

/** TEN-8: the public bootstrap payload. Exactly these fields: no owner ids, secrets or member data. */
export function buildBootstrapPayload(tenant: ResolvedTenant) {
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    brand: tenant.brand,
    features: tenant.features,
    paymentRails: tenant.paymentRails,
    localeDefaults: tenant.localeDefaults,
    primaryHost: tenant.primaryHost,
  };
}
