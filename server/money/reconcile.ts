/**
 * Reconciliation (docs/money.md): checks the invariants and reports; it never fixes anything. One leader at a time
 * (Postgres advisory xact lock); the checks read one REPEATABLE READ snapshot. Every run is stored, and the
 * violation count feeds `ledger_invariant_violation_total`.
 */
import type { PrismaClient } from "@prisma/client";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { escrowAbi, tokenAbi, type ChainRuntime } from "#server/chain/index.ts";

const LEADER_LOCK = 727_274_007;

export interface Violation {
  check: string;
  subject: string;
  detail: Record<string, unknown>;
}

type Check = { name: string; sql: string };

/** Each query returns one row per violation: (subject, detail json). */
const checks = (payoutGraceSeconds: number): Check[] => [
  {
    name: "account_balance_matches_entries",
    sql: `SELECT a.key AS subject, json_build_object('balance', a.balance::text, 'entries', COALESCE(s.sum, 0)::text) AS detail
          FROM ledger_accounts a LEFT JOIN (SELECT account_id, sum(amount) FROM ledger_entries GROUP BY account_id) s ON s.account_id = a.id
          WHERE a.balance <> COALESCE(s.sum, 0)`,
  },
  {
    name: "posting_sums_to_zero",
    sql: `SELECT p.idempotency_key AS subject, json_build_object('currency', e.currency, 'sum', sum(e.amount)::text) AS detail
          FROM ledger_entries e JOIN ledger_postings p ON p.id = e.posting_id GROUP BY p.idempotency_key, e.currency HAVING sum(e.amount) <> 0`,
  },
  {
    name: "internal_account_not_negative",
    sql: `SELECT key AS subject, json_build_object('balance', balance::text) AS detail FROM ledger_accounts WHERE kind <> 'external' AND balance < 0`,
  },
  {
    name: "escrow_account_equals_held",
    // A hold partly refunded by the merchant (ADR 040) holds the rest.
    sql: `WITH held AS (SELECT tenant_id, currency, sum(amount - refunded_amount) AS held FROM escrows WHERE status = 'held' GROUP BY tenant_id, currency),
               acct AS (SELECT tenant_id, currency, balance FROM ledger_accounts WHERE kind = 'escrow')
          SELECT COALESCE(acct.tenant_id, held.tenant_id)::text || ':' || COALESCE(acct.currency, held.currency) AS subject,
                 json_build_object('account', COALESCE(acct.balance, 0)::text, 'held', COALESCE(held.held, 0)::text) AS detail
          FROM acct FULL JOIN held ON held.tenant_id = acct.tenant_id AND held.currency = acct.currency
          WHERE COALESCE(acct.balance, 0) <> COALESCE(held.held, 0)`,
  },
  {
    name: "escrow_row_matches_postings",
    sql: `SELECT e.order_id::text AS subject, json_build_object('status', e.status, 'fund', f.n, 'release', r.n, 'refund', x.n) AS detail
          FROM escrows e
          CROSS JOIN LATERAL (SELECT count(*) n FROM ledger_postings WHERE idempotency_key = 'fund:' || e.order_id) f
          CROSS JOIN LATERAL (SELECT count(*) n FROM ledger_postings WHERE idempotency_key = 'release:' || e.order_id) r
          CROSS JOIN LATERAL (SELECT count(*) n FROM ledger_postings WHERE idempotency_key = 'refund:' || e.order_id) x
          CROSS JOIN LATERAL (SELECT COALESCE(sum(amount), 0) AS amt FROM order_refunds WHERE order_id = e.order_id AND source = 'hold') h
          -- A hold that merchant refunds returned in full (ADR 040) is REFUNDED without a refund:<order> posting.
          WHERE f.n <> 1 OR r.n <> (e.status = 'released')::int OR x.n <> (e.status = 'refunded' AND e.refunded_amount > h.amt)::int
             OR (e.status = 'held' AND e.refunded_amount <> h.amt)`,
  },
  {
    // ADR 040: an order's refunded total is the sum of its refunds, and each refund has exactly its one posting.
    name: "merchant_refunds_match",
    sql: `SELECT o.id::text AS subject, json_build_object('refunded', o.refunded_amount::text, 'refunds', COALESCE(r.sum, 0)::text) AS detail
          FROM orders o LEFT JOIN (SELECT order_id, sum(amount) AS sum FROM order_refunds GROUP BY order_id) r ON r.order_id = o.id
          WHERE o.refunded_amount <> COALESCE(r.sum, 0)
          UNION ALL
          SELECT 'refund:' || r.id, json_build_object('amount', r.amount::text, 'posted', COALESCE(p.amt, 0)::text)
          FROM order_refunds r
          LEFT JOIN LATERAL (SELECT sum(e.amount) AS amt FROM ledger_postings lp JOIN ledger_entries e ON e.posting_id = lp.id
                             JOIN ledger_accounts a ON a.id = e.account_id
                             WHERE lp.idempotency_key = 'merchant-refund:' || r.id AND a.kind = 'external') p ON true
          WHERE COALESCE(p.amt, 0) <> r.amount`,
  },
  {
    name: "order_status_matches_escrow",
    sql: `SELECT o.id::text AS subject, json_build_object('order', o.status, 'escrow', e.status) AS detail
          FROM orders o LEFT JOIN escrows e ON e.order_id = o.id
          WHERE o.rail = 'escrow' AND NOT CASE
            WHEN o.status IN ('escrow_funded', 'fulfilling', 'delivered', 'disputed') THEN e.status IS NOT DISTINCT FROM 'held'
            WHEN o.status IN ('completed', 'refunded') AND e.status = 'held' THEN
              -- On chain the escrow stays HELD until the arbiter's transaction is confirmed.
              EXISTS (SELECT 1 FROM chain_payouts p WHERE p.chain_ref = o.chain_ref AND p.status <> 'confirmed'
                        AND p.kind = CASE o.status WHEN 'completed' THEN 'release' ELSE 'refund' END)
            WHEN o.status = 'completed' THEN e.status IS NOT DISTINCT FROM 'released'
            -- Refunded in full by the merchant after release (ADR 040): the escrow stays released.
            WHEN o.status = 'refunded' THEN e.status IS NOT DISTINCT FROM 'refunded' OR (e.status = 'released' AND o.refunded_amount = o.total)
            ELSE e.id IS NULL END`,
  },
  {
    name: "paid_order_has_funding_posting",
    sql: `SELECT o.id::text AS subject, json_build_object('status', o.status) AS detail FROM orders o
          WHERE o.paid_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.idempotency_key = 'fund:' || o.id)`,
  },
  {
    name: "outside_transfer_has_posting",
    sql: `SELECT t.idempotency_key AS subject, json_build_object('kind', t.kind, 'amount', t.amount::text) AS detail FROM sandbox_transfers t
          WHERE NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.idempotency_key = CASE WHEN t.idempotency_key LIKE 'merchant-refund:%'
            THEN t.idempotency_key ELSE CASE t.kind WHEN 'pay_direct' THEN 'fund' ELSE t.kind END || ':' || t.order_id END)`,
  },
  {
    name: "settled_escrow_paid_out",
    sql: `SELECT e.order_id::text AS subject, json_build_object('status', e.status, 'settledAt', e.settled_at) AS detail FROM escrows e
          WHERE e.status <> 'held' AND e.settled_at < now() - make_interval(secs => ${payoutGraceSeconds})
            AND NOT EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = (CASE e.status WHEN 'released' THEN 'release' ELSE 'refund' END) || ':' || e.order_id)
            AND EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'fund:' || e.order_id)
            AND (e.status = 'released' OR e.refunded_amount > COALESCE((SELECT sum(r.amount) FROM order_refunds r WHERE r.order_id = e.order_id AND r.source = 'hold'), 0))
          UNION ALL
          SELECT 'merchant-refund:' || r.id, json_build_object('status', 'partial', 'settledAt', r.created_at) FROM order_refunds r
          WHERE r.source = 'hold' AND r.created_at < now() - make_interval(secs => ${payoutGraceSeconds})
            AND NOT EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'merchant-refund:' || r.id)
            AND EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'fund:' || r.order_id)`,
  },
  {
    // Every confirmed contract event the money core applied has exactly one posting (and none is left unapplied).
    name: "chain_event_has_posting",
    sql: `SELECT e.tx_hash || ':' || e.log_index AS subject, json_build_object('event', e.name, 'outcome', e.outcome, 'postings', n.n) AS detail
          FROM chain_events e
          CROSS JOIN LATERAL (SELECT count(*) n FROM ledger_postings p WHERE e.order_id IS NOT NULL AND p.idempotency_key =
            (CASE e.name WHEN 'Released' THEN 'release' WHEN 'Refunded' THEN 'refund' ELSE 'fund' END) || ':' || e.order_id) n
          WHERE e.status = 'confirmed' AND (
            (e.outcome = 'posted' AND n.n <> 1)
            OR (e.outcome = 'pending' AND e.confirmed_at < now() - make_interval(secs => ${payoutGraceSeconds})))`,
  },
  {
    // No posting of an on-chain order lacks its confirmed event.
    name: "chain_posting_has_event",
    sql: `SELECT p.idempotency_key AS subject, json_build_object('chainRef', o.chain_ref) AS detail
          FROM orders o JOIN ledger_postings p ON p.idempotency_key IN ('fund:' || o.id, 'release:' || o.id, 'refund:' || o.id)
          WHERE o.chain_ref IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM chain_events e WHERE e.chain_ref = o.chain_ref AND e.status = 'confirmed' AND e.outcome = 'posted'
              AND e.name = ANY (CASE split_part(p.idempotency_key, ':', 1) WHEN 'fund' THEN ARRAY['Funded', 'PaidDirect'] WHEN 'release' THEN ARRAY['Released'] ELSE ARRAY['Refunded'] END))`,
  },
  {
    // An arbiter payout that failed on chain, or is still not confirmed long after it was decided.
    name: "chain_payout_confirmed",
    sql: `SELECT p.chain_ref AS subject, json_build_object('kind', p.kind, 'status', p.status, 'txHash', p.tx_hash, 'lastError', p.last_error) AS detail
          FROM chain_payouts p
          WHERE p.status = 'failed' OR (p.status <> 'confirmed' AND p.requested_at < now() - make_interval(secs => ${payoutGraceSeconds * 10}))`,
  },
  {
    // ADR 025: a statement line bills exactly the fee accrued for its order (`fee:<id>`, none for a zero fee), a
    // statement's total is the sum of its lines, and a settled one has its settlement posting for that total.
    name: "fee_statement_matches_ledger",
    sql: `SELECT 'line:' || l.order_id AS subject, json_build_object('fee', l.fee::text, 'accrued', COALESCE(a.amount, 0)::text) AS detail
          FROM fee_statement_lines l
          LEFT JOIN LATERAL (SELECT sum(e.amount) AS amount FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id
                             JOIN ledger_accounts acc ON acc.id = e.account_id
                             WHERE p.idempotency_key = 'fee:' || l.order_id AND acc.kind = 'merchant_fee_receivable') a ON true
          WHERE l.fee <> COALESCE(a.amount, 0)
          UNION ALL
          SELECT 'statement:' || s.id, json_build_object('total', s.total::text, 'lines', COALESCE(t.sum, 0)::text, 'settled', COALESCE(x.amount, 0)::text)
          FROM fee_statements s
          LEFT JOIN (SELECT statement_id, sum(fee) AS sum FROM fee_statement_lines GROUP BY statement_id) t ON t.statement_id = s.id
          LEFT JOIN LATERAL (SELECT sum(e.amount) AS amount FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id
                             JOIN ledger_accounts acc ON acc.id = e.account_id
                             WHERE p.idempotency_key = 'fee-settle:' || s.id AND acc.kind = 'platform_fees') x ON true
          WHERE s.total <> COALESCE(t.sum, 0) OR COALESCE(x.amount, 0) <> CASE WHEN s.status = 'settled' THEN s.total ELSE 0 END`,
  },
  {
    // The outside escrow balance (funded − released − refunded) equals what the ledger says is held.
    name: "outside_escrow_equals_held",
    sql: `WITH ext AS (SELECT tenant_id, currency, sum(CASE kind WHEN 'fund' THEN amount ELSE -amount END) AS bal
                       FROM sandbox_transfers WHERE kind IN ('fund', 'release', 'refund') GROUP BY tenant_id, currency),
               held AS (SELECT e.tenant_id, e.currency, sum(e.amount - e.refunded_amount) AS held FROM escrows e WHERE e.status = 'held'
                          AND EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'fund:' || e.order_id) GROUP BY e.tenant_id, e.currency),
               -- Decided but not yet sent: settlements (less what merchant refunds returned before, ADR 040) and those refunds.
               parts AS (SELECT order_id, sum(amount) AS amt FROM order_refunds WHERE source = 'hold' GROUP BY order_id),
               inflight AS (SELECT tenant_id, currency, sum(amt) AS amt FROM (
                          SELECT e.tenant_id, e.currency, CASE e.status WHEN 'released' THEN e.released_amount ELSE e.refunded_amount - COALESCE(p.amt, 0) END AS amt
                          FROM escrows e LEFT JOIN parts p ON p.order_id = e.order_id WHERE e.status <> 'held'
                          AND NOT EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = (CASE e.status WHEN 'released' THEN 'release' ELSE 'refund' END) || ':' || e.order_id)
                          AND EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'fund:' || e.order_id)
                          UNION ALL
                          SELECT r.tenant_id, r.currency, r.amount FROM order_refunds r WHERE r.source = 'hold'
                          AND NOT EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'merchant-refund:' || r.id)
                          AND EXISTS (SELECT 1 FROM sandbox_transfers t WHERE t.idempotency_key = 'fund:' || r.order_id)) x GROUP BY tenant_id, currency)
          SELECT ext.tenant_id::text || ':' || ext.currency AS subject,
                 json_build_object('outside', ext.bal::text, 'held', COALESCE(held.held, 0)::text, 'payoutsInFlight', COALESCE(inflight.amt, 0)::text) AS detail
          FROM ext LEFT JOIN held ON held.tenant_id = ext.tenant_id AND held.currency = ext.currency
                   LEFT JOIN inflight ON inflight.tenant_id = ext.tenant_id AND inflight.currency = ext.currency
          WHERE ext.bal <> COALESCE(held.held, 0) + COALESCE(inflight.amt, 0)`,
  },
];

