import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useCartCount } from "#app/components/storefront/cart.ts";
import { StorefrontErrorBoundary } from "#app/components/storefront/error-page.tsx";
import { ArrowIcon, CardIcon, ReceiptIcon, ShieldIcon } from "#app/components/storefront/icons.tsx";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { ShopLayout } from "#app/components/storefront/shop-layout.tsx";
import { useShop } from "#app/components/storefront/shop.ts";
import { secondaryButton, textLink } from "#app/components/storefront/styles.ts";
import { requireShop } from "#app/utils/storefront.server.ts";

/** How each payment rail works, in a buyer's words (PRODUCT.md PAY-1, disclosures PAY-3). */
const RAILS_FOR_BUYERS: Record<string, { name: string; text: string; Icon: typeof ShieldIcon }> = {
  escrow: { name: "Protected by escrow", text: "Your payment is held safely and released to the shop only after you confirm delivery.", Icon: ShieldIcon },
  direct: { name: "Pay through the platform", text: "Paid straight to the shop — no escrow protection.", Icon: CardIcon },
  external_provider: { name: "Pay with the shop’s payment provider", text: "Paid to the provider — escrow does not apply.", Icon: CardIcon },
  manual_invoice: { name: "Pay by invoice", text: "The shop sends you payment instructions and confirms once your payment arrives.", Icon: ReceiptIcon },
};

export const meta: MetaFunction = (args) => shopMeta(args, { title: "Checkout", noindex: true });

export async function loader({ context }: LoaderFunctionArgs) {
  const tenant = requireShop(context);
  return { rails: tenant.paymentRails.filter((r) => r in RAILS_FOR_BUYERS) };
}

/** Placeholder until checkout ships: says so plainly, and shows how this shop will take payment. */
export default function CheckoutPage() {
  const { rails } = useLoaderData<typeof loader>();
  const shop = useShop();
  const count = useCartCount();
  if (!shop) return null;
  return (
    <ShopLayout shop={shop}>
      <div className="mx-auto max-w-2xl px-4 py-12 sm:py-20">
        <p className="inline-flex rounded-full bg-ink/10 px-3 py-1 text-sm font-semibold text-ink">Coming soon</p>
        <h1 className="mt-4 text-3xl font-extrabold tracking-tight text-gray-900 sm:text-5xl">Checkout opens soon</h1>
        <p className="mt-4 text-lg text-gray-700">
          {shop.name} is putting the finishing touches on checkout. Your cart is saved on this device
          {count ? ` (${count} ${count === 1 ? "item" : "items"})` : ""}, so you can come back and finish your order when it opens.
        </p>
        {rails.length ? (
          <section aria-labelledby="rails-heading" className="mt-10">
            <h2 id="rails-heading" className="text-lg font-bold text-gray-900">How you’ll be able to pay</h2>
            <ul role="list" className="mt-4 space-y-3">
              {rails.map((rail) => {
                const { name, text, Icon } = RAILS_FOR_BUYERS[rail]!;
                return (
                  <li key={rail} className="flex gap-4 rounded-2xl bg-gray-50 p-4 ring-1 ring-gray-200">
                    <span aria-hidden="true" className="grid size-10 shrink-0 place-items-center rounded-full bg-ink/10 text-ink">
                      <Icon />
                    </span>
                    <div>
                      <p className="font-semibold text-gray-900">{name}</p>
                      <p className="mt-0.5 text-sm text-gray-700">{text}</p>
                    </div>
                  </li>
                );
              })}
            </ul>
          </section>
        ) : null}
        <div className="mt-10 flex flex-wrap items-center gap-4">
          <Link to="/cart" className={secondaryButton}>
            <ArrowIcon back /> Back to cart
          </Link>
          <Link to="/" className={textLink}>Keep browsing</Link>
        </div>
        {shop.supportEmail ? (
          <p className="mt-8 text-sm text-gray-600">
            Want to order now? Write to <a href={`mailto:${shop.supportEmail}`} className={textLink}>{shop.supportEmail}</a>.
          </p>
        ) : null}
      </div>
    </ShopLayout>
  );
}

export function ErrorBoundary() {
  return <StorefrontErrorBoundary />;
}
