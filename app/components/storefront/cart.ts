/**
 * The buyer's cart (CAT-2): client-side only, persisted in localStorage under a per-host key, so every shop keeps
 * its own cart. Lines carry a snapshot (title, price) for a fast first paint; the cart page refreshes them from
 * the public storefront API before showing totals.
 */
import { useSyncExternalStore } from "react";
import { z } from "zod";

/** Upper bound per line when the item has unlimited stock. */
export const MAX_LINE_QUANTITY = 99;

const cartLineSchema = z.object({
  itemId: z.uuid(),
  quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
  // Snapshot from the item page; null when the line came from a no-JS "add" link and has not been refreshed yet.
  title: z.string().max(200).nullable().default(null),
  price: z.string().regex(/^\d+(\.\d+)?$/).nullable().default(null),
  currency: z.string().max(10).nullable().default(null),
  imageUrl: z.string().max(2048).nullable().default(null),
  imageAlt: z.string().max(500).nullable().default(null),
  maxQuantity: z.number().int().min(0).nullable().default(null),
  // The item's readable URL part (ADR 037); lines stored before slugs link by id, which redirects.
  slug: z.string().max(320).nullable().default(null),
});
export type CartLine = z.infer<typeof cartLineSchema>;
const MAX_LINES = 100;
const storedCartSchema = z.object({ lines: z.array(z.unknown()) });

export const cartKey = (host: string) => `cart:v1:${host}`;

/** The most of an item one line may hold: its stock when limited, else MAX_LINE_QUANTITY. */
export function lineLimit(maxQuantity: number | null) {
  return maxQuantity === null ? MAX_LINE_QUANTITY : Math.min(maxQuantity, MAX_LINE_QUANTITY);
}

export function clampQuantity(quantity: number, maxQuantity: number | null) {
  const q = Number.isFinite(quantity) ? Math.trunc(quantity) : 1;
  return Math.max(1, Math.min(q, lineLimit(maxQuantity)));
}

const listeners = new Set<() => void>();
let cached: { raw: string | null; lines: CartLine[] } | null = null;
const EMPTY: CartLine[] = [];

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // Storage disabled (privacy mode, sandboxed frame): the cart just does not persist.
  }
}

/** The current lines; a stable array between changes (useSyncExternalStore compares by identity). */
export function readCart(): CartLine[] {
  const raw = storage()?.getItem(cartKey(window.location.host)) ?? null;
  if (cached && cached.raw === raw) return cached.lines;
  let lines = EMPTY;
  if (raw) {
    try {
      // Line by line: one unreadable line (an older format, a hand edit) must not empty the whole cart.
      const stored = storedCartSchema.safeParse(JSON.parse(raw));
      if (stored.success) lines = stored.data.lines.slice(0, MAX_LINES).flatMap((l) => cartLineSchema.safeParse(l).data ?? []);
    } catch {
      lines = EMPTY; // A corrupt entry is dropped, not fatal.
    }
  }
  cached = { raw, lines };
  return lines;
}

export function writeCart(lines: CartLine[]) {
  const key = cartKey(window.location.host);
  if (lines.length === 0) storage()?.removeItem(key);
  else storage()?.setItem(key, JSON.stringify({ lines }));
  listeners.forEach((l) => l());
}

/**
 * Adds `quantity` of an item (merging with an existing line), clamped to what the shop can sell. Returns the line
 * and how many were really added, which is fewer than asked (even 0) when the line reached its limit.
 */
export function addToCart(line: Omit<CartLine, "quantity">, quantity: number) {
  const lines = readCart();
  const existing = lines.find((l) => l.itemId === line.itemId);
  const before = existing?.quantity ?? 0;
  const merged: CartLine = { ...existing, ...line, quantity: clampQuantity(before + quantity, line.maxQuantity) };
  writeCart(existing ? lines.map((l) => (l.itemId === line.itemId ? merged : l)) : [...lines, merged]);
  return { line: merged, added: Math.max(0, merged.quantity - before) };
}

/** A line from a plain-form "add" (/cart?add=<id>&qty=<n>): only the id is known until the cart refreshes. */
export function addItemId(itemId: string, quantity: number) {
  if (!z.uuid().safeParse(itemId).success) return;
  const existing = readCart().find((l) => l.itemId === itemId);
  const blank = { title: null, price: null, currency: null, imageUrl: null, imageAlt: null, maxQuantity: null, slug: null };
  addToCart(existing ? { ...existing } : { itemId, ...blank }, quantity);
}

export function setLineQuantity(itemId: string, quantity: number) {
  writeCart(readCart().map((l) => (l.itemId === itemId ? { ...l, quantity: clampQuantity(quantity, l.maxQuantity) } : l)));
}

export function removeLine(itemId: string) {
  writeCart(readCart().filter((l) => l.itemId !== itemId));
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab of the same shop changed the cart.
  const onStorage = (e: StorageEvent) => e.key === cartKey(window.location.host) && listener();
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/**
 * The cart's lines, or null while rendering on the server and during hydration (the server cannot see
 * localStorage, so the first client render must match the server's).
 */
export function useCartLines(): CartLine[] | null {
  return useSyncExternalStore(subscribe, readCart, () => null);
}

/** How many units the cart holds (0 on the server). */
export function useCartCount() {
  const lines = useCartLines();
  return (lines ?? EMPTY).reduce((n, l) => n + l.quantity, 0);
}
