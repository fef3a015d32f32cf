/** The shop's monthly platform-fee statements (G13-7, ADR 025): what the platform bills for invoice and card orders. */
import { Card } from "#app/components/ui/page.tsx";

export interface StatementView {
  id: string;
  month: string;
  total: string;
  currency: string;
  orderCount: number;
  status: string;
  lines: Array<{ orderId: string; rail: string; orderTotal: string; fee: string }>;
}

export function FeeStatementsCard({ statements }: { statements: StatementView[] }) {
  return (
    <Card
      title="Platform fee statements"
      description="On manual-invoice and card orders the platform fee is not taken at checkout: it is billed to you monthly, one statement per month."
    >
      {statements.length === 0 ? (
        <p className="text-sm text-gray-600">No statements yet. The first one appears after a month with paid invoice or card orders.</p>
      ) : (
        <ul className="divide-y divide-gray-100" data-testid="fee-statements">
          {statements.map((s) => (
            <li key={s.id} className="py-2">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-x-4 gap-y-1 text-sm">
                  <span className="font-medium text-gray-900">{s.month}</span>
                  <span className="text-gray-600">{s.orderCount} orders</span>
                  <span className="font-mono text-gray-900">{s.total} {s.currency}</span>
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${s.status === "settled" ? "bg-green-50 text-green-800" : "bg-amber-50 text-amber-900"}`}>
                    {s.status === "settled" ? "Settled" : "Open"}
                  </span>
                </summary>
                <table className="mt-2 w-full text-left text-xs">
                  <thead className="text-gray-500"><tr><th className="py-1 font-medium">Order</th><th className="font-medium">Rail</th><th className="font-medium">Total</th><th className="font-medium">Fee</th></tr></thead>
                  <tbody>
                    {s.lines.map((l) => (
                      <tr key={l.orderId} className="border-t border-gray-100">
                        <td className="py-1 font-mono">{l.orderId.slice(0, 8)}</td><td>{l.rail === "manual_invoice" ? "Invoice" : "Card"}</td>
                        <td className="font-mono">{l.orderTotal}</td><td className="font-mono">{l.fee}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
