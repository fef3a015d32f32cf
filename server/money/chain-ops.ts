/**
 * The operators' view of the on-chain rails (ADR 018): indexer position and halt, flagged fundings with their refund,
 * failed payouts. Platform-wide reads in plain SQL: an operator sees every shop's chain events at once.
 */
import { ApiError } from "#server/http/index.ts";
import { writeAuditSql, type AuditActor } from "#server/audit/index.ts";
import { clearHalt, indexerState } from "#server/chain/index.ts";
import type { MoneyContext } from "./context.ts";

export const CHAIN_OFF_MESSAGE = "The on-chain rails are off: set CHAIN_RPC_URL, ESCROW_CONTRACT and ESCROW_TOKEN to turn them on.";

export function requireChain(ctx: MoneyContext) {
  if (!ctx.chain) throw new ApiError(409, "CHAIN_OFF", CHAIN_OFF_MESSAGE);
  return ctx.chain;
}

export async function chainStatus(ctx: MoneyContext) {
  const chain = ctx.chain;
  if (!chain) return null;
  const [indexer, [counts]] = await Promise.all([
    indexerState(ctx.sql, chain),
    ctx.sql.query<{ flagged: number; unapplied: number; orphaned: string | null; payouts: Record<string, number> | null }>(
      `SELECT (SELECT count(*)::int FROM chain_events WHERE chain_id = $1 AND outcome = 'flagged') AS flagged,
              (SELECT count(*)::int FROM chain_events WHERE chain_id = $1 AND status = 'confirmed' AND outcome = 'pending') AS unapplied,
              (SELECT orphaned_total::text FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS orphaned,
              (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM chain_payouts GROUP BY status) s) AS payouts`,
      [chain.chainId, chain.escrow.toLowerCase()], "chain_ops_counts"),
  ]);
  const payouts = counts?.payouts ?? {};
  return {
    chainId: chain.chainId, escrow: chain.escrow, token: chain.token, tokenSymbol: chain.tokenSymbol, tokenDecimals: chain.tokenDecimals,
    confirmations: chain.confirmations, reorgWindow: chain.reorgWindow, arbiter: chain.arbiter?.account.address ?? null,
    indexer: indexer && { ...indexer, lastBlock: indexer.lastBlock.toString(), headBlock: indexer.headBlock.toString() },
    counts: {
      flagged: counts?.flagged ?? 0, unapplied: counts?.unapplied ?? 0, orphanedTotal: Number(counts?.orphaned ?? 0),
      payouts: { requested: payouts.requested ?? 0, sent: payouts.sent ?? 0, confirmed: payouts.confirmed ?? 0, failed: payouts.failed ?? 0 },
    },
  };
}

interface FlaggedRow {
  id: string; name: string; tx_hash: string; block: string; chain_ref: string; buyer: string | null; merchant: string | null; amount: string;
  flag_reason: string | null; confirmed_at: Date | null; tenant_id: string | null; tenant_slug: string | null; tenant_name: string | null; order_id: string | null;
  refund_status: string | null; refund_tx: string | null; refund_error: string | null;
}

