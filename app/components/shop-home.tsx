import type { CatalogCard, CatalogPage } from "#app/utils/storefront.server.ts";
import { ItemImage } from "./storefront/item-image.tsx";
import { CatalogResults, CategoryFilter, SearchForm } from "./storefront/catalog-view.tsx";
import { ShieldIcon } from "./storefront/icons.tsx";
import { ShopLayout, type PreviewBanner } from "./storefront/shop-layout.tsx";

export interface ShopHomeProps {
  shop: {
    name: string;
    tagline: string | null;
    logoUrl: string | null;
    supportEmail: string | null;
    hidePlatformBadge: boolean;
    escrowByDefault: boolean;
  };
  catalog: CatalogPage;
  /** Where search, filters and paging lead: "/" on the shop's host, /t/<slug> in the platform host's preview. */
  basePath?: string;
  /** Set in the platform host's preview (/t/:slug): the banner, and product cards without links to item pages. */
  preview?: PreviewBanner;
}

const FAN = ["-rotate-6 left-0 top-10", "rotate-2 left-40 top-0 z-10", "rotate-6 left-80 top-14"];

/** Three newest products fanned out beside the hero on wide screens (decorative: the grid below lists them). */
function Showcase({ items }: { items: CatalogCard[] }) {
  if (items.length < 3) return null;
  return (
    <div aria-hidden="true" className="relative hidden h-80 w-[32rem] shrink-0 lg:block">
      {items.slice(0, 3).map((item, i) => (
        <div key={item.id} className={`absolute w-48 rounded-3xl bg-white p-2 text-gray-900 shadow-2xl ${FAN[i]}`}>
          <ItemImage id={item.id} title={item.title} image={item.image} decorative />
          <p className="truncate px-1.5 pt-2 text-sm font-semibold">{item.title}</p>
          <p className="px-1.5 pb-1 text-sm font-bold text-ink">{item.priceLabel}</p>
        </div>
      ))}
    </div>
  );
}

function Hero({ shop, featured, preview }: { shop: ShopHomeProps["shop"]; featured: CatalogCard[]; preview: boolean }) {
  return (
    <section aria-labelledby="hero-heading" className="relative isolate overflow-hidden bg-brand text-brand-fg">
      <span aria-hidden="true" className="absolute -right-28 -top-32 -z-10 size-64 rounded-full border-[2rem] border-accent opacity-25 sm:-right-32 sm:-top-40 sm:size-[28rem] sm:border-[3.5rem]" />
      <span aria-hidden="true" className="absolute -bottom-24 -left-16 -z-10 size-64 rounded-full bg-current opacity-[0.06]" />
      <div className="mx-auto flex max-w-6xl items-center gap-12 px-4 py-14 sm:py-20">
        <div className="min-w-0 flex-1">
          <p className="text-sm font-semibold uppercase tracking-[0.2em] opacity-90">{shop.name}</p>
          <h1 id="hero-heading" className="mt-3 max-w-3xl text-4xl font-extrabold leading-tight tracking-tight text-balance sm:text-6xl">
            {shop.tagline ?? `Welcome to ${shop.name}`}
          </h1>
          <div className="mt-8 flex flex-wrap items-center gap-4">
            {preview ? null : (
              <a href="#catalog" className="rounded-full bg-accent px-6 py-3 font-semibold text-accent-fg shadow-sm hover:brightness-95 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current">
                Browse the shop
              </a>
            )}
            {shop.escrowByDefault ? (
              <p className="inline-flex items-center gap-2 rounded-full bg-black/10 px-4 py-2 text-sm font-medium">
                <ShieldIcon /> Checkout protected by escrow
              </p>
            ) : null}
          </div>
        </div>
        <Showcase items={featured} />
      </div>
    </section>
  );
}

/**
 * The shop home: hero, search, category filter and product grid. Searching, filtering or paging drops the
 * hero so the results come first (and the results heading becomes the page's h1).
 */
export function ShopHome({ shop, catalog, basePath = "/", preview }: ShopHomeProps) {
  const browsing = Boolean(catalog.params.q || catalog.params.category || catalog.params.cursor);
  return (
    <ShopLayout shop={shop} preview={preview}>
      {browsing ? null : <Hero shop={shop} featured={catalog.items} preview={Boolean(preview)} />}
      <div id="catalog" className="mx-auto max-w-6xl scroll-mt-20 px-4 pt-8 sm:pt-12">
        <div className="flex flex-col gap-4 md:flex-row md:items-center md:justify-between">
          <div className="md:w-96 md:order-2">
            <SearchForm basePath={basePath} params={catalog.params} />
          </div>
          <div className="min-w-0 md:order-1">
            <CategoryFilter basePath={basePath} params={catalog.params} categories={catalog.categories} />
          </div>
        </div>
        <div className="mt-8">
          {/* Item pages exist only on the shop's own host: the preview lists the products without links to them. */}
          <CatalogResults basePath={basePath} page={catalog} headingLevel={browsing ? "h1" : "h2"} itemLinks={!preview} />
        </div>
      </div>
    </ShopLayout>
  );
}
