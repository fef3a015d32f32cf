/**
 * An order's ledger postings: a one-line summary of each in the merchant's words (always visible), and the raw
 * double-entry table behind "Ledger details". The ledger's sign convention (server/money/ledger.ts, balances moved
 * by the database): a positive entry adds to what the account holds, a negative one takes from it. The table shows
 * positive entries as credits and negative ones as debits, and says what that means for each account kind.
 */
import { formatDateTime } from "#app/components/ops/format.ts";
import { Badge } from "#app/components/ui/badge.tsx";
import { Amount, formatSignedPrice } from "./amount.tsx";

export interface LedgerEntryView {
  account: string;
  /** The ledger account kind (LedgerAccountKind): what a debit or credit means depends on it. */
  kind: string;
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
  /** Net signed movement of the posting per account kind (escrow, merchant payable, platform fees, outside). */
  effects: { escrow: string; payable: string; fees: string; outside: string; owed: string };
  totalDebit: string;
  totalCredit: string;
  balanced: boolean;
}

const POSTING_LABELS: Record<string, string> = {
  fund: "Funding",
  release: "Release to merchant",
  refund: "Refund to buyer",
  fee: "Platform fee (billed monthly)",
};

/** What a credit (money added) and a debit (money taken) mean for each account kind, from the shop's side. */
const SIDE_WORDS: Record<string, { credit: string; debit: string }> = {
  external: { credit: "paid out of the platform", debit: "paid in from outside" },
  buyer_clearing: { credit: "received for this order", debit: "passed on" },
  escrow: { credit: "held in escrow", debit: "taken out of escrow" },
  merchant_payable: { credit: "owed to you", debit: "paid out to you" },
  platform_fees: { credit: "platform fee charged", debit: "platform fee returned" },
  merchant_fee_receivable: { credit: "platform fee you owe", debit: "platform fee no longer owed" },
};

/** Words that depend on the posting too: a fee accrual takes the fee from the shop's takings; a refund takes them back. */
function sideWords(kind: string, postingKind: string, side: "credit" | "debit") {
  if (kind === "merchant_payable" && side === "debit" && postingKind === "fee") return "set aside for the platform fee";
  if (kind === "merchant_payable" && side === "debit" && postingKind === "refund") return "taken back from you";
  return SIDE_WORDS[kind]?.[side];
}

const isZero = (amount: string) => /^-?0(\.0*)?$/.test(amount);
const abs = (amount: string) => amount.replace(/^-/, "");
const positive = (amount: string) => !amount.startsWith("-") && !isZero(amount);

/** "Payment received: $40.00 paid in, held in escrow" — the posting's effect on the shop, in words. */
export function postingSummary(p: LedgerPostingView) {
  const m = (amount: string) => formatSignedPrice(abs(amount), p.currency);
  const { escrow, payable, fees, outside, owed } = p.effects;
  // Card and invoice orders: the fee is not taken from the payment but owed and billed on the monthly statement.
  if (p.kind === "fee") return `${m(owed)} platform fee, billed on your monthly statement`;
  const parts: string[] = [];
  if (!isZero(outside) && !positive(outside)) parts.push(`${m(outside)} paid in by the buyer`);
  if (positive(escrow)) parts.push(`${m(escrow)} held in escrow`);
  if (!isZero(escrow) && !positive(escrow)) parts.push(`${m(escrow)} taken out of escrow`);
  if (positive(payable)) parts.push(`${m(payable)} owed to you`);
  if (!isZero(payable) && !positive(payable)) parts.push(p.kind === "refund" ? `${m(payable)} taken back from you` : `${m(payable)} paid out to you`);
  if (!isZero(owed) && !positive(owed)) parts.push(`${m(owed)} platform fee no longer owed`);
  if (positive(fees)) parts.push(`${m(fees)} platform fee`);
  if (positive(outside)) parts.push(p.kind === "refund" ? `${m(outside)} returned to the buyer` : `${m(outside)} paid out of the platform`);
  return parts.join(", ");
}

/** The visible list: one line per posting, each with its time and whether it balances. */
export function LedgerSummary({ postings }: { postings: LedgerPostingView[] }) {
  if (postings.length === 0) {
    return <p className="text-sm text-gray-500">No postings yet. The ledger records this order once its payment arrives.</p>;
  }
  return (
    <ol className="-my-2 divide-y divide-gray-100">
      {postings.map((p) => (
        <li key={p.key} className="py-2 text-sm" data-testid="ledger-posting" data-kind={p.kind}>
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className="font-medium text-gray-900">{POSTING_LABELS[p.kind] ?? p.kind}</span>
            <time dateTime={p.at} className="text-xs text-gray-500">{formatDateTime(p.at)}</time>
            {p.balanced ? null : <Badge tone="red">Does not balance</Badge>}
          </div>
          <p className="text-gray-700">{postingSummary(p)}</p>
        </li>
      ))}
    </ol>
  );
}

const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500";
const num = "px-3 py-2 text-right";

function Side({ amount, words, currency }: { amount: string | null; words: string | undefined; currency: string }) {
  if (!amount) return <span className="text-gray-300">—</span>;
  return (
    <>
      <Amount value={amount} currency={currency} />
      {words ? <span className="block text-xs text-gray-500">{words}</span> : null}
    </>
  );
}

/** The raw double-entry table: each posting's debits equal its credits. Scrolls inside itself on a phone. */
export function LedgerTable({ postings }: { postings: LedgerPostingView[] }) {
  if (postings.length === 0) return null;
  return (
    <div className="space-y-3">
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
            <tbody key={p.key} className="border-b border-gray-200" data-testid="ledger-entries" data-kind={p.kind}>
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
                  <td className={num}><Side amount={e.debit} words={sideWords(e.kind, p.kind, "debit")} currency={p.currency} /></td>
                  <td className={num}><Side amount={e.credit} words={sideWords(e.kind, p.kind, "credit")} currency={p.currency} /></td>
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
      </div>
      <p className="text-xs text-gray-500">
        A credit adds to what an account holds and a debit takes from it: a credit to “Shop payable” is money owed to you, a credit to
        “Escrow” money held for this order. “Outside the platform” is the other way round: a debit there is money paid in (the buyer’s
        payment), a credit money paid out. In every posting the debits equal the credits; entries are never edited or deleted.
      </p>
    </div>
  );
}
