/** The buyer's order page: where the order goes and how it travels (carrier, number, tracking link; issue 22). */
import type { BuyerOrderPage } from "#app/routes/orders.$token.server.ts";

export function BuyerShipment({ shipment }: { shipment: BuyerOrderPage["shipment"] }) {
  const { tracking, shipTo } = shipment;
  if (!tracking && !shipTo) return null;
  return (
    <section aria-labelledby="shipment-heading" data-testid="shipment" className="mt-8 rounded-3xl bg-white p-6 ring-1 ring-gray-200">
      <h2 id="shipment-heading" className="text-lg font-bold text-gray-900">Shipping</h2>
      <dl className="mt-3 grid grid-cols-1 gap-4 sm:grid-cols-2">
        {tracking ? (
          <div>
            <dt className="text-sm font-medium text-gray-600">Tracking</dt>
            <dd className="mt-1 text-gray-900">
              <span data-testid="tracking-carrier" className="font-semibold">{tracking.carrier}</span>
              {tracking.number ? <span data-testid="tracking-number" className="block break-all font-mono text-sm">{tracking.number}</span> : null}
              {tracking.url ? (
                <a data-testid="tracking-link" href={tracking.url} target="_blank" rel="noopener noreferrer" className="mt-2 inline-block font-semibold text-indigo-700 underline underline-offset-2">
                  Track your parcel
                </a>
              ) : null}
            </dd>
          </div>
        ) : null}
        {shipTo ? (
          <div>
            <dt className="text-sm font-medium text-gray-600">Ship to</dt>
            <dd className="mt-1 text-gray-900">
              <address data-testid="ship-to" className="not-italic">
                {shipTo.name}<br />
                {shipTo.line1}<br />
                {shipTo.line2 ? <>{shipTo.line2}<br /></> : null}
                {shipTo.postalCode} {shipTo.city}{shipTo.region ? `, ${shipTo.region}` : ""}<br />
                {shipTo.countryName}
              </address>
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}
