/** Card payments flagged for an operator (ADR 024): amount mismatch, paid after expiry, partial refund. */
import { Link } from "@remix-run/react";
import { Card } from "#app/components/ui/page.tsx";

export interface CardFlag { id: string; tenantId: string; tenantSlug: string; orderId: string | null; type: string; detail: string | null; receivedAt: string }

export function CardFlags({ flags }: { flags: CardFlag[] }) {
  return (
    <Card title="Card payments flagged (Stripe)" description="Stripe reported something the order did not expect; no money was recorded for it. Settle it in the shop's Stripe account (usually a refund).">
      {flags.length === 0 ? (
        <p className="text-sm text-gray-600">Nothing flagged.</p>
      ) : (
        <ul data-testid="card-flags" className="divide-y divide-gray-100 text-sm">
          {flags.map((f) => (
            <li key={f.id} className="py-2">
              <span className="font-medium">{f.tenantSlug}</span> · {f.type} · {f.receivedAt.slice(0, 16).replace("T", " ")} UTC
              {f.orderId ? <> · <Link className="underline" to={`/ops/tenants/${f.tenantId}/orders/${f.orderId}`}>order {f.orderId.slice(0, 8)}</Link></> : null}
              {f.detail ? <p className="text-gray-700">{f.detail}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
