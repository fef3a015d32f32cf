/** The buyer's order page: what the shop refunded after delivery (ADR 040), amount and date. */
import type { BuyerOrderPage } from "#app/routes/orders.$token.server.ts";

export function BuyerRefunds({ refunds }: { refunds: BuyerOrderPage["refunds"] }) {
  if (refunds.length === 0) return null;
  return (
    <section aria-labelledby="refunds-heading" data-testid="refunds" className="mt-8 rounded-3xl bg-white p-6 ring-1 ring-gray-200">
      <h2 id="refunds-heading" className="text-lg font-bold text-gray-900">Refunds</h2>
      <ul className="mt-3 divide-y divide-gray-100">
        {refunds.map((r) => (
          <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
            <span className="text-gray-600">{r.at}</span>
            <span data-testid="refund-amount" className="font-semibold text-gray-900">{r.amountLabel}</span>
          </li>
        ))}
      </ul>
      <p className="mt-2 text-xs text-gray-500">A refund can take a few days to show on your statement.</p>
    </section>
  );
}
