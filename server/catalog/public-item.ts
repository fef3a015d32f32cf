import type { PresentedItem } from "./service.ts";

/** What buyers may see of an item: no archive dates, versions or internal flags; stock only as availability. */
export function publicItem(item: PresentedItem, currency: string) {
  return {
    id: item.id,
    title: item.title,
    description: item.description,
    price: item.price,
    // The "was" price, struck through next to the price; null when not set.
    compareAtPrice: item.compareAtPrice,
    currency,
    slug: item.slug,
    seoTitle: item.seoTitle,
    seoDescription: item.seoDescription,
    category: item.category,
    kind: item.kind,
    inStock: item.stock === null || item.stock > 0,
    // The most a buyer can put in the cart; null means no limit.
    maxQuantity: item.stock,
    images: item.images.map((i) => ({ url: i.url, alt: i.alt })),
  };
}
