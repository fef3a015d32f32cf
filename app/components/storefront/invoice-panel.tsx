import { CopyButton } from "#app/components/ui/copy-button.tsx";

export interface InvoiceDetails {
  accountHolder: string;
  accountNumber: string;
  bankName: string;
  reference: string;
  amountLabel: string;
  note: string;
}

/**
 * A manual-invoice order's bank details (ADR 025), each with its own copy button so a buyer on a phone can paste them
 * into a banking app one by one. The reference is what lets the shop match the transfer to this order.
 */
export function InvoicePanel({ invoice }: { invoice: InvoiceDetails }) {
  const rows: Array<{ label: string; value: string; copy?: string }> = [
    { label: "Amount", value: invoice.amountLabel },
    { label: "Account holder", value: invoice.accountHolder, copy: invoice.accountHolder },
    { label: "IBAN / account", value: invoice.accountNumber, copy: invoice.accountNumber.replace(/\s+/g, "") },
    { label: "Bank", value: invoice.bankName },
    { label: "Reference", value: invoice.reference, copy: invoice.reference },
  ];
  return (
    <div data-testid="invoice-details" className="mt-4 rounded-2xl bg-white p-4 ring-1 ring-gray-200">
      <p className="text-sm text-gray-700">Pay by bank transfer to the shop. Quote the reference exactly, so the shop can match your payment.</p>
      <dl className="mt-3 divide-y divide-gray-100">
        {rows.map((r) => (
          <div key={r.label} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
            <dt className="w-32 shrink-0 text-sm text-gray-600">{r.label}</dt>
            <dd className="flex min-w-0 flex-1 items-center justify-between gap-3">
              <span className="min-w-0 break-all font-mono text-sm font-semibold text-gray-900">{r.value}</span>
              {r.copy ? <CopyButton value={r.copy} what={r.label.toLowerCase()} /> : null}
            </dd>
          </div>
        ))}
      </dl>
      {invoice.note ? <p className="mt-3 whitespace-pre-line text-sm text-gray-700">{invoice.note}</p> : null}
    </div>
  );
}
