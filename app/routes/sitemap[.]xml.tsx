import type { LoaderFunctionArgs } from "@remix-run/node";
import { renderSitemap } from "./sitemap[.]xml.server.ts";

/** sitemap.xml of the shop on this host (CAT-B SEO); the platform host has none (404). */
export async function loader({ context }: LoaderFunctionArgs) {
  return new Response(await renderSitemap(context), {
    headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=900" },
  });
}
