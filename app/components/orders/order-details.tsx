/** The order page's read-only cards: items, payment and buyer, escrow, dispute. */
import type { MerchantOrderView } from "#app/routes/dashboard.$tenantId.orders.$orderId.server.ts";
import { Amount } from "./amount.tsx";
import { EscrowBadge } from "./order-status.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Card, formatDate } from "#app/components/ui/page.tsx";
import { RAIL_LABELS } from "#app/components/ui/rails.ts";

type Order = MerchantOrderView["order"];

/** One label–value line of a card's description list. */
export function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_1fr] gap-3 py-2 text-sm">
      <dt className="text-gray-500">{label}</dt>
      <dd className="min-w-0 break-words text-gray-900">{children}</dd>
    </div>
  );
}

export function ItemsCard({ order }: { order: Order }) {
  const c = order.currency;
  return (
    <Card title="Items">
      <div className="-mx-5 -my-4 overflow-x-auto">
        <table className="min-w-full text-sm">
          <thead className="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
            <tr>
              <th scope="col" className="px-5 py-2">Item</th>
              <th scope="col" className="px-3 py-2 text-right">Qty</th>
              <th scope="col" className="px-3 py-2 text-right">Unit price</th>
              <th scope="col" className="px-5 py-2 text-right">Line total</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {order.lines.map((l) => (
              <tr key={l.itemId}>
                <td className="px-5 py-2.5 text-gray-900">
                  {l.title} {l.kind === "digital" ? <Badge tone="indigo">Digital</Badge> : null}
                </td>
                <td className="px-3 py-2.5 text-right tabular-nums">{l.quantity}</td>
                <td className="px-3 py-2.5 text-right"><Amount value={l.unitPrice} currency={c} /></td>
                <td className="px-5 py-2.5 text-right"><Amount value={l.lineTotal} currency={c} /></td>
              </tr>
            ))}
          </tbody>
          <tfoot className="border-t border-gray-200 text-gray-700">
            <tr>
              <th scope="row" colSpan={3} className="px-5 pt-3 pb-1 text-right font-normal">Subtotal</th>
              <td className="px-5 pt-3 pb-1 text-right"><Amount value={order.subtotal} currency={c} /></td>
            </tr>
            {order.shipping.method || /[1-9]/.test(order.shipping.amount) ? (
              <tr>
                <th scope="row" colSpan={3} className="px-5 py-1 text-right font-normal">
                  Shipping{order.shipping.method ? ` · ${order.shipping.method.name} (${order.shipping.method.minDays}–${order.shipping.method.maxDays} days)` : ""}
                </th>
                <td className="px-5 py-1 text-right" data-testid="order-shipping"><Amount value={order.shipping.amount} currency={c} /></td>
              </tr>
            ) : null}
            {/[1-9]/.test(order.tax.amount) ? (
              <tr>
                <th scope="row" colSpan={3} className="px-5 py-1 text-right font-normal">{order.tax.included ? "Tax (included in prices)" : "Tax"}</th>
                <td className="px-5 py-1 text-right" data-testid="order-tax"><Amount value={order.tax.amount} currency={c} /></td>
              </tr>
            ) : null}
            <tr>
              <th scope="row" colSpan={3} className="px-5 pt-1 pb-3 text-right font-semibold text-gray-900">Total paid by the buyer</th>
              <td className="px-5 pt-1 pb-3 text-right font-semibold text-gray-900"><Amount value={order.total} currency={c} /></td>
            </tr>
          </tfoot>
        </table>
      </div>
    </Card>
  );
}

