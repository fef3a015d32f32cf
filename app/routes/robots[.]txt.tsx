import type { LoaderFunctionArgs } from "@remix-run/node";

/** Crawlers on the platform host stay out of the private areas; the platform's own pages are not for indexing. */
const PLATFORM_DISALLOW = ["/dashboard", "/ops", "/t/", "/account", "/invite/", "/api/"];

/** robots.txt per host (CAT-B SEO): a shop allows everything and points at its sitemap on the primary host. */
export async function loader({ context }: LoaderFunctionArgs) {
  const lines = context.tenant
    ? ["User-agent: *", "Allow: /", "", `Sitemap: https://${context.tenant.primaryHost}/sitemap.xml`]
    : ["User-agent: *", ...PLATFORM_DISALLOW.map((path) => `Disallow: ${path}`)];
  return new Response(`${lines.join("\n")}\n`, {
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=3600" },
  });
}
