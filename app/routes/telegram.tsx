import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { CatalogResults, CategoryFilter, SearchForm } from "#app/components/storefront/catalog-view.tsx";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { useShop } from "#app/components/storefront/shop.ts";
import { TelegramFrame } from "#app/components/storefront/telegram-frame.tsx";
import { rememberTelegramMode } from "#app/components/storefront/telegram-mode.ts";
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
  // Pages reached from here (item, cart, checkout, order) keep this compact frame for the rest of the launch.
  useEffect(() => rememberTelegramMode(), []);
  if (!shop) return null;
  const notice = (
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
  );
  return (
    <TelegramFrame shop={shop} notice={notice}>
      <div className="space-y-3 px-3 pt-3">
        <SearchForm basePath="/telegram" params={page.params} compact />
        <CategoryFilter basePath="/telegram" params={page.params} categories={page.categories} compact />
        <CatalogResults basePath="/telegram" page={page} headingLevel="h1" compact />
      </div>
    </TelegramFrame>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary } from "#app/components/storefront/error-page.tsx";
