/** Server side of the dashboard's catalog list: one page of items shaped for the table, with the tab counts. */
import type { AppLoadContext, SerializeFrom } from "@remix-run/node";
import { formatAmount, type CatalogQuery } from "#server/catalog/shared.ts";
import { rethrowAsResponse } from "#app/utils/api-error.server.ts";
import { tenantCurrency } from "#app/utils/tenant.server.ts";
import { countItemsByStatus } from "#app/components/catalog/counts.server.ts";
import { dashboardMediaUrl } from "#app/components/catalog/media.ts";

export async function loadCatalogList(services: AppLoadContext["services"], tenantId: string, query: CatalogQuery) {
  const { catalog, prisma } = services;
  const [page, currency, categories, counts] = await Promise.all([
    catalog.list(tenantId, query, { forBuyers: false }).catch(rethrowAsResponse),
    tenantCurrency(prisma, tenantId),
    catalog.categories(tenantId, { forBuyers: false }),
    countItemsByStatus(prisma, tenantId),
  ]);
  return {
    query: { q: query.q ?? "", category: query.category ?? "", status: query.status, cursor: query.cursor ?? null },
    items: page.items.map((i) => ({
      id: i.id,
      title: i.title,
      // Still the decimal string, padded to the currency's digits ("12.5" → "12.50" in USD).
      price: formatAmount(i.price, currency),
      category: i.category,
      kind: i.kind,
      stock: i.stock,
      active: i.active,
      archivedAt: i.archivedAt?.toISOString() ?? null,
      version: i.version,
      thumb: dashboardMediaUrl(tenantId, i.images[0]?.url),
    })),
    nextCursor: page.nextCursor,
    currency,
    categories,
    counts,
  };
}

/** The list as the page receives it (JSON). */
export type CatalogListData = SerializeFrom<typeof loadCatalogList>;
