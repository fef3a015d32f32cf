import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ShopHome } from "#app/components/shop-home.tsx";
import { PlatformLanding } from "#app/components/platform-landing.tsx";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [];
  if (data.kind === "platform") return [{ title: "Storefront platform — your shop, your brand" }];
  const { shop } = data;
  return [
    { title: shop.tagline ? `${shop.name} — ${shop.tagline}` : shop.name },
    { property: "og:title", content: shop.name },
    { property: "og:site_name", content: shop.name },
    ...(shop.tagline ? [{ name: "description", content: shop.tagline }, { property: "og:description", content: shop.tagline }] : []),
    ...(shop.logoUrl ? [{ property: "og:image", content: shop.logoUrl }] : []),
    { tagName: "link", rel: "canonical", href: `https://${shop.primaryHost}/` },
  ];
};

export async function loader({ context }: LoaderFunctionArgs) {
  if (!context.tenant) return { kind: "platform" as const, platformDomain: context.platformDomain };
  const t = context.tenant;
  return {
    kind: "shop" as const,
    shop: {
      name: t.brand.displayName ?? t.displayName,
      tagline: t.brand.tagline ?? null,
      logoUrl: t.brand.logoUrl ?? null,
      supportEmail: t.brand.supportEmail ?? null,
      hidePlatformBadge: t.brand.hidePlatformBadge ?? false,
      primaryHost: t.primaryHost,
      paymentRails: t.paymentRails,
    },
  };
}

export default function Index() {
  const data = useLoaderData<typeof loader>();
  return data.kind === "platform" ? <PlatformLanding platformDomain={data.platformDomain} /> : <ShopHome shop={data.shop} />;
}
