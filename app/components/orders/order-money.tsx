/**
 * One order's money as the merchant reads it: what the buyer paid, the platform's fee, what the shop gets, and where
 * the money is right now (held in escrow, released, refunded, paid straight to the shop, not paid yet) in words.
 */
import { formatDate } from "#app/components/ui/page.tsx";
import { Amount, formatSignedPrice } from "./amount.tsx";
import { sumLines } from "#app/components/storefront/money.ts";

export interface OrderMoney {
  status: string;
  rail: string;
  currency: string;
  total: string;
  fee: { amount: string; percent: string };
  net: string;
  paidAt: string | null;
  expiresAt: string | null;
  releaseAfter: string | null;
  escrow: { status: string; settledAt: string | null; amount?: string; refundedAmount?: string | null } | null;
}

/** Refunded out of a hold that is still held (ADR 040), as [refunded, still held], or null when nothing was. */
function partlyRefunded(o: OrderMoney): [string, string] | null {
  const e = o.escrow;
  if (!e?.amount || !e.refundedAmount || !/[1-9]/.test(e.refundedAmount)) return null;
  return [e.refundedAmount, sumLines([{ price: e.amount, quantity: 1 }, { price: e.refundedAmount, quantity: -1 }], o.currency)];
}

/** Card and invoice orders: the buyer pays the shop directly; the platform fee is billed monthly (ADR 025). */
const billedMonthly = (o: OrderMoney) => o.rail === "external_provider" || o.rail === "manual_invoice";
const PAID_HOW: Record<string, string> = { manual_invoice: "by invoice", external_provider: "by card through your Stripe account" };

/** Where this order's money is, in one or two sentences. */
export function settlementText(o: OrderMoney) {
  const net = formatSignedPrice(o.net, o.currency);
  const total = formatSignedPrice(o.total, o.currency);
  const e = o.escrow;
  if (e?.status === "held") {
    const partial = partlyRefunded(o);
    if (partial && o.status !== "disputed") {
      const [refunded, rest] = partial.map((x) => formatSignedPrice(x, o.currency));
      return `The buyer paid ${total}; you refunded ${refunded} of it from the hold. The platform holds the remaining ${rest} and releases it to you, less the platform fee, ${o.status === "delivered" && o.releaseAfter ? `after ${formatDate(o.releaseAfter)} unless the buyer opens a dispute` : "once the buyer's delivery code is confirmed and the grace period ends"}.`;
    }
    if (o.status === "disputed") return `The buyer paid ${total}; the platform holds it in escrow, frozen while the dispute is open. The operators either release it to you or refund the buyer.`;
    if (o.status === "delivered" && o.releaseAfter) return `Delivered. The platform holds ${total} in escrow and releases ${net} to you after ${formatDate(o.releaseAfter)}, unless the buyer opens a dispute.`;
    return `The buyer paid ${total}; the platform holds it in escrow. You receive ${net} once the buyer's delivery code is confirmed and the grace period ends.`;
  }
  if (e?.status === "released") return `Released from escrow${e.settledAt ? ` on ${formatDate(e.settledAt)}` : ""}: ${net} is yours.`;
  if (e?.status === "refunded") return `Refunded to the buyer${e.settledAt ? ` on ${formatDate(e.settledAt)}` : ""}. You receive nothing for this order and no platform fee is charged.`;
  switch (o.status) {
    case "pending_payment":
      return o.rail === "manual_invoice"
        ? `Not paid yet: the buyer has the payment instructions${o.expiresAt ? ` until ${formatDate(o.expiresAt)}` : ""}. Mark it paid once the money arrives.`
        : `Not paid yet${o.expiresAt ? `: the order expires unpaid at ${formatDate(o.expiresAt)}` : ""}. Nothing has moved.`;
    case "expired":
    case "cancelled":
    case "draft":
      return "No money moved for this order.";
    case "refunded":
      if (o.rail === "external_provider") return "Refunded to the buyer through Stripe. No platform fee is charged for this order.";
      break;
  }
  if (billedMonthly(o) && o.paidAt) {
    const fee = formatSignedPrice(o.fee.amount, o.currency);
    return `Paid ${PAID_HOW[o.rail]} on ${formatDate(o.paidAt)}, straight to you: ${total}. The ${fee} platform fee is billed on your monthly statement.`;
  }
  return o.paidAt
    ? `Paid straight to you on ${formatDate(o.paidAt)}, with no escrow hold: ${net} is yours.`
    : `${net} is yours once the payment arrives.`;
}

function youReceiveLabel(o: OrderMoney) {
  if (billedMonthly(o) && o.paidAt) return "You keep";
  if (o.escrow?.status === "released" || (!o.escrow && o.paidAt)) return "You received";
  return "You receive";
}

export function OrderMoneySummary({ order: o }: { order: OrderMoney }) {
  const refunded = o.escrow?.status === "refunded" || (o.rail === "external_provider" && o.status === "refunded");
  const unpaid = ["pending_payment", "expired", "cancelled", "draft"].includes(o.status);
  return (
    <div className="space-y-3" data-testid="order-money">
      <dl className="divide-y divide-gray-100 text-sm">
        <div className="flex justify-between gap-4 py-2">
          <dt className="text-gray-700">Order total</dt>
          <dd className="font-medium text-gray-900" data-testid="order-total"><Amount value={o.total} currency={o.currency} /></dd>
        </div>
        <div className="flex justify-between gap-4 py-2">
          <dt className="text-gray-700">Platform fee ({o.fee.percent}{billedMonthly(o) ? ", billed monthly" : ""})</dt>
          <dd className="text-gray-900">{refunded ? <span className="text-gray-500">none</span> : <Amount value={`-${o.fee.amount}`} currency={o.currency} />}</dd>
        </div>
        <div className="flex justify-between gap-4 py-2">
          <dt className="font-semibold text-gray-900">{youReceiveLabel(o)}</dt>
          <dd className="font-semibold text-gray-900" data-testid="order-net">
            {refunded ? <span className="text-gray-500">nothing (refunded)</span> : <Amount value={o.net} currency={o.currency} />}
          </dd>
        </div>
      </dl>
      <p className={`rounded-md px-3 py-2 text-sm ${unpaid ? "bg-gray-50 text-gray-700" : o.escrow?.status === "held" ? "bg-amber-50 text-amber-900" : "bg-emerald-50 text-emerald-900"}`} data-testid="settlement">
        {settlementText(o)}
      </p>
    </div>
  );
}
