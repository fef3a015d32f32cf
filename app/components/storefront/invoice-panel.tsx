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
  // Numbers in a monospace font, so a buyer comparing them digit by digit does not mistake one for another.
  const rows: Array<{ label: string; value: string; copy?: string; mono?: boolean }> = [
    { label: "Amount", value: invoice.amountLabel, mono: true },
    { label: "Account holder", value: invoice.accountHolder, copy: invoice.accountHolder },
    { label: "IBAN / account", value: invoice.accountNumber, copy: invoice.accountNumber.replace(/\s+/g, ""), mono: true },
    { label: "Bank", value: invoice.bankName },
    { label: "Reference", value: invoice.reference, copy: invoice.reference, mono: true },
  ];
  return (
    <div data-testid="invoice-details" className="mt-4 rounded-2xl bg-white p-4 ring-1 ring-gray-200">
      <p className="text-sm text-gray-700">Pay by bank transfer to the shop. Quote the reference exactly, so the shop can match your payment.</p>
      <dl className="mt-3 divide-y divide-gray-100">
        {rows.map((r) => (
          <div key={r.label} className="flex flex-col gap-1 py-2 sm:flex-row sm:items-center sm:gap-3">
            <dt className="shrink-0 text-sm text-gray-600 sm:w-32">{r.label}</dt>
            <dd className="flex min-w-0 flex-1 items-center justify-between gap-3">
              <span className={`min-w-0 font-semibold text-gray-900 [overflow-wrap:anywhere] ${r.mono ? "font-mono text-sm" : "text-base"}`}>{r.value}</span>
              {r.copy ? <CopyButton value={r.copy} what={r.label.toLowerCase()} /> : null}
            </dd>
          </div>
        ))}
      </dl>
      {invoice.note ? <p className="mt-3 whitespace-pre-line text-sm text-gray-700">{invoice.note}</p> : null}
    </div>
  );
}
