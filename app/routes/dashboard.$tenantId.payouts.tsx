import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { Card, EmptyState } from "#app/components/ui/page.tsx";
import { buttonClass } from "#app/components/ui/button.tsx";
import { inputClass } from "#app/components/ui/field.tsx";
import { Amount } from "#app/components/orders/amount.tsx";
import { PayoutBalances, RailPayouts } from "#app/components/reports/payout-balances.tsx";
import { loadPayouts } from "./dashboard.$tenantId.payouts.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "payouts.read", operator: false });
  return loadPayouts(context, tenantId, new URL(request.url));
}

const ACCOUNT_LABELS: Record<string, string> = { merchant_payable: "Payable to you", escrow: "Escrow", merchant_fee_receivable: "Fees you owe" };
const KIND_LABELS: Record<string, string> = {
  fund: "Payment", release: "Release from escrow", refund: "Refund", fee: "Platform fee (billed monthly)", fee_settle: "Fee statement settled",
};

export default function PayoutsPage() {
  const { balances, rails, months, range, movements, nextAfter, after } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const csvQuery = new URLSearchParams({ from: range.from, to: range.to }).toString();
  return (
    <div className="space-y-6">
      <PayoutBalances balances={balances} />
      <RailPayouts rails={rails} />
      <Card
        title="Ledger movements"
        description={`Every movement on your escrow, payable and fee accounts, ${range.from} to ${range.to} (${range.timeZone.replace(/_/g, " ")}).`}
        actions={<a href={`payouts/movements.csv?${csvQuery}`} className={buttonClass("secondary", "sm")} download data-testid="movements-csv">Download CSV</a>}
      >
        <Form method="get" className="mb-4 flex flex-wrap items-end gap-3" preventScrollReset>
          <label className="text-sm text-gray-700">From<input type="date" name="from" defaultValue={range.from} className={`mt-1 block ${inputClass}`} /></label>
          <label className="text-sm text-gray-700">To<input type="date" name="to" defaultValue={range.to} className={`mt-1 block ${inputClass}`} /></label>
          <button type="submit" className={buttonClass("secondary", "md")}>Show</button>
        </Form>
        {movements.length === 0 ? <EmptyState title="No movements" description="Nothing moved on your accounts in these days." /> : (
          <div className="-mx-5 overflow-x-auto">
            <table className="w-full min-w-[36rem] text-sm" data-testid="movements">
              <thead className="text-left text-xs text-gray-500">
                <tr><th className="px-5 py-2 font-medium">Time</th><th className="py-2 font-medium">Account</th><th className="py-2 font-medium">What</th><th className="py-2 font-medium">Order</th><th className="px-5 py-2 text-right font-medium">Amount</th></tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {movements.map((m) => (
                  <tr key={m.id}>
                    <td className="whitespace-nowrap px-5 py-2 text-gray-600">{new Date(m.at).toLocaleString("en", { timeZone: range.timeZone, dateStyle: "medium", timeStyle: "short" })}</td>
                    <td className="py-2">{ACCOUNT_LABELS[m.account] ?? m.account}</td>
                    <td className="py-2">{KIND_LABELS[m.kind] ?? m.kind}</td>
                    <td className="py-2">{m.orderId ? <Link to={`../orders/${m.orderId}`} className="font-mono text-xs text-indigo-700 hover:underline">{m.orderId.slice(0, 8)}</Link> : "—"}</td>
                    <td className="px-5 py-2 text-right"><Amount value={m.amount} currency={m.currency} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="mt-3 flex gap-3 text-sm">
          {after ? <Link to={`?${csvQuery}`} className="font-medium text-indigo-600">First page</Link> : null}
          {nextAfter ? <Link to={`?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(search)), after: nextAfter }).toString()}`} className="font-medium text-indigo-600">Next page</Link> : null}
        </div>
      </Card>
      <Card title="Monthly statement" description="Opening balance, every movement with the running balance, and the closing balance of each account, as CSV.">
        <Form method="get" action="statement.csv" reloadDocument className="flex flex-wrap items-end gap-3">
          <label className="text-sm text-gray-700">Month
            <select name="month" className={`mt-1 block ${inputClass} pr-8`} defaultValue={months[0]}>
              {months.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </label>
          <button type="submit" className={buttonClass("secondary", "md")} data-testid="statement-csv">Download statement</button>
        </Form>
      </Card>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
