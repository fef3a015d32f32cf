/**
 * Arbiter payouts (release/refund) on chain: one `chain_payouts` row per chain reference, written by the money
 * transaction that decided it. Sending is serialised under one advisory lock for the arbiter account, so nonces never
 * collide and two workers never send twice. The transaction is signed and recorded (hash, nonce, raw bytes) BEFORE
 * it is broadcast: after a crash anywhere, the next run finds the row and re-broadcasts or waits, never signs anew at
 * a new nonce. Before signing, the contract's state is read: a deal already released or refunded is only recorded.
 * The ledger posting is not made here: the indexer makes it when the Released/Refunded event is confirmed.
 */
import { encodeFunctionData, keccak256, type Hex } from "viem";
import type { SqlQuery, SqlRunner } from "#server/db/index.ts";
import { escrowAbi } from "./abi.ts";
import type { ChainRuntime } from "./runtime.ts";

const ARBITER_LOCK = 727_274_014;
const DEAL_STATE = ["none", "held", "released", "refunded"] as const;

export type PayoutStep = "busy" | "no-arbiter" | "sent" | "rebroadcast" | "replaced" | "mined" | "already-settled" | "failed" | "confirmed" | "waiting";

interface PayoutRow {
  id: string; chain_ref: Hex; tenant_id: string | null; kind: "release" | "refund"; fee_base: string; status: string;
  tx_hash: Hex | null; tx_hashes: Hex[]; raw_tx: Hex | null; nonce: number | null; max_fee_per_gas: string | null; sent_at: Date | null;
}

export async function dealState(chain: ChainRuntime, ref: Hex) {
  const [, , amount, state] = await chain.publicClient.readContract({ address: chain.escrow, abi: escrowAbi, functionName: "deals", args: [ref] });
  return { state: DEAL_STATE[state] ?? "none", amount };
}

