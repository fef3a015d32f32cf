/** An on-chain order's transactions (as the indexer saw them) and the arbiter's payout; dashboard and console. */
import type { ChainActivityView } from "#app/utils/chain-activity.server.ts";
import { Badge, type BadgeTone } from "#app/components/ui/badge.tsx";
import { CopyButton } from "#app/components/ui/copy-button.tsx";
import { Row } from "./order-details.tsx";

const TX_LABELS: Record<string, string> = { Funded: "Funded (escrow)", PaidDirect: "Paid direct", Released: "Released", Refunded: "Refunded" };
const STATUS_TONE: Record<string, BadgeTone> = { seen: "amber", confirmed: "green", orphaned: "gray" };
const OUTCOME: Record<string, { tone: BadgeTone; label: string }> = {
  pending: { tone: "gray", label: "Not applied yet" },
  posted: { tone: "green", label: "Posted to the ledger" },
  recorded: { tone: "indigo", label: "Recorded" },
  flagged: { tone: "red", label: "Flagged" },
};
const PAYOUT_TONE: Record<string, BadgeTone> = { requested: "amber", sent: "amber", confirmed: "green", failed: "red" };

/** 0x1234abcd…89abcdef: enough to recognise; the full value is in the title and the copy button. */
export const shortHex = (hex: string) => (hex.length > 20 ? `${hex.slice(0, 10)}…${hex.slice(-8)}` : hex);

function Hash({ value }: { value: string }) {
  return (
    <span className="flex min-w-0 max-w-full items-center gap-2">
      <code title={value} className="min-w-0 truncate font-mono text-xs text-gray-800">{shortHex(value)}</code>
      <CopyButton value={value} />
    </span>
  );
}

export function ChainActivity({ chain }: { chain: ChainActivityView }) {
  const payout = chain.payout;
  return (
    <div className="min-w-0 space-y-4" data-testid="chain-activity">
      <dl className="divide-y divide-gray-100">
        <Row label="Order ref"><Hash value={chain.orderRef} /></Row>
        {chain.merchant ? <Row label="Paid to"><Hash value={chain.merchant} /></Row> : null}
        {chain.amountLabel ? <Row label="Amount"><span className="font-mono">{chain.amountLabel}</span></Row> : null}
      </dl>
      {chain.txs.length === 0 ? (
        <p className="text-sm text-gray-500">No transaction seen on chain yet.</p>
      ) : (
        <ul role="list" className="divide-y divide-gray-100 rounded-lg border border-gray-200" data-testid="chain-txs">
          {chain.txs.map((t) => {
            const outcome = OUTCOME[t.outcome] ?? { tone: "gray" as const, label: t.outcome };
            return (
              <li key={`${t.txHash}:${t.name}`} data-testid="chain-tx" data-status={t.status} data-outcome={t.outcome} className="space-y-1.5 px-3 py-2.5 text-sm">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium text-gray-900">{TX_LABELS[t.name] ?? t.name}</span>
                  <Badge tone={STATUS_TONE[t.status] ?? "gray"}>
                    {t.status}{t.confirmations ? ` · ${t.confirmations.seen}/${t.confirmations.required} confirmations` : ""}
                  </Badge>
                  <Badge tone={outcome.tone}>{outcome.label}</Badge>
                </p>
                <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-gray-500">
                  <Hash value={t.txHash} />
                  <span>block <span className="font-mono">{t.block}</span></span>
                </div>
                {t.flagReason ? <p className="text-xs text-red-700">{t.flagReason}</p> : null}
              </li>
            );
          })}
        </ul>
      )}
      {payout ? (
        <div data-testid="chain-payout" data-status={payout.status} className="rounded-lg border border-gray-200 px-3 py-2.5 text-sm">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-medium text-gray-900">Payout: {payout.kind}</span>
            <Badge tone={PAYOUT_TONE[payout.status] ?? "gray"}>{payout.status}</Badge>
          </p>
          {payout.txHash ? <div className="mt-1.5 text-xs text-gray-500"><Hash value={payout.txHash} /></div> : null}
          {payout.lastError ? <p className="mt-1.5 text-xs break-words text-red-700">Last error: {payout.lastError}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
