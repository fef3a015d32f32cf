import { Link } from "@remix-run/react";
import type { CheckoutQuote } from "#app/routes/checkout.server.ts";
import { ArrowIcon, ShieldIcon } from "./icons.tsx";
import { ItemImage } from "./item-image.tsx";
import { focusRing, textLink } from "./styles.ts";

export function OrderSummary({ quote, rail }: { quote: CheckoutQuote; rail: CheckoutQuote["rails"][number] | null }) {
  return (
    <section aria-labelledby="summary-heading" className="min-w-0 rounded-3xl bg-gray-50 p-6 ring-1 ring-gray-200 lg:sticky lg:top-24">
      <h2 id="summary-heading" className="text-lg font-bold text-gray-900">Order summary</h2>
      <ul role="list" className="mt-4 divide-y divide-gray-200">
        {quote.lines.map((l) => (
          <li key={l.itemId} className="flex items-center gap-3 py-3" data-testid="checkout-line">
            <div className="w-14 shrink-0">
              <ItemImage id={l.itemId} title={l.title} image={l.image} size="sm" decorative />
            </div>
            <div className="min-w-0 flex-1">
              <p className="truncate font-semibold text-gray-900">{l.title}</p>
              <p className="text-sm text-gray-600">{l.quantity} × {l.unitPriceLabel}</p>
            </div>
            <p className="shrink-0 font-semibold text-gray-900">{l.lineTotalLabel}</p>
          </li>
        ))}
      </ul>
      <dl className="mt-2 space-y-1 border-t border-gray-200 pt-3">
        {quote.shipping ? <Parts shipping={quote.shipping} requiresShipping={quote.requiresShipping} /> : null}
        <div className="flex justify-between text-lg font-bold text-gray-900">
          <dt>Total</dt>
          <dd data-testid="checkout-total">{quote.totalLabel}</dd>
        </div>
      </dl>
      {rail ? (
        <p data-testid="protection-label" className={`mt-4 flex items-center gap-2 text-sm font-semibold ${rail.rail === "escrow" ? "text-emerald-800" : "text-gray-800"}`}>
          {rail.rail === "escrow" ? <ShieldIcon className="size-4" /> : null}
          {rail.protection}
        </p>
      ) : null}
      <Link to="/cart" className={`mt-4 inline-flex items-center gap-2 text-sm ${textLink} ${focusRing}`}>
        <ArrowIcon back /> Edit cart
      </Link>
    </section>
  );
}

/** Subtotal, shipping and tax as their own lines (ADR 035); an inclusive shop's tax is shown as included. */
function Parts({ shipping, requiresShipping }: { shipping: NonNullable<CheckoutQuote["shipping"]>; requiresShipping: boolean }) {
  const row = "flex justify-between text-sm text-gray-700";
  return (
    <>
      <div className={row}><dt>Subtotal</dt><dd data-testid="checkout-subtotal">{shipping.subtotalLabel}</dd></div>
      {requiresShipping && shipping.zonesConfigured ? (
        <div className={row}><dt>Shipping</dt><dd data-testid="checkout-shipping">{shipping.shipsToCountry ? shipping.shippingLabel : "—"}</dd></div>
      ) : null}
      {shipping.hasTax ? (
        <div className={row}><dt>{shipping.taxIncluded ? "Tax (included)" : "Tax"}</dt><dd data-testid="checkout-tax">{shipping.taxLabel}</dd></div>
      ) : null}
    </>
  );
}
