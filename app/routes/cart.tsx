import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { removeLine, setLineQuantity, useCartLines, type CartLine } from "#app/components/storefront/cart.ts";
import { itemPath } from "#app/components/storefront/item-path.ts";
import { useCartRefresh } from "#app/components/storefront/cart-refresh.ts";
import { ArrowIcon, BagIcon, ShieldIcon } from "#app/components/storefront/icons.tsx";
import { ItemImage } from "#app/components/storefront/item-image.tsx";
import { formatPrice, sumLines } from "#app/components/storefront/money.ts";
import { QuantityInput } from "#app/components/storefront/quantity-input.tsx";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { ShopLayout } from "#app/components/storefront/shop-layout.tsx";
import { useShop } from "#app/components/storefront/shop.ts";
import { focusRing, primaryButton, textLink } from "#app/components/storefront/styles.ts";
import { requireShop } from "#app/utils/storefront.server.ts";
import { escrowByDefault } from "#app/utils/escrow-promise.server.ts";

export const meta: MetaFunction = (args) => shopMeta(args, { title: "Your cart", noindex: true });

export async function loader({ context }: LoaderFunctionArgs) {
  const tenant = requireShop(context);
  return { currency: tenant.currency, escrow: escrowByDefault(context, { allowedRails: tenant.paymentRails, defaultRail: tenant.defaultRail, currency: tenant.currency, payoutAddress: tenant.payoutAddress }) };
}

/** The cart lives in this browser (localStorage); the page refreshes every line from the shop before totals. */
export default function CartPage() {
  const { currency, escrow } = useLoaderData<typeof loader>();
  const shop = useShop();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const add = search.get("add");
  const pending = add ? { itemId: add, quantity: Number(search.get("qty") ?? "1") || 1 } : null;
  const refresh = useCartRefresh(pending, () => navigate("/cart", { replace: true, preventScrollReset: true }));
  const lines = useCartLines();
  if (!shop) return null;
  const ready = lines !== null && refresh.status === "done";
  const priced = (lines ?? []).filter((l): l is CartLine & { price: string } => l.price !== null);
  const count = (lines ?? []).reduce((n, l) => n + l.quantity, 0);
  return (
    <ShopLayout shop={shop}>
      <div className="mx-auto max-w-6xl px-4 pt-8 sm:pt-12">
        <h1 className="text-3xl font-extrabold tracking-tight text-gray-900 sm:text-4xl">Your cart</h1>
        <div role="status" aria-live="polite" className="mt-4 space-y-2">
          {refresh.notices.map((n) => (
            <p key={n} className="rounded-2xl bg-amber-50 px-4 py-3 text-sm font-medium text-amber-900 ring-1 ring-amber-200">{n}</p>
          ))}
          {refresh.failed ? (
            <p className="rounded-2xl bg-gray-100 px-4 py-3 text-sm text-gray-800">We couldn’t check the latest prices just now; they are checked again at checkout.</p>
          ) : null}
        </div>
        {lines === null || (!ready && lines.length > 0) ? (
          <p className="mt-8 text-gray-700">Checking your cart…</p>
        ) : lines.length === 0 ? (
          <div className="mt-8 rounded-3xl border border-dashed border-gray-300 bg-gray-50 px-6 py-16 text-center">
            <span aria-hidden="true" className="mx-auto grid size-14 place-items-center rounded-full bg-ink/10 text-ink">
              <BagIcon className="size-7" />
            </span>
            <p className="mt-4 text-lg font-semibold text-gray-900">Your cart is empty.</p>
            <p className="mt-1 text-gray-700">Find something you like and add it here.</p>
            <Link to="/" className={`mt-6 ${primaryButton}`}>Browse the shop</Link>
          </div>
        ) : (
          <div className="mt-6 grid gap-8 lg:grid-cols-[1fr_22rem] lg:items-start">
            <section aria-labelledby="lines-heading" className="min-w-0">
              <h2 id="lines-heading" className="sr-only">Items in your cart</h2>
              <ul role="list" className="divide-y divide-gray-200 border-y border-gray-200">
                {lines.map((line) => (
                  <CartLineRow key={line.itemId} line={line} />
                ))}
              </ul>
              <Link to="/" className={`mt-6 inline-flex items-center gap-2 text-sm ${textLink}`}>
                <ArrowIcon back /> Continue shopping
              </Link>
            </section>
            <section aria-labelledby="summary-heading" className="rounded-3xl bg-gray-50 p-6 ring-1 ring-gray-200 lg:sticky lg:top-24">
              <h2 id="summary-heading" className="text-lg font-bold text-gray-900">Order summary</h2>
              <dl className="mt-4 space-y-2 text-gray-700">
                <div className="flex justify-between">
                  <dt>Items</dt>
                  <dd>{count}</dd>
                </div>
                <div className="flex justify-between border-t border-gray-200 pt-3 text-lg font-bold text-gray-900">
                  <dt>Subtotal</dt>
                  <dd data-testid="cart-subtotal">{formatPrice(sumLines(priced, currency), currency)}</dd>
                </div>
              </dl>
              <p className="mt-2 text-sm text-gray-600">Delivery and payment options are chosen at checkout.</p>
              <Link to="/checkout" className={`mt-6 w-full ${primaryButton}`}>
                Checkout <ArrowIcon />
              </Link>
              {escrow ? (
                <p className="mt-4 flex items-center justify-center gap-2 text-sm text-gray-700">
                  <ShieldIcon className="size-4" /> Protected by escrow
                </p>
              ) : null}
            </section>
          </div>
        )}
      </div>
    </ShopLayout>
  );
}