export function PaymentCard({ order }: { order: Order }) {
  return (
    <Card title="Payment and buyer">
      <dl className="-my-2 divide-y divide-gray-100">
        <Row label="Rail">{RAIL_LABELS[order.rail] ?? order.rail}</Row>
        <Row label="Protection">
          <span className="flex items-start gap-2">
            <span aria-hidden className={`mt-1.5 size-2 shrink-0 rounded-full ${order.rail === "escrow" ? "bg-emerald-500" : "bg-amber-500"}`} />
            <span className={order.rail === "escrow" ? "font-medium text-emerald-800" : "font-medium text-amber-900"}>{order.protection}</span>
          </span>
          {order.acknowledgedNoEscrow && order.rail !== "escrow" ? <p className="mt-1 text-xs text-gray-500">The buyer acknowledged that there is no escrow protection.</p> : null}
        </Row>
        {order.expiresAt ? <Row label="Pay by">{formatDate(order.expiresAt)}</Row> : null}
        {order.paidAt ? <Row label="Paid">{formatDate(order.paidAt)}</Row> : null}
        {order.evidenceNote ? <Row label="Evidence note">{order.evidenceNote}</Row> : null}
        <Row label="Buyer email"><a href={`mailto:${order.email}`} className="text-indigo-700 hover:underline">{order.email}</a></Row>
        {order.tracking ? (
          <Row label="Tracking">
            <span data-testid="tracking">
              {order.tracking.carrier}{order.tracking.number ? ` · ${order.tracking.number}` : ""}
              {order.tracking.url ? <> · <a href={order.tracking.url} target="_blank" rel="noopener noreferrer" className="text-indigo-700 hover:underline">Track</a></> : null}
            </span>
          </Row>
        ) : null}
        <Row label="Ship to">
          {order.address ? (
            <address className="not-italic">
              {order.address.name}<br />
              {order.address.line1}<br />
              {order.address.line2 ? <>{order.address.line2}<br /></> : null}
              {order.address.postalCode} {order.address.city}{order.address.region ? `, ${order.address.region}` : ""}<br />
              {order.address.countryName}
            </address>
          ) : (
            <span className="text-gray-500">No shipping address (digital items)</span>
          )}
        </Row>
      </dl>
    </Card>
  );
}

export function EscrowCard({ order }: { order: Order }) {
  const e = order.escrow;
  if (!e) return null;
  const c = order.currency;
  return (
    <Card title="Escrow" actions={<EscrowBadge status={e.status} />}>
      <dl className="-my-2 divide-y divide-gray-100" data-testid="escrow">
        <Row label="Held"><Amount value={e.amount} currency={c} /> <span className="text-xs text-gray-500">since {formatDate(e.heldAt)}</span></Row>
        {e.status === "released" && e.releasedAmount ? <Row label="Released"><Amount value={e.releasedAmount} currency={c} /></Row> : null}
        {/* Refunded in full (status refunded) or in part out of a hold that is still held (ADR 040). */}
        {e.refundedAmount && /[1-9]/.test(e.refundedAmount) ? <Row label="Refunded"><Amount value={e.refundedAmount} currency={c} /></Row> : null}
        {e.settledAt ? <Row label="Settled">{formatDate(e.settledAt)}</Row> : null}
      </dl>
      {e.status === "held" ? (
        <p className="mt-3 text-xs text-gray-500">
          {order.status === "delivered" && order.releaseAfter
            ? `Released to you after ${formatDate(order.releaseAfter)} unless the buyer opens a dispute.`
            : order.status === "disputed"
              ? "Frozen while the dispute is open."
              : "Released to you after the buyer's delivery code is confirmed and the grace period ends."}
        </p>
      ) : null}
    </Card>
  );
}

export function DisputeCard({ order }: { order: Order }) {
  if (order.disputes.length === 0) return null;
  return (
    <Card title="Dispute">
      <ul className="-my-2 divide-y divide-gray-100">
        {order.disputes.map((d) => (
          <li key={d.id} className="space-y-1 py-2 text-sm" data-testid="dispute">
            <div className="flex flex-wrap items-center gap-2">
              {d.status === "open" ? <Badge tone="red">Open</Badge> : <Badge>Resolved</Badge>}
              <span className="text-xs text-gray-500">opened {formatDate(d.openedAt)}</span>
            </div>
            <p className="text-gray-800"><span className="text-gray-500">Buyer's reason:</span> {d.reason}</p>
            {d.status === "open" ? (
              <p className="text-xs text-gray-600">The platform's operators review it and either release the money to you or refund the buyer.</p>
            ) : (
              <p className="text-gray-800">
                {d.resolution === "release" ? "Released to the shop" : "Refunded to the buyer"}
                {d.resolvedAt ? <span className="text-xs text-gray-500"> · {formatDate(d.resolvedAt)}</span> : null}
              </p>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
