/**
 * The money page's "On-chain escrow" section (ADR 018): which chain and contract, where the indexer is, a halt with
 * its reason, flagged fundings (each refundable to its payer once) and failed payouts. Lists, not tables, and long
 * hex values wrap, so a phone never scrolls sideways.
 */
import { Link } from "@remix-run/react";
import type { ChainOps } from "#app/routes/ops.money.chain.server.ts";
import { Card, EmptyState } from "#app/components/ops/layout.tsx";
import { formatDateTime, humanize } from "#app/components/ops/format.ts";
import { Badge, type BadgeTone } from "#app/components/ui/badge.tsx";
import { relativeTime } from "#app/components/ui/timestamp.tsx";
import { tokenAmountLabel } from "#app/components/storefront/token-amount.ts";
import { ClearHaltForm, RefundToPayerForm, type ChainReply } from "./chain-escrow-forms.tsx";

const hex = "font-mono text-xs break-all text-gray-800";

export function ChainOff({ message }: { message: string }) {
  return (
    <p data-testid="chain-off" className="rounded-md bg-gray-50 px-3 py-2 text-sm text-gray-600 ring-1 ring-inset ring-gray-200">
      <span className="font-medium text-gray-900">On-chain escrow:</span> {message} See README “On-chain rails”.
    </p>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0 rounded-md bg-gray-50 px-3 py-2 ring-1 ring-inset ring-gray-200">
      <dt className="text-xs text-gray-600">{label}</dt>
      <dd className="mt-0.5 text-sm text-gray-900">{children}</dd>
    </div>
  );
}

const REFUND_TONE: Record<string, BadgeTone> = { requested: "amber", sent: "indigo", confirmed: "green", failed: "red" };

