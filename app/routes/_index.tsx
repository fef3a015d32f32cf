import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ShopHome } from "#app/components/shop-home.tsx";
import { PlatformLanding } from "#app/components/platform-landing.tsx";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { useShop } from "#app/components/storefront/shop.ts";
import { loadCatalogPage } from "#app/utils/storefront.server.ts";
import { catalogHeading } from "#app/components/storefront/catalog-view.tsx";

export const meta: MetaFunction<typeof loader> = (args) => {
  const { data } = args;
  if (data?.kind === "platform") return [{ title: "Storefront platform — your shop, your brand" }];
  const params = data?.catalog.params;
  const browsing = params && (params.q || params.category || params.cursor);
  // Search results and deeper pages are not landing pages: keep them out of the index (the home stays in).
  return shopMeta(args, browsing ? { title: catalogHeading(params), noindex: Boolean(params.q || params.cursor) } : {});
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!context.tenant) return { kind: "platform" as const, platformDomain: context.platformDomain };
  return { kind: "shop" as const, catalog: await loadCatalogPage(context, new URL(request.url)) };
}

export default function Index() {
  const data = useLoaderData<typeof loader>();
  const shop = useShop();
  if (data.kind === "platform") return <PlatformLanding platformDomain={data.platformDomain} />;
  return shop ? <ShopHome shop={shop} catalog={data.catalog} /> : null;
}

export { StorefrontErrorBoundary as ErrorBoundary } from "#app/components/storefront/error-page.tsx";
