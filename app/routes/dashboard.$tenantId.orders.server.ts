/**
 * Server side of the Orders tab: who may read and act on orders (server/api/orders.ts and docs/product.md), and the
 * list page's query and rows as the browser gets them.
 */
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { orderListQuerySchema } from "#server/money/index.ts";
import { rethrowAsResponse } from "#app/utils/api-error.server.ts";

export const ORDERS_PAGE_SIZE = 25;

// The API's query shape; a hand-edited bad value is dropped instead of failing the page.
const pageQuerySchema = orderListQuerySchema.extend({
  status: orderListQuerySchema.shape.status.catch(undefined),
  rail: orderListQuerySchema.shape.rail.catch(undefined),
  email: z.string().trim().toLowerCase().min(1).max(254).optional().catch(undefined),
  before: orderListQuerySchema.shape.before.catch(undefined),
  limit: z.literal(ORDERS_PAGE_SIZE).catch(ORDERS_PAGE_SIZE).default(ORDERS_PAGE_SIZE),
});

export async function loadOrderList(context: AppLoadContext, tenantId: string, search: URLSearchParams) {
  const query = pageQuerySchema.parse(Object.fromEntries([...search].filter(([, v]) => v !== "")));
  const page = await context.services.money.listOrders(tenantId, query).catch(rethrowAsResponse);
  return {
    filters: { status: query.status ?? "", rail: query.rail ?? "", email: query.email ?? "", before: query.before ?? null },
    orders: page.items.map((o) => ({
      id: o.id,
      status: o.status,
      rail: o.rail,
      total: o.total,
      shipping: o.shippingAmount,
      tax: o.taxAmount,
      taxIncluded: o.pricesIncludeTax,
      currency: o.currency,
      email: o.guestEmail,
      lineCount: o.lineCount,
      createdAt: o.createdAt.toISOString(),
    })),
    nextBefore: page.nextBefore,
  };
}
