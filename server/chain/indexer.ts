/**
 * The chain indexer (docs/decisions/018-chain-rails.md): polls eth_getLogs over bounded block ranges from a
 * checkpoint in Postgres, records every escrow event with its block, and counts an event only once it is
 * CHAIN_CONFIRMATIONS deep. Each poll first re-checks the stored hashes of the last CHAIN_REORG_WINDOW_BLOCKS blocks:
 * observations in vanished blocks are orphaned (nothing was posted for them), a re-mined one comes back once. A reorg
 * that reaches past the window, or past an event already counted, halts the indexer for an operator: nothing is
 * posted beyond what it can prove.
 *
 * One leader: the poll runs under a Postgres advisory transaction lock, so two workers never index at once.
 */
import type { Hex, Log } from "viem";
import { parseEventLogs } from "viem";
import type { SqlQuery, SqlRunner } from "#server/db/index.ts";
import { escrowAbi } from "./abi.ts";
import type { ChainRuntime } from "./runtime.ts";

const LEADER_LOCK = 727_274_013;
/** At most this many log ranges per poll, so one poll stays short while catching up. */
const RANGES_PER_POLL = 10;

export type ChainEventName = "Funded" | "PaidDirect" | "Released" | "Refunded";

/** A confirmed event the money core has not yet turned into a posting (or a flag). */
export interface ConfirmedChainEvent {
  id: string;
  name: ChainEventName;
  chainRef: Hex;
  txHash: Hex;
  blockNumber: bigint;
  buyer: string | null;
  merchant: string | null;
  amount: bigint;
  fee: bigint | null;
}

export type PollResult =
  | { kind: "busy" }
  | { kind: "halted"; reason: string }
  | { kind: "indexed"; head: bigint; lastBlock: bigint; seen: number; orphaned: number; confirmed: number; reorgDepth: number };

export interface IndexerDeps {
  sql: SqlRunner;
  chain: ChainRuntime;
}

interface Checkpoint { last_block: string; halted: boolean; halt_reason: string | null }

