/**
 * An order's ledger postings as a double-entry table: each posting is a group of entries whose debits equal their
 * credits. Debit = money leaves the account (a negative entry), credit = money arrives (a positive entry).
 */
import { formatDateTime } from "#app/components/ops/format.ts";
import { Badge } from "#app/components/ui/badge.tsx";
import { Amount } from "./amount.tsx";

export interface LedgerEntryView {
  account: string;
  accountKey: string;
  debit: string | null;
  credit: string | null;
}

export interface LedgerPostingView {
  key: string;
  kind: string;
  at: string;
  currency: string;
  entries: LedgerEntryView[];
  totalDebit: string;
  totalCredit: string;
  balanced: boolean;
}

const POSTING_LABELS: Record<string, string> = {
  fund: "Funding",
  release: "Release to merchant",
  refund: "Refund to buyer",
};

const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500";
const num = "px-3 py-2 text-right";

export function LedgerTable({ postings }: { postings: LedgerPostingView[] }) {
  if (postings.length === 0) {
    return <p className="text-sm text-gray-500">No postings yet. The ledger records this order once its payment arrives.</p>;
  }
  return (
    <div className="-mx-5 overflow-x-auto">
      <table className="w-full min-w-[36rem] text-sm" data-testid="ledger-table">
        <thead className="border-y border-gray-100 bg-gray-50">
          <tr>
            <th scope="col" className={th}>Time</th>
            <th scope="col" className={th}>Posting</th>
            <th scope="col" className={th}>Account</th>
            <th scope="col" className={`${th} text-right`}>Debit</th>
            <th scope="col" className={`${th} text-right`}>Credit</th>
          </tr>
        </thead>
        {postings.map((p) => (
          <tbody key={p.key} className="border-b border-gray-200" data-testid="ledger-posting" data-kind={p.kind}>
            {p.entries.map((e, i) => (
              <tr key={`${e.accountKey}-${i}`} className="align-top">
                {i === 0 ? (
                  <>
                    <td rowSpan={p.entries.length + 1} className="whitespace-nowrap px-3 py-2 text-gray-700">
                      <time dateTime={p.at}>{formatDateTime(p.at)}</time>
                    </td>
                    <td rowSpan={p.entries.length + 1} className="px-3 py-2">
                      <span className="font-medium text-gray-900">{POSTING_LABELS[p.kind] ?? p.kind}</span>
                      <span className="block font-mono text-xs text-gray-500">{p.key.split(":")[0]}</span>
                    </td>
                  </>
                ) : null}
                <td className="px-3 py-2 text-gray-800" title={e.accountKey}>{e.account}</td>
                <td className={num}>{e.debit ? <Amount value={e.debit} currency={p.currency} /> : <span className="text-gray-300">—</span>}</td>
                <td className={num}>{e.credit ? <Amount value={e.credit} currency={p.currency} /> : <span className="text-gray-300">—</span>}</td>
              </tr>
            ))}
            <tr className="bg-gray-50/70 text-xs">
              <td className="px-3 py-1.5 text-gray-600">
                {p.balanced ? <Badge tone="green">Balanced</Badge> : <Badge tone="red">Does not balance</Badge>}
              </td>
              <td className={`${num} py-1.5 font-medium text-gray-700`}><Amount value={p.totalDebit} currency={p.currency} /></td>
              <td className={`${num} py-1.5 font-medium text-gray-700`}><Amount value={p.totalCredit} currency={p.currency} /></td>
            </tr>
          </tbody>
        ))}
      </table>
      <p className="px-5 pt-3 text-xs text-gray-500">
        Debit: money leaves the account. Credit: money arrives in it. In every posting the debits equal the credits; entries are never edited or deleted.
      </p>
    </div>
  );
}
