import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { ShopLayout } from "./shop-layout.tsx";
import { useShop } from "./shop.ts";
import { primaryButton } from "./styles.ts";

function describe(status: number) {
  if (status === 404) return { title: "We couldn’t find that", body: "It may have sold out or moved. Everything we have is in the shop." };
  if (status === 400) return { title: "That link doesn’t work", body: "The address looks incomplete or out of date. Start again from the shop." };
  if (status === 429) return { title: "One moment, please", body: "You’re browsing faster than we can keep up. Try again in a minute." };
  return { title: "Something went wrong", body: "Please try again in a moment." };
}

/**
 * Storefront route error boundary: a branded page (the shop's header and footer from the root loader) on a shop
 * host; a plain "Not found" on the platform host, where storefront routes do not exist.
 */
export function StorefrontErrorBoundary() {
  const error = useRouteError();
  const shop = useShop();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const { title, body } = describe(status);
  if (!shop) {
    return (
      <main className="mx-auto max-w-md p-8 text-center">
        <h1 className="text-2xl font-semibold">{status === 404 ? "Not found" : "Something went wrong"}</h1>
        <p className="mt-2 text-gray-600">{status === 404 ? "There is nothing at this address." : "Please try again later."}</p>
      </main>
    );
  }
  return (
    <ShopLayout shop={shop}>
      <div className="mx-auto flex max-w-xl flex-col items-center px-4 py-20 text-center sm:py-28">
        <p className="rounded-full bg-ink/10 px-3 py-1 text-sm font-semibold text-ink">{status === 404 ? "404" : `Error ${status}`}</p>
        <h1 className="mt-4 text-3xl font-extrabold tracking-tight text-gray-900 sm:text-4xl">{title}</h1>
        <p className="mt-3 text-lg text-gray-700">{body}</p>
        <Link to="/" className={`mt-8 ${primaryButton}`}>Back to {shop.name}</Link>
      </div>
    </ShopLayout>
  );
}
