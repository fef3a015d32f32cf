import { useRouteLoaderData } from "@remix-run/react";

/** What every storefront page shows of the shop (root loader, `shop`; null on the platform host). */
export interface ShopInfo {
  name: string;
  tagline: string | null;
  logoUrl: string | null;
  supportEmail: string | null;
  hidePlatformBadge: boolean;
  primaryHost: string;
  /** False while the shop is paused (ADR 032): every page shows a banner and checkout refuses new orders. */
  acceptingOrders: boolean;
  /** Checkout preselects escrow (app/utils/escrow-promise.server.ts): only then may a page promise escrow. */
  escrowByDefault: boolean;
}

/** The current host's shop, from the root loader; null on the platform host. */
export function useShop(): ShopInfo | null {
  const root = useRouteLoaderData("root") as { shop?: ShopInfo | null } | undefined;
  return root?.shop ?? null;
}

/** "Trailhead 40L Backpack" → "TB": the monogram on image-less items and logo-less shops. */
export function initials(text: string) {
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’]*/gu) ?? [];
  return words
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("");
}

/** A site path or absolute URL as an absolute https URL on the shop's primary host (for og:image, canonical). */
export function absoluteUrl(primaryHost: string, pathOrUrl: string) {
  return /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `https://${primaryHost}${pathOrUrl.startsWith("/") ? "" : "/"}${pathOrUrl}`;
}