async function checkpoint(q: SqlQuery, chain: ChainRuntime): Promise<Checkpoint> {
  await q(`INSERT INTO chain_checkpoints (chain_id, contract, last_block) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [chain.chainId, chain.escrow.toLowerCase(), (chain.deployBlock - 1n).toString()]);
  const [row] = await q<Checkpoint>(`SELECT last_block::text, halted, halt_reason FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2 FOR UPDATE`,
    [chain.chainId, chain.escrow.toLowerCase()]);
  return row!;
}

async function halt(q: SqlQuery, chain: ChainRuntime, reason: string) {
  await q(`UPDATE chain_checkpoints SET halted = true, halt_reason = $3, updated_at = now() WHERE chain_id = $1 AND contract = $2`,
    [chain.chainId, chain.escrow.toLowerCase(), reason]);
  return { kind: "halted" as const, reason };
}

/**
 * Compares the stored window with the chain, newest first. Returns the highest block that still matches (the fork
 * point), or "deep" when none in a full window does.
 */
async function forkPoint(q: SqlQuery, chain: ChainRuntime, lastBlock: bigint): Promise<bigint | "deep"> {
  const stored = await q<{ number: string; hash: string }>(
    `SELECT b.number::text AS number, b.hash FROM chain_blocks b WHERE b.chain_id = $1 ORDER BY b.number DESC LIMIT $2`, [chain.chainId, chain.reorgWindow]);
  if (!stored.length) return lastBlock;
  for (const b of stored) {
    // A block the chain no longer has at that height is a reorg; any other RPC failure fails the poll (never a reorg).
    const onChain = await chain.publicClient.getBlock({ blockNumber: BigInt(b.number) }).catch((err: Error) => {
      if (err.name === "BlockNotFoundError") return null;
      throw err;
    });
    if (onChain?.hash === b.hash) return BigInt(b.number);
  }
  // Nothing in the window matches: if the window was full, the fork is deeper than we can see.
  return stored.length >= chain.reorgWindow ? "deep" : BigInt(stored.at(-1)!.number) - 1n;
}

function eventRow(log: Log & { eventName: ChainEventName; args: Record<string, unknown> }) {
  const a = log.args;
  return {
    tx: log.transactionHash!, index: log.logIndex!, block: log.blockNumber!.toString(), blockHash: log.blockHash!, name: log.eventName,
    ref: (a.orderRef as string).toLowerCase(), buyer: (a.buyer as string | undefined) ?? null, merchant: (a.merchant as string | undefined) ?? null,
    amount: String(log.eventName === "Released" ? (a.merchantAmount as bigint) : (a.amount as bigint)),
    fee: log.eventName === "Released" ? String(a.fee as bigint) : null,
  };
}

async function scan(q: SqlQuery, chain: ChainRuntime, from: bigint, to: bigint) {
  const logs = await chain.publicClient.getLogs({ address: chain.escrow, fromBlock: from, toBlock: to });
  const events = parseEventLogs({ abi: escrowAbi, logs, strict: true })
    .filter((l) => ["Funded", "PaidDirect", "Released", "Refunded"].includes(l.eventName)) as unknown as Array<Log & { eventName: ChainEventName; args: Record<string, unknown> }>;
  for (const e of events.map(eventRow)) {
    // Re-mined after an orphaning: the same (tx, log) comes back with its new block and counts again, once.
    await q(`INSERT INTO chain_events (id, chain_id, contract, tx_hash, log_index, block_number, block_hash, name, chain_ref, buyer, merchant, amount, fee)
             VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::numeric, $12::numeric)
             ON CONFLICT (chain_id, tx_hash, log_index) DO UPDATE SET block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash,
               status = CASE WHEN chain_events.status = 'orphaned' THEN 'seen'::"ChainEventStatus" ELSE chain_events.status END`,
      [chain.chainId, chain.escrow.toLowerCase(), e.tx, e.index, e.block, e.blockHash, e.name, e.ref, e.buyer, e.merchant, e.amount, e.fee]);
  }
  return events.length;
}

/** Stores the hashes of the scanned blocks that fall in the reorg window, and trims what fell out of it. */
async function rememberBlocks(q: SqlQuery, chain: ChainRuntime, from: bigint, to: bigint, head: bigint) {
  const start = from > head - BigInt(chain.reorgWindow) + 1n ? from : head - BigInt(chain.reorgWindow) + 1n;
  const numbers: bigint[] = [];
  for (let n = start < 0n ? 0n : start; n <= to; n++) numbers.push(n);
  const blocks = await Promise.all(numbers.map((n) => chain.publicClient.getBlock({ blockNumber: n })));
  for (const b of blocks) {
    await q(`INSERT INTO chain_blocks (chain_id, number, hash) VALUES ($1, $2, $3) ON CONFLICT (chain_id, number) DO UPDATE SET hash = EXCLUDED.hash`,
      [chain.chainId, b.number!.toString(), b.hash]);
  }
  await q(`DELETE FROM chain_blocks WHERE chain_id = $1 AND number <= $2`, [chain.chainId, (head - BigInt(chain.reorgWindow)).toString()]);
  // An event whose log came from a block the chain no longer has at that height (a reorg between the two reads).
  const stale = await q(`UPDATE chain_events e SET status = 'orphaned' FROM chain_blocks b
           WHERE e.chain_id = $1 AND b.chain_id = e.chain_id AND b.number = e.block_number AND b.hash <> e.block_hash AND e.status = 'seen' RETURNING e.id`, [chain.chainId]);
  if (stale.length) await q(`UPDATE chain_checkpoints SET orphaned_total = orphaned_total + $3 WHERE chain_id = $1 AND contract = $2`, [chain.chainId, chain.escrow.toLowerCase(), stale.length]);
}

/** One poll: reorg check, scan forward, confirm. Postings happen afterwards (`pendingConfirmed`), outside the lock. */
export async function pollOnce({ sql, chain }: IndexerDeps): Promise<PollResult> {
  return sql.transaction(async (q) => {
    const [lock] = await q<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock($1) AS ok`, [LEADER_LOCK]);
    if (!lock!.ok) return { kind: "busy" as const };
    const cp = await checkpoint(q, chain);
    if (cp.halted) return { kind: "halted" as const, reason: cp.halt_reason ?? "halted" };
    let lastBlock = BigInt(cp.last_block);
    const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });

    let orphaned = 0;
    let reorgDepth = 0;
    const fork = await forkPoint(q, chain, lastBlock);
    if (fork === "deep") {
      return halt(q, chain, `Reorg deeper than ${chain.reorgWindow} blocks below block ${lastBlock}: the indexer stopped; an operator must check the chain and clear the halt.`);
    }
    if (fork < lastBlock) {
      reorgDepth = Number(lastBlock - fork);
      const [counted] = await q<{ n: string }>(`SELECT count(*)::text AS n FROM chain_events WHERE chain_id = $1 AND block_number > $2 AND status = 'confirmed'`,
        [chain.chainId, fork.toString()]);
      if (counted!.n !== "0") {
        return halt(q, chain, `Reorg of ${reorgDepth} blocks above block ${fork} removed ${counted!.n} event(s) already counted: CHAIN_CONFIRMATIONS is too low for this chain; an operator must reconcile by hand.`);
      }
      const gone = await q(`UPDATE chain_events SET status = 'orphaned' WHERE chain_id = $1 AND block_number > $2 AND status = 'seen' RETURNING id`, [chain.chainId, fork.toString()]);
      orphaned = gone.length;
      await q(`UPDATE chain_checkpoints SET orphaned_total = orphaned_total + $3 WHERE chain_id = $1 AND contract = $2`, [chain.chainId, chain.escrow.toLowerCase(), orphaned]);
      await q(`DELETE FROM chain_blocks WHERE chain_id = $1 AND number > $2`, [chain.chainId, fork.toString()]);
      lastBlock = fork;
    }

    let seen = 0;
    for (let i = 0; i < RANGES_PER_POLL && lastBlock < head; i++) {
      const from = lastBlock + 1n;
      const to = from + BigInt(chain.logRange) - 1n < head ? from + BigInt(chain.logRange) - 1n : head;
      seen += await scan(q, chain, from, to);
      await rememberBlocks(q, chain, from, to, head);
      lastBlock = to;
    }
    await q(`UPDATE chain_checkpoints SET last_block = $3, head_block = $4, updated_at = now() WHERE chain_id = $1 AND contract = $2`,
      [chain.chainId, chain.escrow.toLowerCase(), lastBlock.toString(), head.toString()]);

    // Deep enough: the block is at least CHAIN_CONFIRMATIONS deep (itself counting as one) and was scanned.
    const confirmable = head - BigInt(chain.confirmations) + 1n;
    const limit = confirmable < lastBlock ? confirmable : lastBlock;
    const done = await q(`UPDATE chain_events SET status = 'confirmed', confirmed_at = now()
                          WHERE chain_id = $1 AND status = 'seen' AND block_number <= $2 RETURNING id`, [chain.chainId, limit.toString()]);
    return { kind: "indexed" as const, head, lastBlock, seen, orphaned, confirmed: done.length, reorgDepth };
  });
}

