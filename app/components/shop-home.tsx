export interface ShopHomeProps {
  shop: {
    name: string;
    tagline: string | null;
    logoUrl: string | null;
    supportEmail: string | null;
    hidePlatformBadge: boolean;
    paymentRails: string[];
  };
  preview?: boolean;
}

/** The branded shop shell. Colours come only from the brand CSS variables set in the SSR <style>. */
export function ShopHome({ shop, preview }: ShopHomeProps) {
  return (
    <div className="flex min-h-screen flex-col">
      {preview ? (
        <div role="status" className="bg-amber-300 px-4 py-2 text-center text-sm font-medium text-amber-950">
          Preview — this shop is not public yet.
        </div>
      ) : null}
      <header className="bg-brand text-brand-fg">
        <div className="mx-auto flex max-w-5xl items-center gap-3 px-4 py-4">
          {shop.logoUrl ? <img src={shop.logoUrl} alt="" className="h-10 w-10 rounded" /> : null}
          <span data-testid="shop-name" className="text-xl font-bold">{shop.name}</span>
        </div>
      </header>
      <main className="mx-auto w-full max-w-5xl flex-1 px-4 py-12">
        <section className="rounded-2xl bg-brand px-6 py-14 text-center text-brand-fg sm:px-12">
          <h1 className="text-3xl font-extrabold sm:text-5xl">{shop.name}</h1>
          {shop.tagline ? <p className="mt-4 text-lg opacity-90">{shop.tagline}</p> : null}
          <a href="#catalog" className="mt-8 inline-block rounded-full bg-accent px-6 py-3 font-semibold text-accent-fg">
            Browse the shop
          </a>
        </section>
        <section id="catalog" className="mt-12 text-center text-gray-600">
          <h2 className="text-xl font-semibold text-gray-900">Catalog</h2>
          <p className="mt-2">New products are on their way.</p>
          {shop.paymentRails.includes("escrow") ? (
            <p className="mt-6 inline-block rounded-full border border-accent px-4 py-1 text-sm">Checkout protected by escrow</p>
          ) : null}
        </section>
      </main>
      <footer className="border-t px-4 py-6 text-center text-sm text-gray-500">
        {shop.supportEmail ? <a className="underline" href={`mailto:${shop.supportEmail}`}>{shop.supportEmail}</a> : null}
        {shop.hidePlatformBadge ? null : <p className="mt-1">Powered by Storefront</p>}
      </footer>
    </div>
  );
}
