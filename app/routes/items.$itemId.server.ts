import { redirect, type AppLoadContext } from "@remix-run/node";
import { itemPath } from "#app/components/storefront/item-path.ts";
import { publicItem } from "#server/catalog/index.ts";
import { priceLabel } from "#app/components/storefront/money.ts";
import { escrowForItem } from "#app/utils/escrow-promise.server.ts";
import { availabilityOf, cardOf, notFound, requireShop } from "#app/utils/storefront.server.ts";

const RELATED = 4;

/**
 * The item page: the item itself (awaited, first paint) and "more from the shop" (streamed after it). `urlPart` is
 * the slug; an old one or the item's id (links from before readable URLs) answers 301 to the current slug, keeping
 * the query string. Only this shop's items are looked at, so another shop's slug is a 404.
 */
export async function loadItemPage(context: AppLoadContext, urlPart: string, search = "") {
  const tenant = requireShop(context);
  if (!urlPart || urlPart.length > 320) throw notFound();
  const { catalog } = context.services;
  const found = await catalog.resolveForBuyers(tenant.id, urlPart);
  if (!found) throw notFound();
  if (found.redirect !== undefined) throw redirect(`${itemPath(found.redirect)}${search}`, 301);
  const item = publicItem(found.item, tenant.currency);
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
      slug: item.slug,
      price: item.price,
      currency: item.currency,
      priceLabel: priceLabel(item.price, item.currency),
      compareAtLabel: item.compareAtPrice ? priceLabel(item.compareAtPrice, item.currency) : null,
      seoTitle: item.seoTitle,
      seoDescription: item.seoDescription,
      maxQuantity: item.maxQuantity,
      availability: availabilityOf(item),
      images: item.images.map((i) => ({ url: i.url, alt: i.alt ?? "" })),
    },
    escrow: await escrow,
    related,
  };
}
