/** Prometheus text for the on-chain rails (OPS-3): indexer position and lag, orphaned and flagged events, payouts. */
import type { SqlRunner } from "#server/db/index.ts";
import type { ChainRuntime } from "#server/chain/index.ts";

const family = (name: string, help: string, type: "gauge" | "counter", samples: Array<[string, number]>) =>
  `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${samples.map(([labels, v]) => `${name}${labels} ${v}`).join("\n")}\n`;

export async function chainMetricsText(sql: SqlRunner, chain: ChainRuntime | null) {
  if (!chain) return "";
  const [row] = await sql.query<{ last: string | null; head: string | null; halted: boolean | null; age: number | null; orphaned: string; flagged: string; unapplied: string; payouts: Record<string, number> | null }>(
    `SELECT (SELECT last_block::text FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS last,
            (SELECT head_block::text FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS head,
            (SELECT halted FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS halted,
            (SELECT extract(epoch FROM now() - updated_at)::float8 FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS age,
            (SELECT orphaned_total::text FROM chain_checkpoints WHERE chain_id = $1 AND contract = $2) AS orphaned,
            (SELECT count(*)::text FROM chain_events WHERE chain_id = $1 AND outcome = 'flagged') AS flagged,
            (SELECT count(*)::text FROM chain_events WHERE chain_id = $1 AND status = 'confirmed' AND outcome = 'pending') AS unapplied,
            (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM chain_payouts GROUP BY status) s) AS payouts`,
    [chain.chainId, chain.escrow.toLowerCase()], "chain_metrics");
  const last = row?.last ? Number(row.last) : 0;
  const head = row?.head ? Number(row.head) : 0;
  const payouts = row?.payouts ?? {};
  return [
    family("chain_head_block", "The newest block the indexer saw on the chain.", "gauge", [["", head]]),
    family("chain_last_indexed_block", "Every block up to this one has been scanned for escrow events.", "gauge", [["", last]]),
    family("chain_head_lag_blocks", "Blocks between the chain head and the last indexed block, at the last poll.", "gauge", [["", Math.max(0, head - last)]]),
    family("chain_indexer_last_poll_age_seconds", "Seconds since the indexer last moved its checkpoint.", "gauge", [["", Math.round(row?.age ?? 0)]]),
    family("chain_indexer_halted", "1 when a reorg deeper than the window (or below a counted event) stopped the indexer: an operator must act.", "gauge", [["", row?.halted ? 1 : 0]]),
    family("chain_orphaned_events_total", "Escrow events whose block was reorganised away before they were counted.", "counter", [["", Number(row?.orphaned ?? 0)]]),
    family("chain_flagged_events", "Confirmed escrow events flagged for an operator (wrong amount or merchant, no order, late).", "gauge", [["", Number(row?.flagged ?? 0)]]),
    family("chain_unapplied_events", "Confirmed escrow events not yet turned into postings (the kill switch holds them, or a retry is due).", "gauge", [["", Number(row?.unapplied ?? 0)]]),
    family("chain_payouts", "Arbiter payouts by status.", "gauge", ["requested", "sent", "confirmed", "failed"].map((s) => [`{status="${s}"}`, payouts[s] ?? 0] as [string, number])),
  ].join("");
}
