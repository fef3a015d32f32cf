import { type ActionFunctionArgs, type HeadersFunction, type MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { ShopLayout } from "#app/components/storefront/shop-layout.tsx";
import { useShop } from "#app/components/storefront/shop.ts";
import { primaryButton } from "#app/components/storefront/styles.ts";
import { unsubscribeCustomer } from "./unsubscribe.server.ts";

// The link is the customer's key: never cached.
export const headers: HeadersFunction = () => ({ "Cache-Control": "private, no-store" });

export const meta: MetaFunction = (args) => shopMeta(args, { title: "Unsubscribe", noindex: true });

export function loader() {
  return null;
}

export async function action({ context, params }: ActionFunctionArgs) {
  return unsubscribeCustomer(context, params.customerId ?? "", params.sig ?? "");
}

/** The one-click page behind the footer link of the shop's marketing mail (G14-4): one button, per shop. */
export default function UnsubscribePage() {
  const shop = useShop();
  const done = useActionData<typeof action>();
  if (!shop) return null;
  return (
    <ShopLayout shop={shop}>
      <div className="mx-auto max-w-xl px-4 py-12">
        <h1 className="text-3xl font-extrabold tracking-tight text-gray-900">Unsubscribe</h1>
        {done?.ok ? (
          <p role="status" className="mt-4 text-gray-700">You will get no more news or offers from {shop.name}. Mail about your orders still comes.</p>
        ) : done ? (
          <p role="alert" className="mt-4 text-red-700">This link is not valid. Use the link in the latest mail from {shop.name}.</p>
        ) : (
          <Form method="post" className="mt-6 space-y-4">
            <p className="text-gray-700">Stop news and offers from {shop.name}? Mail about your orders still comes.</p>
            <button type="submit" className={primaryButton}>Unsubscribe</button>
          </Form>
        )}
      </div>
    </ShopLayout>
  );
}
