/** Money metrics (OPS-3): the ledger invariant counter, and for the on-chain rails indexer position and lag, orphaned and flagged events, payouts. */
import type { SqlRunner } from "#server/db/index.ts";
import type { ChainRuntime } from "#server/chain/index.ts";
import { registerFamilies, type FamilyDef, type Registry } from "#server/observability/index.ts";

type ChainRow = { last: string | null; head: string | null; halted: boolean | null; age: number | null; orphaned: string; flagged: string; unapplied: string; payouts: Record<string, number> | null };

/** The indexer checkpoint and event/payout counts, in one query. */
async function loadChain(sql: SqlRunner, chain: ChainRuntime): Promise<ChainRow | null> {
  const [row] = await sql.query<ChainRow>(
    `SELECT (SELECT last_block::text FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS last,
            (SELECT head_block::text FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS head,
            (SELECT halted FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS halted,
            (SELECT extract(epoch FROM now() - updated_at)::float8 FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS age,
            (SELECT orphaned_total::text FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS orphaned,
            (SELECT count(*)::text FROM chain_events WHERE chain_id = $1 AND outcome = 'flagged') AS flagged,
            (SELECT count(*)::text FROM chain_events WHERE chain_id = $1 AND status = 'confirmed' AND outcome = 'pending') AS unapplied,
            (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM chain_payouts GROUP BY status) s) AS payouts`,
    [chain.chainId, chain.escrow.toLowerCase()], "chain_metrics");
  return row ?? null;
}

const PAYOUT_STATES = ["requested", "sent", "confirmed", "failed"];
const one = (value: number) => [{ value }];

/**
 * The money figures on `registry`, from Postgres at scrape time: the ledger invariant counter (from the
 * reconciliation reports) and, with a chain configured, the on-chain rails' families.
 */
export function registerMoneyMetrics(registry: Registry, deps: { violations: () => Promise<number>; sql: SqlRunner; chain: ChainRuntime | null }) {
  registerFamilies(registry, deps.violations, [
    { name: "ledger_invariant_violation_total", help: "Money invariant violations found by reconciliation.", type: "counter", samples: one },
  ]);
  const chain = deps.chain;
  if (!chain) return;
  const load = async () => {
    const row = await loadChain(deps.sql, chain);
    const last = row?.last ? Number(row.last) : 0;
    const head = row?.head ? Number(row.head) : 0;
    return { row, last, head, payouts: row?.payouts ?? {} };
  };
  type Loaded = Awaited<ReturnType<typeof load>>;
  const defs: Array<FamilyDef<Loaded>> = [
    { name: "chain_head_block", help: "The newest block the indexer saw on the chain.", type: "gauge", samples: (l) => one(l.head) },
    { name: "chain_last_indexed_block", help: "Every block up to this one has been scanned for escrow events.", type: "gauge", samples: (l) => one(l.last) },
    { name: "chain_head_lag_blocks", help: "Blocks between the chain head and the last indexed block, at the last poll.", type: "gauge", samples: (l) => one(Math.max(0, l.head - l.last)) },
    { name: "chain_indexer_last_poll_age_seconds", help: "Seconds since the indexer last moved its checkpoint.", type: "gauge", samples: (l) => one(Math.round(l.row?.age ?? 0)) },
    {
      name: "chain_indexer_halted", help: "1 when a reorg deeper than the window (or below a counted event) stopped the indexer: an operator must act.",
      type: "gauge", samples: (l) => one(l.row?.halted ? 1 : 0),
    },
    { name: "chain_orphaned_events_total", help: "Escrow events whose block was reorganised away before they were counted.", type: "counter", samples: (l) => one(Number(l.row?.orphaned ?? 0)) },
    {
      name: "chain_flagged_events", help: "Confirmed escrow events flagged for an operator (wrong amount or merchant, no order, late).",
      type: "gauge", samples: (l) => one(Number(l.row?.flagged ?? 0)),
    },
    {
      name: "chain_unapplied_events", help: "Confirmed escrow events not yet turned into postings (the kill switch holds them, or a retry is due).",
      type: "gauge", samples: (l) => one(Number(l.row?.unapplied ?? 0)),
    },
    {
      name: "chain_payouts", help: "Arbiter payouts by status.", type: "gauge", labelNames: ["status"],
      samples: (l) => PAYOUT_STATES.map((status) => ({ labels: { status }, value: l.payouts[status] ?? 0 })),
    },
  ];
  registerFamilies(registry, load, defs);
}
