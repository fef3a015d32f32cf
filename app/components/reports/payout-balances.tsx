/** The Payouts page's balances from the ledger, and what each rail pays out and when (ADR 018, 024, 025, 031). */
import { Card } from "#app/components/ui/page.tsx";
import { RAIL_LABELS } from "#app/components/ui/rails.ts";
import { Amount, formatSignedPrice } from "#app/components/orders/amount.tsx";
import type { Balances } from "#server/reports/shared.ts";

function Figure({ label, value, currency, help, testId }: { label: string; value: string; currency: string; help: string; testId: string }) {
  return (
    <div className="min-w-0 rounded-lg bg-gray-50 px-4 py-3">
      <dt className="text-xs text-gray-500">{label}</dt>
      <dd className="mt-0.5 text-xl font-semibold text-gray-900" data-testid={testId}><Amount value={value} currency={currency} /></dd>
      <dd className="mt-1 text-xs text-gray-500">{help}</dd>
    </div>
  );
}

export function PayoutBalances({ balances }: { balances: Balances[] }) {
  if (balances.length === 0) {
    return <Card title="Balance"><p className="text-sm text-gray-600">No money has moved for this shop yet.</p></Card>;
  }
  return (
    <>
      {balances.map((b) => (
        <Card key={b.currency} title={`Balance (${b.currency})`} description="From the ledger, updated with every payment, release, refund and fee.">
          <dl className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <Figure label="Held in escrow" value={b.escrow} currency={b.currency} testId="balance-escrow" help="Buyers' money the platform holds until delivery; paid out to you order by order at release." />
            <Figure label="Payable to you" value={b.payable} currency={b.currency} testId="balance-payable" help="Your account in the ledger: what releases and payments credited you, less fees and refunds." />
            <Figure label="Paid to you" value={b.paidOut} currency={b.currency} testId="balance-paid-out" help={`Released from escrow or paid straight to you; ${formatLess(b)} went back in fees and refunds.`} />
            <Figure label="Fees you owe" value={b.feesOwed} currency={b.currency} testId="balance-fees-owed" help="Platform fees on card and invoice orders, billed on your monthly fee statement." />
          </dl>
        </Card>
      ))}
    </>
  );
}

const formatLess = (b: Balances) => formatSignedPrice(b.deducted, b.currency);

const RAIL_PAYOUT: Record<string, string> = {
  escrow: "Held in escrow when the buyer pays. Each order is paid out to you on its own at release — after delivery and the grace period, unless a dispute is open — less the platform fee. On-chain orders are sent to your payout address by the platform's arbiter transaction.",
  direct: "Paid straight to you when the buyer pays, with no hold; the platform fee is taken from the payment.",
  external_provider: "Paid by card straight into your own Stripe account, which pays you out on Stripe's schedule. The platform fee is billed on your monthly fee statement.",
  manual_invoice: "The buyer pays your bank account and you mark the order paid. The platform fee is billed on your monthly fee statement.",
};

export function RailPayouts({ rails }: { rails: string[] }) {
  return (
    <Card title="When you get paid" description="By payment rail, for the rails your shop accepts.">
      <dl className="space-y-3 text-sm" data-testid="rail-payouts">
        {rails.map((r) => (
          <div key={r} className="sm:flex sm:gap-4">
            <dt className="w-40 shrink-0 font-medium text-gray-900">{RAIL_LABELS[r] ?? r}</dt>
            <dd className="text-gray-600">{RAIL_PAYOUT[r] ?? ""}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
