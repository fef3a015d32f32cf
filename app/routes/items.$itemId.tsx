import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Await, Link, useLoaderData } from "@remix-run/react";
import { Suspense } from "react";
import { AddToCart } from "#app/components/storefront/add-to-cart.tsx";
import { DownloadIcon, ShieldIcon, TruckIcon } from "#app/components/storefront/icons.tsx";
import { ItemImage } from "#app/components/storefront/item-image.tsx";
import { ProductCard } from "#app/components/storefront/product-card.tsx";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { ShopLayout } from "#app/components/storefront/shop-layout.tsx";
import { absoluteUrl, useShop } from "#app/components/storefront/shop.ts";
import { itemPath } from "#app/components/storefront/item-path.ts";
import { focusRing } from "#app/components/storefront/styles.ts";
import { useNonce } from "#app/nonce.tsx";
import type { CatalogCard } from "#app/utils/storefront.server.ts";
import { loadItemPage } from "./items.$itemId.server.ts";

export const meta: MetaFunction<typeof loader> = (args) => {
  const item = args.data?.item;
  if (!item) return shopMeta(args, { title: "Not found", noindex: true });
  // The merchant's SEO fields win; the schema caps them at what search engines show.
  return shopMeta(args, {
    title: item.seoTitle || item.title,
    description: item.seoDescription || item.description || `${item.title} — ${item.priceLabel}`,
    image: item.images[0]?.url ?? null,
    type: "product",
    extra: [
      { property: "product:price:amount", content: item.price },
      { property: "product:price:currency", content: item.currency },
    ],
  });
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return loadItemPage(context, params.itemId ?? "", new URL(request.url).search);
}

export default function ItemPage() {
  const data = useLoaderData<typeof loader>();
  const { item, escrow } = data;
  // Streamed by single fetch; the JSON-era loader types (no v3_singleFetch type opt-in yet) cannot express it.
  const related = data.related as unknown as Promise<CatalogCard[]>;
  const shop = useShop();
  if (!shop) return null;
  const [first, ...rest] = item.images;
  const soldOut = item.availability.status === "sold_out";
  return (
    <ShopLayout shop={shop}>
      <ProductJsonLd />
      <div className="mx-auto max-w-6xl px-4 pt-6 sm:pt-10">
        <nav aria-label="Breadcrumb">
          <ol role="list" className="flex flex-wrap items-center gap-2 text-sm text-gray-600">
            <li><Link to="/" className={`hover:text-gray-900 hover:underline ${focusRing}`}>Shop</Link></li>
            {item.category ? (
              <li className="flex items-center gap-2">
                <span aria-hidden="true">/</span>
                <Link to={`/?category=${encodeURIComponent(item.category)}`} className={`hover:text-gray-900 hover:underline ${focusRing}`}>{item.category}</Link>
              </li>
            ) : null}
            <li className="flex min-w-0 items-center gap-2">
              <span aria-hidden="true">/</span>
              <span aria-current="page" className="truncate font-medium text-gray-900">{item.title}</span>
            </li>
          </ol>
        </nav>
        <div className="mt-6 grid gap-8 md:grid-cols-2 md:gap-12">
          <div className="space-y-3">
            <ItemImage id={item.id} title={item.title} image={first ?? null} size="lg" />
            {rest.length ? (
              <ul role="list" className="grid grid-cols-4 gap-3">
                {rest.map((img) => (
                  <li key={img.url}><ItemImage id={item.id} title={item.title} image={img} size="sm" /></li>
                ))}
              </ul>
            ) : null}
          </div>
          <div className="md:py-4">
            {item.category ? <p className="text-sm font-semibold uppercase tracking-wider text-ink">{item.category}</p> : null}
            <h1 className="mt-2 text-3xl font-extrabold tracking-tight text-gray-900 text-balance sm:text-4xl">{item.title}</h1>
            <p className="mt-4 flex flex-wrap items-baseline gap-x-3">
              <span className="text-3xl font-bold text-gray-900" data-testid="item-price">{item.priceLabel}</span>
              {item.compareAtLabel ? (
                <s className="text-xl text-gray-500" data-testid="item-compare-at" aria-label={`was ${item.compareAtLabel}`}>{item.compareAtLabel}</s>
              ) : null}
            </p>
            <p className="mt-3 flex items-center gap-2 text-sm font-medium">
              <span aria-hidden="true" className={`size-2.5 rounded-full ${soldOut ? "bg-gray-400" : item.availability.status === "low" ? "bg-amber-500" : "bg-emerald-500"}`} />
              <span className={soldOut ? "text-gray-700" : item.availability.status === "low" ? "text-amber-800" : "text-emerald-800"}>
                {soldOut ? "Sold out" : item.availability.status === "low" ? `Only ${item.availability.left} left` : "In stock"}
              </span>
            </p>
            {item.description ? <p className="mt-6 whitespace-pre-line text-lg leading-relaxed text-gray-700">{item.description}</p> : null}
            <div className="mt-8">
              <AddToCart item={item} soldOut={soldOut} />
            </div>
            <ul role="list" className="mt-6 space-y-3 border-t border-gray-200 pt-6 text-sm text-gray-700">
              <li className="flex items-center gap-3">
                {item.kind === "digital" ? <DownloadIcon /> : <TruckIcon />}
                {item.kind === "digital" ? "Digital item — delivered online, nothing is shipped." : "Physical item — shipped to your address."}
              </li>
              {escrow ? (
                <li className="flex items-center gap-3">
                  <ShieldIcon /> Checkout protected by escrow: the shop is paid once you confirm delivery.
                </li>
              ) : null}
            </ul>
          </div>
        </div>
        <Suspense fallback={<RelatedSkeleton />}>
          <Await resolve={related} errorElement={null}>
            {(items) =>
              items.length ? (
                <section aria-labelledby="related-heading" className="mt-16">
                  <h2 id="related-heading" className="text-xl font-bold tracking-tight text-gray-900 sm:text-2xl">You may also like</h2>
                  <ul role="list" className="mt-4 grid grid-cols-2 gap-3 sm:gap-6 md:grid-cols-4">
                    {items.map((card) => (
                      <li key={card.id}><ProductCard item={card} /></li>
                    ))}
                  </ul>
                </section>
              ) : null
            }
          </Await>
        </Suspense>
      </div>
    </ShopLayout>
  );
}

