import type { AppLoadContext } from "@remix-run/node";
import { requireShop } from "#app/utils/storefront.server.ts";
import { itemPath } from "#app/components/storefront/item-path.ts";

// A sitemap holds at most 50,000 URLs; one is the home page.
const MAX_ITEMS = 49_999;

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", "'": "apos", '"': "quot" }[c]};`);

/** The shop home and every item a buyer can see, as absolute URLs on the primary host. */
export async function renderSitemap(context: AppLoadContext) {
  const tenant = requireShop(context);
  const base = `https://${tenant.primaryHost}`;
  const items = (await context.services.catalog.sitemapEntries(tenant.id)).slice(0, MAX_ITEMS);
  const url = (loc: string, lastmod?: Date) =>
    `<url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ""}</url>`;
  const newest = items.reduce<Date | undefined>((max, i) => (!max || i.updatedAt > max ? i.updatedAt : max), undefined);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`,
    url(`${base}/`, newest),
    ...items.map((i) => url(`${base}${itemPath(i.slug)}`, i.updatedAt)),
    `</urlset>`,
    "",
  ].join("\n");
}