const lockArbiter = async (q: SqlQuery) => (await q<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock($1) AS ok`, [ARBITER_LOCK]))[0]!.ok;

async function sign(chain: ChainRuntime, row: PayoutRow, nonce: number, bump?: bigint) {
  const arbiter = chain.arbiter!;
  const data = row.kind === "release"
    ? encodeFunctionData({ abi: escrowAbi, functionName: "release", args: [row.chain_ref, BigInt(row.fee_base)] })
    : encodeFunctionData({ abi: escrowAbi, functionName: "refund", args: [row.chain_ref] });
  const fees = await chain.publicClient.estimateFeesPerGas();
  let maxFeePerGas = fees.maxFeePerGas;
  let maxPriorityFeePerGas = fees.maxPriorityFeePerGas;
  // A replacement must beat the stuck transaction's fee cap and tip by at least 10% (nodes refuse less): the cap
  // goes up 25%, and the whole cap is offered as tip, which is above any tip the stuck one had.
  if (bump !== undefined) {
    if (maxFeePerGas < (bump * 125n) / 100n) maxFeePerGas = (bump * 125n) / 100n;
    maxPriorityFeePerGas = maxFeePerGas;
  }
  // Against the mined state: a node's pending state already holds the transaction a replacement replaces.
  const gas = await chain.publicClient.estimateGas({ account: arbiter.account, to: chain.escrow, data, blockTag: "latest" });
  const raw = await arbiter.wallet.signTransaction({
    account: arbiter.account, chain: chain.chain, to: chain.escrow, data, nonce, gas: (gas * 12n) / 10n, maxFeePerGas, maxPriorityFeePerGas, type: "eip1559",
  });
  return { raw, hash: keccak256(raw), maxFeePerGas };
}

async function broadcast(chain: ChainRuntime, raw: Hex) {
  try {
    await chain.publicClient.sendRawTransaction({ serializedTransaction: raw });
  } catch (err) {
    // Already in the pool or already mined (nonce used): the receipt tells the outcome.
    if (!/already known|nonce too low|known transaction|already imported/i.test((err as Error).message)) throw err;
  }
}

/**
 * Moves one payout forward by one step. Idempotent and safe to run from any number of workers at once: a second
 * caller while one holds the arbiter lock gets "busy" and tries again later.
 */
/** Throws to stop a payout before it is signed (the money kill switch), inside the payout's transaction. */
export type PayoutGuard = (q: SqlQuery, tenantId: string | null) => Promise<void>;

export interface PayoutOptions {
  allowed?: PayoutGuard;
  /** Called after a signed transaction is recorded and before it is broadcast (crash tests arm a failpoint here). */
  beforeBroadcast?: () => void;
}

export async function advancePayout(deps: { sql: SqlRunner; chain: ChainRuntime }, chainRef: string, opts: PayoutOptions = {}): Promise<PayoutStep> {
  const { sql, chain } = deps;
  if (!chain.arbiter) return "no-arbiter";
  let toBroadcast: Hex | null = null;
  const step = await sql.transaction(async (q): Promise<PayoutStep> => {
    if (!(await lockArbiter(q))) return "busy";
    const [row] = await q<PayoutRow>(
      `SELECT id::text, chain_ref, tenant_id::text, kind, fee_base::text, status, tx_hash, tx_hashes, raw_tx, nonce, max_fee_per_gas::text, sent_at
       FROM chain_payouts WHERE chain_ref = $1 FOR UPDATE`, [chainRef.toLowerCase()]);
    if (!row) throw new Error(`no payout for ${chainRef}`);
    if (row.status === "confirmed") return "confirmed";
    if (row.status === "failed") return "failed";
    if (row.status === "sent" && row.tx_hash) {
      // Any of the hashes sent at this nonce may be the one mined (a replaced transaction can still win).
      let receipt = null;
      for (const hash of [row.tx_hash, ...row.tx_hashes.filter((h) => h !== row.tx_hash)]) {
        receipt = await chain.publicClient.getTransactionReceipt({ hash }).catch(() => null);
        if (receipt) break;
      }
      if (receipt) {
        if (receipt.status === "success") return "mined";
        const deal = await dealState(chain, row.chain_ref);
        if (deal.state === (row.kind === "release" ? "released" : "refunded")) return "already-settled";
        await q(`UPDATE chain_payouts SET status = 'failed', last_error = $2 WHERE id = $1`, [row.id, `The ${row.kind} transaction ${receipt.transactionHash} reverted on chain (deal ${deal.state}).`]);
        return "failed";
      }
      const sentFor = Date.now() - new Date(row.sent_at!).getTime();
      if (sentFor < chain.replaceAfterMs) {
        toBroadcast = row.raw_tx;
        return "rebroadcast";
      }
      const deal = await dealState(chain, row.chain_ref);
      if (deal.state !== "held") return "already-settled";
      if (opts.allowed) await opts.allowed(q, row.tenant_id);
      const signed = await sign(chain, row, row.nonce!, BigInt(row.max_fee_per_gas ?? "0"));
      await q(`UPDATE chain_payouts SET tx_hash = $2, raw_tx = $3, max_fee_per_gas = $4::numeric, tx_hashes = array_append(tx_hashes, $2::text), attempts = attempts + 1, sent_at = now() WHERE id = $1`,
        [row.id, signed.hash, signed.raw, signed.maxFeePerGas.toString()]);
      toBroadcast = signed.raw;
      return "replaced";
    }
    // Requested: check the contract first (a payout done outside, or by a run that crashed before recording it).
    const deal = await dealState(chain, row.chain_ref);
    if (deal.state === "released" || deal.state === "refunded") {
      await q(`UPDATE chain_payouts SET status = 'sent', sent_at = coalesce(sent_at, now()) WHERE id = $1`, [row.id]);
      return "already-settled";
    }
    if (deal.state !== "held") {
      await q(`UPDATE chain_payouts SET status = 'failed', last_error = $2 WHERE id = $1`, [row.id, `Nothing is held on chain for ${row.chain_ref} (deal ${deal.state}).`]);
      return "failed";
    }
    // The kill switch (and anything else the caller enforces) is checked inside this transaction, before signing.
    if (opts.allowed) await opts.allowed(q, row.tenant_id);
    const nonce = await chain.publicClient.getTransactionCount({ address: chain.arbiter!.account.address, blockTag: "pending" });
    const signed = await sign(chain, row, nonce);
    await q(`UPDATE chain_payouts SET status = 'sent', tx_hash = $2, raw_tx = $3, nonce = $4, max_fee_per_gas = $5::numeric, tx_hashes = array_append(tx_hashes, $2::text),
             attempts = attempts + 1, sent_at = now() WHERE id = $1`, [row.id, signed.hash, signed.raw, nonce, signed.maxFeePerGas.toString()]);
    toBroadcast = signed.raw;
    return "sent";
  });
  // Broadcast only after the record committed: a crash in between leaves a recorded transaction to re-broadcast.
  if (toBroadcast) {
    if (step !== "rebroadcast") opts.beforeBroadcast?.();
    await broadcast(chain, toBroadcast);
  }
  return step;
}

/** Payouts not yet confirmed, oldest first: the chain tick advances each. */
export async function openPayouts(sql: SqlRunner, limit = 100) {
  return sql.query<{ chain_ref: string }>(`SELECT chain_ref FROM chain_payouts WHERE status IN ('requested', 'sent') ORDER BY requested_at LIMIT $1`, [limit]);
}
