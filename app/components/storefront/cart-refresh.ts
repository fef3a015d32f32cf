/**
 * Brings the stored cart up to date with the shop before the buyer sees totals: fresh title, price and stock for
 * every line from the public storefront API, quantities clamped, lines whose item is gone or sold out dropped.
 */
import { useEffect, useRef, useState } from "react";
import { addItemId, clampQuantity, readCart, writeCart, type CartLine } from "./cart.ts";
import { formatPrice, toMinorUnits } from "./money.ts";

interface PublicItem {
  id: string;
  slug: string;
  title: string;
  price: string;
  currency: string;
  inStock: boolean;
  maxQuantity: number | null;
  images: { url: string; alt: string | null }[];
}

type Lookup = { itemId: string; item: PublicItem } | { itemId: string; gone: true } | { itemId: string; failed: true };

async function lookUp(itemId: string): Promise<Lookup> {
  try {
    const res = await fetch(`/api/storefront/items/${encodeURIComponent(itemId)}`, { headers: { Accept: "application/json" } });
    if (res.status === 404) return { itemId, gone: true };
    if (!res.ok) return { itemId, failed: true };
    const body = (await res.json()) as { data: PublicItem };
    return { itemId, item: body.data };
  } catch {
    return { itemId, failed: true };
  }
}

function samePrice(a: string, b: string) {
  const scale = Math.max(a.split(".")[1]?.length ?? 0, b.split(".")[1]?.length ?? 0);
  return toMinorUnits(a, scale) === toMinorUnits(b, scale);
}

export type RefreshState = { status: "checking" | "done"; notices: string[]; failed: boolean };

export function applyLookups(lines: CartLine[], lookups: Lookup[]) {
  const notices: string[] = [];
  let failed = false;
  const next: CartLine[] = [];
  for (const line of lines) {
    const found = lookups.find((l) => l.itemId === line.itemId);
    const name = line.title ?? "An item";
    if (!found || "failed" in found) {
      failed = failed || Boolean(found);
      next.push(line);
    } else if ("gone" in found) {
      notices.push(`${name} is no longer available and was removed from your cart.`);
    } else if (!found.item.inStock) {
      notices.push(`${found.item.title} is sold out and was removed from your cart.`);
    } else {
      const { item } = found;
      const quantity = clampQuantity(line.quantity, item.maxQuantity);
      if (line.price !== null && line.currency === item.currency && !samePrice(line.price, item.price)) {
        notices.push(`The price of ${item.title} changed from ${formatPrice(line.price, item.currency)} to ${formatPrice(item.price, item.currency)}.`);
      }
      if (quantity < line.quantity) {
        notices.push(`Only ${item.maxQuantity} of ${item.title} ${item.maxQuantity === 1 ? "is" : "are"} available, so your cart now holds ${quantity}.`);
      }
      const image = item.images[0];
      next.push({ itemId: item.id, quantity, title: item.title, price: item.price, currency: item.currency, imageUrl: image?.url ?? null, imageAlt: image?.alt ?? null, maxQuantity: item.maxQuantity, slug: item.slug });
    }
  }
  return { lines: next, notices, failed };
}

/**
 * Runs once per visit of the cart page, after hydration. `pending` is a plain-form add (/cart?add=…) to apply
 * first; `onPendingApplied` lets the page drop it from the URL so a reload does not add it again.
 */
export function useCartRefresh(pending: { itemId: string; quantity: number } | null, onPendingApplied: () => void): RefreshState {
  const [state, setState] = useState<RefreshState>({ status: "checking", notices: [], failed: false });
  const applied = useRef(false);
  useEffect(() => {
    let cancelled = false;
    if (pending && !applied.current) {
      applied.current = true;
      addItemId(pending.itemId, pending.quantity);
      onPendingApplied();
    }
    const ids = readCart().map((l) => l.itemId);
    Promise.all(ids.map(lookUp)).then((lookups) => {
      if (cancelled) return;
      // Apply to the cart as it is now: the buyer may have changed a quantity while we were asking.
      const { lines, notices, failed } = applyLookups(readCart(), lookups);
      writeCart(lines);
      setState({ status: "done", notices, failed });
    });
    return () => {
      cancelled = true;
    };
    // Once per page visit: later changes to `pending` are the URL clean-up above.
  }, []);
  return state;
}