/** Flagged events, newest first, each with the refund payout of its reference when one was asked for. */
export async function flaggedChainEvents(ctx: MoneyContext, limit: number) {
  if (!ctx.chain) return [];
  const rows = await ctx.sql.query<FlaggedRow>(
    `SELECT e.id::text, e.name, e.tx_hash, e.block_number::text AS block, e.chain_ref, e.buyer, e.merchant, e.amount::text, e.flag_reason, e.confirmed_at,
            e.tenant_id::text, t.slug AS tenant_slug, t.display_name AS tenant_name, e.order_id::text,
            p.status::text AS refund_status, p.tx_hash AS refund_tx, p.last_error AS refund_error
     FROM chain_events e
     LEFT JOIN tenants t ON t.id = e.tenant_id
     LEFT JOIN chain_payouts p ON p.chain_ref = e.chain_ref AND p.kind = 'refund'
     WHERE e.chain_id = $1 AND e.outcome = 'flagged'
     ORDER BY e.block_number DESC, e.log_index DESC LIMIT $2`, [ctx.chain.chainId, limit], "chain_ops_flagged");
  return rows.map((r) => ({
    id: r.id, name: r.name, txHash: r.tx_hash, block: r.block, chainRef: r.chain_ref, buyer: r.buyer, merchant: r.merchant, amount: r.amount,
    flagReason: r.flag_reason, confirmedAt: r.confirmed_at,
    tenant: r.tenant_id ? { id: r.tenant_id, slug: r.tenant_slug, name: r.tenant_name } : null, orderId: r.order_id,
    // Only money held by the contract (a Funded deal) can be returned by the arbiter; PaidDirect went to the merchant.
    refundable: r.name === "Funded",
    refund: r.refund_status ? { status: r.refund_status, txHash: r.refund_tx, lastError: r.refund_error } : null,
  }));
}

/** Payouts that reverted or found nothing held: the ledger shows nothing paid for them (ADR 018). */
export async function failedChainPayouts(ctx: MoneyContext, limit: number) {
  if (!ctx.chain) return [];
  const rows = await ctx.sql.query<{ id: string; chain_ref: string; kind: string; purpose: string; tx_hash: string | null; attempts: number; last_error: string | null;
    requested_at: Date; sent_at: Date | null; tenant_id: string | null; tenant_slug: string | null; tenant_name: string | null; order_id: string | null }>(
    `SELECT p.id::text, p.chain_ref, p.kind, p.purpose, p.tx_hash, p.attempts, p.last_error, p.requested_at, p.sent_at,
            p.tenant_id::text, t.slug AS tenant_slug, t.display_name AS tenant_name, p.order_id::text
     FROM chain_payouts p LEFT JOIN tenants t ON t.id = p.tenant_id
     WHERE p.status = 'failed' ORDER BY p.requested_at DESC LIMIT $1`, [limit], "chain_ops_failed_payouts");
  return rows.map((r) => ({
    id: r.id, chainRef: r.chain_ref, kind: r.kind, purpose: r.purpose, txHash: r.tx_hash, attempts: r.attempts, lastError: r.last_error,
    requestedAt: r.requested_at, sentAt: r.sent_at, tenant: r.tenant_id ? { id: r.tenant_id, slug: r.tenant_slug, name: r.tenant_name } : null, orderId: r.order_id,
  }));
}

/**
 * Clears the indexer's halt after an operator checked the chain, optionally rescanning from a block. The rescan may
 * not skip blocks never scanned (that would lose their events), nor start before the contract existed.
 */
export async function clearChainHalt(ctx: MoneyContext, actor: AuditActor, opts: { rescanFromBlock?: bigint } = {}) {
  const chain = requireChain(ctx);
  const state = await indexerState(ctx.sql, chain);
  if (!state?.halted) throw new ApiError(409, "CHAIN_NOT_HALTED", "The chain indexer is not halted: there is nothing to clear.");
  const from = opts.rescanFromBlock;
  if (from !== undefined && (from < chain.deployBlock || from > state.lastBlock + 1n)) {
    throw new ApiError(400, "CHAIN_RESCAN_OUT_OF_RANGE", `Rescan from a block between the contract's deployment (${chain.deployBlock}) and the next unscanned block (${state.lastBlock + 1n}).`,
      { min: chain.deployBlock.toString(), max: (state.lastBlock + 1n).toString() });
  }
  await clearHalt(ctx.sql, chain, from, (q) => writeAuditSql(q, actor, {
    action: "money.chain_clear_halt", tenantId: null, target: `chain:${chain.chainId}:${chain.escrow.toLowerCase()}`,
    details: { haltReason: state.haltReason, lastBlock: state.lastBlock.toString(), rescanFromBlock: from?.toString() ?? null },
  }));
  return chainStatus(ctx);
}
