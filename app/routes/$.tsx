import type { MetaFunction } from "@remix-run/node";
import { shopFromMatches } from "#app/components/storefront/seo.ts";

/**
 * Any path no other route matches. Remix renders a no-match 404 without running the root loader, so the page would
 * not know the shop; answering it from this route runs the root loader and shows the shop's branded 404.
 */
export const meta: MetaFunction = ({ matches }) => {
  const shop = shopFromMatches(matches);
  return [{ title: shop ? `Not found · ${shop.name}` : "Not found" }, { name: "robots", content: "noindex" }];
};

const notFound = () => new Response("Not found", { status: 404 });

export function loader(): never {
  throw notFound();
}

// A form posted to a path that does not exist is a 404 too, not "method not allowed".
export function action(): never {
  throw notFound();
}

export default function NotFound() {
  return null;
}

export { StorefrontErrorBoundary as ErrorBoundary } from "#app/components/storefront/error-page.tsx";