/**
 * On chain: the contract's token balance equals what it says it holds (totalHeld), read at one block. A difference is
 * drift (a token transfer straight to the contract, a fee-taking token): reported, never moved.
 */
async function chainViolations(chain: ChainRuntime): Promise<Violation[]> {
  const blockNumber = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
  const [balance, held] = await Promise.all([
    chain.publicClient.readContract({ address: chain.token, abi: tokenAbi, functionName: "balanceOf", args: [chain.escrow], blockNumber }),
    chain.publicClient.readContract({ address: chain.escrow, abi: escrowAbi, functionName: "totalHeld", blockNumber }),
  ]);
  if (balance === held) return [];
  return [{ check: "chain_contract_balance", subject: chain.escrow, detail: { block: blockNumber.toString(), balance: balance.toString(), totalHeld: held.toString(), drift: (balance - held).toString() } }];
}

export async function reconcile(prisma: PrismaClient, options: { trigger: string; payoutGraceMs: number; actor?: AuditActor; chain?: ChainRuntime | null }) {
  const onChain = options.chain ? await chainViolations(options.chain) : [];
  return prisma.$transaction(async (tx) => {
    const [{ leader }] = await tx.$queryRaw<{ leader: boolean }[]>`SELECT pg_try_advisory_xact_lock(${LEADER_LOCK}) AS leader`;
    if (!leader) {
      // The operator still pressed the button: the attempt is on record even though another run had the lock.
      if (options.actor) await writeAudit(tx, options.actor, { action: "money.reconcile", details: { trigger: options.trigger, skipped: true } });
      return { skipped: true as const };
    }
    const startedAt = new Date();
    const violations: Violation[] = [...onChain];
    const counts: Record<string, number> = options.chain ? { chain_contract_balance: onChain.length } : {};
    for (const c of checks(Math.floor(options.payoutGraceMs / 1000))) {
      const rows = await tx.$queryRawUnsafe<{ subject: string; detail: Record<string, unknown> }[]>(c.sql);
      counts[c.name] = rows.length;
      violations.push(...rows.map((r) => ({ check: c.name, subject: r.subject, detail: r.detail })));
    }
    const report = await tx.reconciliationReport.create({
      data: { trigger: options.trigger, startedAt, finishedAt: new Date(), violations: violations.length, checks: counts, details: violations.slice(0, 1000) as object[] },
    });
    if (options.actor) {
      await writeAudit(tx, options.actor, {
        action: "money.reconcile", target: `reconciliation:${report.id}`, details: { trigger: options.trigger, violations: violations.length },
      });
    }
    return { skipped: false as const, id: report.id, violations: violations.length, checks: counts, details: violations };
  }, { isolationLevel: "RepeatableRead", timeout: 120_000, maxWait: 20_000 });
}

export async function reconciliationReports(prisma: PrismaClient, limit: number) {
  return prisma.reconciliationReport.findMany({ orderBy: { startedAt: "desc" }, take: limit });
}

/** `ledger_invariant_violation_total`: every violation ever reported (reports are append-only, so it only grows). */
export async function violationTotal(prisma: PrismaClient) {
  const r = await prisma.reconciliationReport.aggregate({ _sum: { violations: true } });
  return r._sum.violations ?? 0;
}