/**
 * Holds the related section's place while it streams in, card for card (ProductCard's padding, square image and
 * three text lines), so the page does not grow under the buyer and push the footer after the first paint.
 */
function RelatedSkeleton() {
  return (
    <div aria-hidden="true" data-testid="related-skeleton" className="mt-16">
      <div className="h-7 w-48 rounded-full bg-gray-100 sm:h-8" />
      <ul role="list" className="mt-4 grid grid-cols-2 gap-3 sm:gap-6 md:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <li key={i} className="rounded-3xl p-2 ring-1 ring-gray-200">
            <div className="aspect-square w-full rounded-2xl bg-gray-100" />
            <div className="space-y-2 px-2 pb-2 pt-3">
              <div className="h-3 w-1/3 rounded-full bg-gray-100" />
              <div className="h-4 w-3/4 rounded-full bg-gray-100" />
              <div className="h-4 w-1/4 rounded-full bg-gray-100" />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** schema.org Product for search engines: JSON, not script, but still nonce'd so the CSP has nothing to refuse. */
function ProductJsonLd() {
  const { item } = useLoaderData<typeof loader>();
  const shop = useShop();
  const nonce = useNonce();
  if (!shop) return null;
  const url = absoluteUrl(shop.primaryHost, itemPath(item.slug));
  const data = {
    "@context": "https://schema.org",
    "@type": "Product",
    name: item.title,
    description: item.description || undefined,
    image: item.images.map((i) => absoluteUrl(shop.primaryHost, i.url)),
    category: item.category ?? undefined,
    url,
    offers: {
      "@type": "Offer",
      price: item.price,
      priceCurrency: item.currency,
      availability: item.availability.status === "sold_out" ? "https://schema.org/OutOfStock" : "https://schema.org/InStock",
      url,
    },
  };
  // "<" escaped so no description can close the script element.
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return <script type="application/ld+json" nonce={nonce} dangerouslySetInnerHTML={{ __html: json }} />;
}

export { StorefrontErrorBoundary as ErrorBoundary } from "#app/components/storefront/error-page.tsx";
