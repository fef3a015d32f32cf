import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ShopHome } from "#app/components/shop-home.tsx";
import { useNonce } from "#app/nonce.tsx";
import { loadPreview } from "./t.$slug.server.ts";

/**
 * TEN-5 preview: `/t/:slug` on the platform host, for the tenant's members and operators only (pending shops
 * included), with a visible banner and noindex. On a shop's own host the answer is PREVIEW_FORBIDDEN.
 */
export const headers: HeadersFunction = () => ({ "X-Robots-Tag": "noindex, nofollow" });

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Preview · ${data.shop.name}` : "Preview" },
  { name: "robots", content: "noindex, nofollow" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return loadPreview(context, params.slug ?? "", new URL(request.url));
}

export default function Preview() {
  const { shop, css, catalog, basePath, banner } = useLoaderData<typeof loader>();
  const nonce = useNonce();
  return (
    <div className="shop-preview">
      {/* The previewed shop's brand, scoped to this subtree (the page itself is on the platform host). */}
      <style nonce={nonce} dangerouslySetInnerHTML={{ __html: css }} />
      <ShopHome shop={shop} catalog={catalog} basePath={basePath} preview={banner} />
    </div>
  );
}
