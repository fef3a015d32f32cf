import type { ResolvedTenant } from "./resolver.ts";

/** What the storefront needs to know before it draws anything, derived from the shop's policy and settings. */
export interface StorefrontFeatures {
  /** Whether checkout takes new orders: an active shop that is not paused (pending and suspended shops never reach the storefront). */
  acceptingOrders: boolean;
  /** The rails a buyer can pay with now: the policy's, less those this deployment cannot take for this shop. */
  rails: string[];
  /** Whether the shop's bot is active with a Mini App, so "Open in Telegram" can be offered. */
  miniApp: boolean;
  /** The manifest's feature flags (booleans only), under their own names. */
  flags: Record<string, boolean>;
}

export function storefrontFeatures(tenant: ResolvedTenant, facts: { offeredRails: string[]; miniApp: boolean }): StorefrontFeatures {
  const flags = Object.fromEntries(Object.entries(tenant.features).filter((e): e is [string, boolean] => typeof e[1] === "boolean"));
  return { acceptingOrders: tenant.status === "active" && tenant.acceptingOrders, rails: facts.offeredRails, miniApp: facts.miniApp, flags };
}

/** TEN-8: the public bootstrap payload. Exactly these fields: no owner ids, secrets or member data. */
export function buildBootstrapPayload(tenant: ResolvedTenant, features: StorefrontFeatures) {
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    brand: tenant.brand,
    features,
    paymentRails: tenant.paymentRails,
    localeDefaults: tenant.localeDefaults,
    primaryHost: tenant.primaryHost,
  };
}
