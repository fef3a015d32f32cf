/**
 * Shared loader helpers for the buyer-facing storefront routes. They call the catalog service directly (never our
 * own HTTP API) and shape items through publicItem(), so pages see exactly what the public JSON shows.
 */
import type { AppLoadContext } from "@remix-run/node";
import { publicItem, type PresentedItem } from "#server/catalog/index.ts";
import { ApiError } from "#server/http/index.ts";
import type { ResolvedTenant } from "#server/tenancy/index.ts";
import { priceLabel } from "#app/components/storefront/money.ts";
import type { ShopInfo } from "#app/components/storefront/shop.ts";
import { escrowByDefault } from "./escrow-promise.server.ts";

export const CATALOG_PAGE_SIZE = 12;
/** Stock at or below this shows "Only N left". */
const LOW_STOCK = 5;

export const notFound = () => new Response("Not found", { status: 404 });

/** Storefront pages exist on shop hosts only; on the platform host they are plain 404s. */
export function requireShop(context: AppLoadContext): ResolvedTenant {
  if (!context.tenant) throw notFound();
  return context.tenant;
}

export function shopInfo(context: AppLoadContext, tenant: ResolvedTenant): ShopInfo {
  return {
    name: tenant.brand.displayName ?? tenant.displayName,
    tagline: tenant.brand.tagline ?? null,
    logoUrl: tenant.brand.logoUrl ?? null,
    supportEmail: tenant.brand.supportEmail ?? null,
    hidePlatformBadge: tenant.brand.hidePlatformBadge ?? false,
    primaryHost: tenant.primaryHost,
    acceptingOrders: tenant.acceptingOrders,
    escrowByDefault: escrowByDefault(context, { allowedRails: tenant.paymentRails, defaultRail: tenant.defaultRail, currency: tenant.currency, payoutAddress: tenant.payoutAddress }),
  };
}

/** Typed service errors a buyer can cause become plain HTTP answers for the route's error boundary. */
export function asHttpError(err: unknown): never {
  if (err instanceof ApiError && err.status === 404) throw notFound();
  if (err instanceof ApiError && err.status === 400) throw new Response(err.message, { status: 400 });
  throw err;
}

export type BuyerItem = ReturnType<typeof publicItem>;

export function availabilityOf(item: Pick<BuyerItem, "inStock" | "maxQuantity">) {
  if (!item.inStock) return { status: "sold_out" as const, left: 0 };
  if (item.maxQuantity !== null && item.maxQuantity <= LOW_STOCK) return { status: "low" as const, left: item.maxQuantity };
  return { status: "in_stock" as const, left: null };
}

/** A product card: only what the grid shows. */
export function cardOf(item: PresentedItem, currency: string) {
  const p = publicItem(item, currency);
  const image = p.images[0];
  return {
    id: p.id,
    slug: p.slug,
    title: p.title,
    category: p.category,
    kind: p.kind,
    priceLabel: priceLabel(p.price, currency),
    compareAtLabel: p.compareAtPrice ? priceLabel(p.compareAtPrice, currency) : null,
    image: image ? { url: image.url, alt: image.alt ?? "" } : null,
    availability: availabilityOf(p),
  };
}
export type CatalogCard = ReturnType<typeof cardOf>;

/** ?q=&category=&cursor= of a catalog page, normalised: blanks dropped, over-long input cut to the API's limits. */
export function catalogParams(url: URL) {
  const text = (name: string, max: number) => url.searchParams.get(name)?.trim().slice(0, max) || null;
  return { q: text("q", 100), category: text("category", 60), cursor: text("cursor", 200) };
}
export type CatalogParams = ReturnType<typeof catalogParams>;

/** One catalog page and the category filter, queried in parallel (both are needed for first paint). */
export async function loadCatalogPage(context: AppLoadContext, url: URL) {
  return loadCatalogOf(context, requireShop(context), url);
}

/** The same page for a shop named by the caller (the platform host's preview, where no shop is on the host). */
export async function loadCatalogOf(context: AppLoadContext, tenant: { id: string; currency: string }, url: URL) {
  const params = catalogParams(url);
  const { catalog } = context.services;
  const [page, categories] = await Promise.all([
    catalog
      .list(
        tenant.id,
        { q: params.q ?? undefined, category: params.category ?? undefined, cursor: params.cursor ?? undefined, limit: CATALOG_PAGE_SIZE, status: "active" },
        { forBuyers: true },
      )
      .catch(asHttpError),
    catalog.categories(tenant.id, { forBuyers: true }),
  ]);
  return {
    params,
    categories,
    items: page.items.map((i) => cardOf(i, tenant.currency)),
    nextCursor: page.nextCursor,
  };
}
export type CatalogPage = Awaited<ReturnType<typeof loadCatalogPage>>;
