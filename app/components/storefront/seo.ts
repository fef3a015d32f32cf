/**
 * SEO tags for storefront pages (CAT-B): <title>, og:* and the canonical link, always pointing at the same path on
 * the shop's primary host (TEN-6), whichever host served the page.
 */
import type { MetaDescriptor } from "@remix-run/node";
import { absoluteUrl, type ShopInfo } from "./shop.ts";

interface MetaArgs {
  matches: { id: string; data: unknown }[];
  location: { pathname: string };
}

export interface PageSeo {
  /** The page's own title; the shop's name is appended. Omit on the shop home. */
  title?: string;
  description?: string | null;
  image?: string | null;
  type?: "website" | "product";
  noindex?: boolean;
  extra?: MetaDescriptor[];
}

export function shopFromMatches(matches: MetaArgs["matches"]) {
  return (matches.find((m) => m.id === "root")?.data as { shop?: ShopInfo | null } | undefined)?.shop ?? null;
}

export function shopMeta({ matches, location }: MetaArgs, page: PageSeo = {}): MetaDescriptor[] {
  const shop = shopFromMatches(matches);
  if (!shop) return [{ title: page.title ?? "Not found" }];
  const title = page.title ? `${page.title} · ${shop.name}` : shop.tagline ? `${shop.name} — ${shop.tagline}` : shop.name;
  const description = clip(page.description || shop.tagline || `Shop ${shop.name} online.`, 200);
  const url = absoluteUrl(shop.primaryHost, location.pathname);
  const image = page.image ?? shop.logoUrl;
  return [
    { title },
    { name: "description", content: description },
    { property: "og:site_name", content: shop.name },
    { property: "og:type", content: page.type ?? "website" },
    { property: "og:title", content: page.title ?? shop.name },
    { property: "og:description", content: description },
    { property: "og:url", content: url },
    ...(image ? [{ property: "og:image", content: absoluteUrl(shop.primaryHost, image) }] : []),
    { name: "twitter:card", content: image ? "summary_large_image" : "summary" },
    { tagName: "link", rel: "canonical", href: url },
    ...(page.noindex ? [{ name: "robots", content: "noindex" }] : []),
    ...(page.extra ?? []),
  ];
}

function clip(text: string, max: number) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
