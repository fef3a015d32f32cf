import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { CatalogResults, CategoryFilter, SearchForm } from "#app/components/storefront/catalog-view.tsx";
import { StorefrontErrorBoundary } from "#app/components/storefront/error-page.tsx";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { CartLink, ShopMark } from "#app/components/storefront/shop-layout.tsx";
import { useShop } from "#app/components/storefront/shop.ts";
import { focusRing } from "#app/components/storefront/styles.ts";
import { useTelegramWebApp } from "#app/components/storefront/telegram-webapp.ts";
import { loadCatalogPage } from "#app/utils/storefront.server.ts";

/** The Mini App webview draws edge to edge: cover the display and pad by the safe-area insets ourselves. */
export const handle = { viewport: "width=device-width, initial-scale=1, viewport-fit=cover" };

export const meta: MetaFunction = (args) => shopMeta(args, { title: "Shop in Telegram", noindex: true });

export async function loader({ request, context }: LoaderFunctionArgs) {
  return loadCatalogPage(context, new URL(request.url));
}

/**
 * The catalog as a Telegram Mini App (BOT-2 menu button → <primaryHost>/telegram): a slim header, no hero,
 * two columns. Opened from the bot, it signs the buyer in with Telegram's initData (BOT-6) and paints Telegram's
 * header in the brand colour.
 */
export default function TelegramCatalog() {
  const page = useLoaderData<typeof loader>();
  const shop = useShop();
  const primary = (useRouteLoaderData("root") as { cssVars?: Record<string, string> } | undefined)?.cssVars?.["--brand-primary"] ?? null;
  const buyer = useTelegramWebApp(primary);
  if (!shop) return null;
  return (
    <div className="min-h-screen bg-gray-50 pb-[max(1rem,env(safe-area-inset-bottom))] pl-[env(safe-area-inset-left)] pr-[env(safe-area-inset-right)]">
      <header className="sticky top-0 z-40 bg-brand pt-[env(safe-area-inset-top)] text-brand-fg shadow-sm">
        <div className="flex h-12 items-center gap-2 px-3">
          <Link to="/telegram" className={`flex min-w-0 items-center gap-2 rounded-lg ${focusRing}`}>
            <ShopMark shop={shop} className="size-7" />
            <span data-testid="shop-name" className="truncate text-base font-bold">{shop.name}</span>
          </Link>
          <nav aria-label="Shop" className="ml-auto">
            <CartLink className="py-1.5" />
          </nav>
        </div>
      </header>
      <div aria-live="polite">
        {buyer ? (
          <p data-testid="telegram-buyer" className="flex items-center gap-1.5 border-b border-gray-200 bg-white px-3 py-1.5 text-xs text-gray-600">
            <span aria-hidden className="size-1.5 rounded-full bg-emerald-500" />
            {buyer.name ? (
              <>
                Signed in as <span className="truncate font-medium text-gray-900">{buyer.name}</span>
              </>
            ) : (
              "Signed in with Telegram"
            )}
          </p>
        ) : null}
      </div>
      <main id="main" className="space-y-3 px-3 pt-3">
        <SearchForm basePath="/telegram" params={page.params} compact />
        <CategoryFilter basePath="/telegram" params={page.params} categories={page.categories} compact />
        <CatalogResults basePath="/telegram" page={page} headingLevel="h1" compact />
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  return <StorefrontErrorBoundary />;
}
