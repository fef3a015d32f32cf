import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import stylesheet from "./tailwind.css?url";
import { themeCssVariables } from "#app/utils/brand-theme.ts";
import { shopInfo } from "#app/utils/storefront.server.ts";
import { StorefrontErrorBoundary } from "#app/components/storefront/error-page.tsx";
import { useShop } from "#app/components/storefront/shop.ts";
import { useTelegramMode } from "#app/components/storefront/telegram-mode.ts";
import { useNonce } from "./nonce.tsx";

const DEFAULT_VIEWPORT = "width=device-width, initial-scale=1";
/** The Telegram Mini App draws under the notch; its frame pads by the safe-area insets (telegram-frame.tsx). */
const TELEGRAM_VIEWPORT = "width=device-width, initial-scale=1, viewport-fit=cover";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export async function loader({ context }: LoaderFunctionArgs) {
  const brand = context.tenant?.brand ?? {};
  return {
    cssVars: themeCssVariables(brand),
    // The shop on this host (null on the platform host): header, footer, SEO tags and error pages use it.
    shop: context.tenant ? shopInfo(context, context.tenant) : null,
    favicon: brand.faviconUrl ?? null,
    lang: context.tenant?.localeDefaults[0] ?? "en",
    // Only on the platform host and only when signed in; forms echo it back (app/utils/csrf.server.ts).
    csrfToken: context.csrfToken,
    user: context.actor ? { email: context.actor.email, displayName: context.actor.displayName, isOperator: context.actor.isOperator } : null,
  };
}

export function Layout({ children }: { children: React.ReactNode }) {
  // Layout also wraps the root ErrorBoundary, where useLoaderData throws: the root's data is read by route id, and is
  // undefined when the root loader itself failed.
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  const vars = data?.cssVars ?? themeCssVariables({});
  // A route may ask for its own viewport (the Telegram Mini App draws under the notch: viewport-fit=cover), and so
  // does every page of a Mini App launch.
  const routeViewport = useMatches().reduce((v, m) => (m.handle as { viewport?: string } | undefined)?.viewport ?? v, DEFAULT_VIEWPORT);
  const viewport = useTelegramMode() ? TELEGRAM_VIEWPORT : routeViewport;
  // Brand variables are in the SSR HTML itself: no flash of platform styling.
  const css = `:root{${Object.entries(vars).map(([k, v]) => `${k}:${v}`).join(";")}}`;
  return (
    // On a shop's host the scrollbar's space is kept from the first paint: a page that grows past the viewport while
    // it streams in (the item page's related products) would otherwise move every centred container sideways when
    // the scrollbar appears. Only classic scrollbars take space; overlay ones (phones, macOS, Telegram) are unaffected.
    <html lang={data?.lang ?? "en"} className={data?.shop ? "[scrollbar-gutter:stable]" : undefined}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content={viewport} />
        {/* Without a brand favicon, an empty one: the platform's icon must not show on a merchant's shop. */}
        <link rel="icon" href={data?.favicon ?? "data:,"} />
        <style nonce={nonce} dangerouslySetInnerHTML={{ __html: css }} />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen bg-white text-gray-900 antialiased">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** Errors no route caught (and the root loader's own): the shop's branded page on a shop host, else a plain one. */
export function ErrorBoundary() {
  const error = useRouteError();
  const shop = useShop();
  if (shop) return <StorefrontErrorBoundary />;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <main className="mx-auto max-w-md p-8 text-center">
      <h1 className="text-2xl font-semibold">{status === 404 ? "Not found" : status === 403 ? "Not allowed" : "Something went wrong"}</h1>
      <p className="mt-2 text-gray-600">{status === 404 ? "There is nothing at this address." : "Please try again later."}</p>
    </main>
  );
}