function OrderLink({ tenant, orderId, none }: { tenant: ChainOps["flagged"][number]["tenant"]; orderId: string | null; none: string }) {
  if (!tenant) return <span className="text-gray-600">{none}</span>;
  return (
    <span className="flex flex-wrap gap-x-2">
      <Link to={`/ops/tenants/${tenant.id}`} className="font-mono font-medium text-gray-900 hover:underline">{tenant.slug}</Link>
      {orderId ? <Link to={`/ops/tenants/${tenant.id}/orders/${orderId}`} className="text-gray-700 underline underline-offset-2">order #{orderId.slice(0, 8)}</Link> : null}
    </span>
  );
}

function Flagged({ chain, reply }: { chain: ChainOps; reply: ChainReply | undefined }) {
  if (chain.flagged.length === 0) return <EmptyState title="No flagged events">Every confirmed payment matched its order.</EmptyState>;
  return (
    <ul className="divide-y divide-gray-100" data-testid="chain-flagged">
      {chain.flagged.map((f) => {
        const amount = tokenAmountLabel(f.amount, chain.tokenDecimals, chain.tokenSymbol);
        return (
          <li key={f.id} data-event-id={f.id} className="grid grid-cols-1 gap-3 p-4 md:grid-cols-2">
            <div className="min-w-0 space-y-1 text-sm">
              <p className="flex flex-wrap items-center gap-2">
                <Badge tone="amber">{f.name}</Badge>
                <span className="font-semibold tabular-nums text-gray-900">{amount}</span>
                <span className="text-xs text-gray-500">block {f.block}{f.confirmedAt ? ` · ${formatDateTime(f.confirmedAt)}` : ""}</span>
              </p>
              <p className="text-gray-800 wrap-anywhere">{f.flagReason}</p>
              <OrderLink tenant={f.tenant} orderId={f.orderId} none="No shop: no order has this reference" />
              <p className="text-xs text-gray-600">Payer <span className={hex}>{f.buyer ?? "—"}</span></p>
              <p className="text-xs text-gray-600">Tx <span className={hex}>{f.txHash}</span></p>
            </div>
            <div className="min-w-0">
              {f.refund ? (
                <div className="space-y-1 text-sm" data-testid="chain-refund-state">
                  <Badge tone={REFUND_TONE[f.refund.status] ?? "gray"}>Refund {f.refund.status}</Badge>
                  {f.refund.txHash ? <p className="text-xs text-gray-600">Tx <span className={hex}>{f.refund.txHash}</span></p> : null}
                  {f.refund.lastError ? <p className="text-xs text-rose-700 wrap-anywhere">{f.refund.lastError}</p> : null}
                </div>
              ) : f.refundable ? (
                <RefundToPayerForm eventId={f.id} amount={amount} reply={reply} />
              ) : (
                <p className="text-sm text-gray-600">Paid straight to the merchant: the escrow holds nothing to return. The merchant must refund the buyer.</p>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function FailedPayouts({ chain }: { chain: ChainOps }) {
  if (chain.failedPayouts.length === 0) return <p className="px-4 pb-4 text-sm text-gray-600">No failed payouts.</p>;
  return (
    <ul className="divide-y divide-rose-100" data-testid="chain-failed-payouts">
      {chain.failedPayouts.map((p) => (
        <li key={p.id} className="space-y-1 bg-rose-50/60 p-4 text-sm">
          <p className="flex flex-wrap items-center gap-2">
            <Badge tone="red">{humanize(p.kind)} failed</Badge>
            <OrderLink tenant={p.tenant} orderId={p.orderId} none="No shop recorded" />
            <span className="text-xs text-gray-500">{p.attempts} {p.attempts === 1 ? "attempt" : "attempts"} · asked {formatDateTime(p.requestedAt)}</span>
          </p>
          <p className="text-rose-800 wrap-anywhere">{p.lastError ?? "No error recorded."}</p>
          {p.txHash ? <p className="text-xs text-gray-600">Tx <span className={hex}>{p.txHash}</span></p> : null}
        </li>
      ))}
    </ul>
  );
}

export function ChainEscrow({ chain, reply, now }: { chain: ChainOps; reply: ChainReply | undefined; now: string }) {
  const ix = chain.indexer;
  const message = reply?.form.startsWith("chain-") ? reply.message : null;
  return (
    <Card title="On-chain escrow" id="chain">
      <div className="space-y-4 p-4" data-testid="chain-escrow">
        {message ? <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-800 ring-1 ring-inset ring-emerald-200">{message}</p> : null}
        {ix?.halted ? (
          <div role="alert" data-testid="chain-halted" className="space-y-3 rounded-md bg-rose-50 px-3 py-3 text-sm text-rose-900 ring-1 ring-inset ring-rose-200">
            <p><strong>The chain indexer is halted.</strong> Nothing more is posted from the chain until it is cleared.</p>
            <p className="wrap-anywhere">{ix.haltReason ?? "No reason recorded."}</p>
            <ClearHaltForm reply={reply} />
          </div>
        ) : null}
        <dl className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
          <Fact label="Chain">{chain.chainId} · {chain.confirmations} confirmations · reorg window {chain.reorgWindow}</Fact>
          <Fact label="Escrow contract"><span className={hex}>{chain.escrow}</span></Fact>
          <Fact label={`Token (${chain.tokenSymbol}, ${chain.tokenDecimals} decimals)`}><span className={hex}>{chain.token}</span></Fact>
          <Fact label="Indexer">
            {ix ? (
              <span data-testid="chain-indexer">
                Block {ix.lastBlock} of {ix.headBlock} · {ix.lag === "0" ? "up to date" : `${ix.lag} behind`}
                <span className="block text-xs text-gray-500">moved {relativeTime(ix.updatedAt, now)}</span>
              </span>
            ) : "Not started: no worker has polled yet."}
          </Fact>
          <Fact label="Arbiter key in this process">{chain.arbiter ? <span className={hex}>{chain.arbiter}</span> : "None: a worker sends payouts."}</Fact>
          <Fact label="Waiting">
            {chain.counts.flagged} flagged · {chain.counts.unapplied} unapplied · {chain.counts.orphanedTotal} orphaned
            <span className="block text-xs text-gray-500">payouts: {chain.counts.payouts.requested} requested, {chain.counts.payouts.sent} sent, {chain.counts.payouts.failed} failed</span>
          </Fact>
        </dl>
      </div>
      <h3 className="border-t border-gray-200 px-4 pt-3 text-xs font-semibold uppercase tracking-wide text-gray-500">Flagged events ({chain.flagged.length})</h3>
      <Flagged chain={chain} reply={reply} />
      <h3 className="border-t border-gray-200 px-4 py-3 text-xs font-semibold uppercase tracking-wide text-gray-500">Failed payouts ({chain.failedPayouts.length})</h3>
      <FailedPayouts chain={chain} />
    </Card>
  );
}