/** Confirmed events still waiting for the money core, oldest first. */
export async function pendingConfirmed(sql: SqlRunner, chain: ChainRuntime, limit = 500): Promise<ConfirmedChainEvent[]> {
  const rows = await sql.query<{ id: string; name: ChainEventName; chain_ref: Hex; tx_hash: Hex; block_number: string; buyer: string | null; merchant: string | null; amount: string; fee: string | null }>(
    `SELECT id::text, name, chain_ref, tx_hash, block_number::text, buyer, merchant, amount::text, fee::text FROM chain_events
     WHERE chain_id = $1 AND status = 'confirmed' AND outcome = 'pending' ORDER BY block_number, log_index LIMIT $2`, [chain.chainId, limit]);
  return rows.map((r) => ({
    id: r.id, name: r.name, chainRef: r.chain_ref, txHash: r.tx_hash, blockNumber: BigInt(r.block_number), buyer: r.buyer, merchant: r.merchant,
    amount: BigInt(r.amount), fee: r.fee === null ? null : BigInt(r.fee),
  }));
}

/**
 * Clears a halt after an operator checked the chain: the next poll re-reads the window from the checkpoint.
 * `also` runs in the same transaction (the operator's audit row).
 */
export async function clearHalt(sql: SqlRunner, chain: ChainRuntime, rescanFrom?: bigint, also?: (q: SqlQuery) => Promise<void>) {
  await sql.transaction(async (q) => {
    if (rescanFrom !== undefined) {
      await q(`DELETE FROM chain_blocks WHERE chain_id = $1`, [chain.chainId]);
      await q(`UPDATE chain_checkpoints SET last_block = $3 WHERE chain_id = $1 AND contract = $2`, [chain.chainId, chain.escrow.toLowerCase(), (rescanFrom - 1n).toString()]);
    }
    await q(`UPDATE chain_checkpoints SET halted = false, halt_reason = NULL, updated_at = now() WHERE chain_id = $1 AND contract = $2`, [chain.chainId, chain.escrow.toLowerCase()]);
    await also?.(q);
  });
}

export async function indexerState(sql: SqlRunner, chain: ChainRuntime) {
  const [row] = await sql.query<{ last_block: string; head_block: string; halted: boolean; halt_reason: string | null; updated_at: Date }>(
    `SELECT last_block::text, head_block::text, halted, halt_reason, updated_at FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2`,
    [chain.chainId, chain.escrow.toLowerCase()]);
  return row ? { lastBlock: BigInt(row.last_block), headBlock: BigInt(row.head_block), halted: row.halted, haltReason: row.halt_reason, updatedAt: row.updated_at } : null;
}