const linePath = (line: CartLine) => (line.slug ? itemPath(line.slug) : `/items/${line.itemId}`);

function CartLineRow({ line }: { line: CartLine }) {
  const name = line.title ?? "Item";
  return (
    <li className="flex gap-4 py-5" data-testid="cart-line">
      <Link to={linePath(line)} tabIndex={-1} aria-hidden="true" className="w-20 shrink-0 sm:w-28">
        <ItemImage id={line.itemId} title={name} image={line.imageUrl ? { url: line.imageUrl, alt: line.imageAlt ?? "" } : null} size="sm" decorative />
      </Link>
      <div className="flex min-w-0 flex-1 flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <h3 className="font-semibold text-gray-900">
            <Link to={linePath(line)} className={`hover:underline ${focusRing}`}>{name}</Link>
          </h3>
          {line.price !== null && line.currency ? <p className="mt-1 text-sm text-gray-600">{formatPrice(line.price, line.currency)} each</p> : null}
          {line.maxQuantity !== null && line.maxQuantity <= 5 ? <p className="mt-1 text-sm font-medium text-amber-800">Only {line.maxQuantity} left</p> : null}
        </div>
        <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 sm:flex-col sm:flex-nowrap sm:items-end">
          <p className="font-bold text-gray-900 sm:order-2">{line.price !== null && line.currency ? formatPrice(sumLines([line as CartLine & { price: string }], line.currency), line.currency) : ""}</p>
          <div className="flex items-center gap-2 sm:order-1">
            <QuantityInput id={`qty-${line.itemId}`} label={`Quantity of ${name}`} value={line.quantity} maxQuantity={line.maxQuantity} onChange={(n) => setLineQuantity(line.itemId, n)} size="sm" />
            <button type="button" onClick={() => removeLine(line.itemId)} className={`rounded-full px-2 py-1 text-sm font-medium text-gray-700 underline underline-offset-4 hover:text-gray-900 ${focusRing}`}>
              Remove<span className="sr-only"> {name}</span>
            </button>
          </div>
        </div>
      </div>
    </li>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary } from "#app/components/storefront/error-page.tsx";
