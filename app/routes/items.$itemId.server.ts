import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { publicItem } from "#server/catalog/index.ts";
import { priceLabel } from "#app/components/storefront/money.ts";
import { escrowForItem } from "#app/utils/escrow-promise.server.ts";
import { asHttpError, availabilityOf, cardOf, notFound, requireShop } from "#app/utils/storefront.server.ts";

const RELATED = 4;

/** The item page: the item itself (awaited, first paint) and "more from the shop" (streamed after it). */
export async function loadItemPage(context: AppLoadContext, itemId: string) {
  const tenant = requireShop(context);
  const id = z.uuid().safeParse(itemId);
  if (!id.success) throw notFound();
  const { catalog } = context.services;
  const item = publicItem(await catalog.get(tenant.id, id.data, { forBuyers: true }).catch(asHttpError), tenant.currency);
  const others = async (category?: string) =>
    (await catalog.list(tenant.id, { category, limit: RELATED + 1, status: "active" }, { forBuyers: true })).items.filter((i) => i.id !== item.id);
  const escrow = escrowForItem(context, tenant.id, item);
  // Same category first, topped up from the newest items.
  const related = (async () => {
    const same = item.category ? await others(item.category) : [];
    const more = same.length < RELATED ? (await others()).filter((i) => !same.some((s) => s.id === i.id)) : [];
    return [...same, ...more].slice(0, RELATED).map((i) => cardOf(i, tenant.currency));
  })();
  return {
    item: {
      id: item.id,
      title: item.title,
      description: item.description,
      category: item.category,
      kind: item.kind,
      price: item.price,
      currency: item.currency,
      priceLabel: priceLabel(item.price, item.currency),
      maxQuantity: item.maxQuantity,
      availability: availabilityOf(item),
      images: item.images.map((i) => ({ url: i.url, alt: i.alt ?? "" })),
    },
    escrow: await escrow,
    related,
  };
}
