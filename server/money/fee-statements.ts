/**
 * Monthly platform-fee statements (G13-7, ADR 025). On rails the money never passes through (FEE_BILLED_RAILS) the
 * fee is accrued at funding (`fee:<orderId>`: merchant_payable → merchant_fee_receivable) and billed here: one
 * statement per shop and month listing each funded order, its fee and the total.
 *
 * Generation is idempotent: it only runs for months that have ended (UTC), adds orders not yet on a statement, and
 * refreshes a statement only while it is open — a second run changes nothing. An order recorded late for an ended
 * month (a payment confirmed at 23:59:59 that committed after midnight) joins the open statement on the next run (the
 * daily job re-runs the previous month); once the operator settles a statement it is frozen (a trigger refuses
 * changes), and settling posts merchant_fee_receivable → platform_fees (`fee-settle:<statementId>`).
 */
import { ApiError } from "#server/http/index.ts";
import { writeAudit, writeAuditSql, type AuditActor } from "#server/audit/index.ts";
import type { MoneyContext } from "./context.ts";
import { moneyTx, type Tx } from "./money-tx.ts";
import { post } from "./ledger.ts";
import { negate } from "./amounts.ts";

export const FEE_STATEMENT_SYSTEM_ACTOR: AuditActor = { userId: null, kind: "system" };

export const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/** The UTC bounds of a "YYYY-MM" month. */
export function monthBounds(month: string) {
  if (!MONTH.test(month)) throw new ApiError(400, "VALIDATION_ERROR", "Use a month like 2026-11.");
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
}

/** The month before the one `now` is in, as "YYYY-MM" (what the daily job bills). */
export function previousMonth(now: Date) {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

export interface GenerateResult { month: string; created: number; linesAdded: number; statementsChanged: number }

export async function generateStatements(ctx: Pick<MoneyContext, "sql" | "now">, month: string, actor: AuditActor): Promise<GenerateResult> {
  const { start, end } = monthBounds(month);
  if (end > ctx.now()) throw new ApiError(409, "MONTH_NOT_ENDED", `${month} has not ended yet (UTC); statements are made for ended months only.`);
  return ctx.sql.transaction(async (query) => {
    // One generator at a time (the job and a manual run), so two runs cannot both add the same month's statements.
    await query(`SELECT pg_advisory_xact_lock(727274025)`, [], "fee_statements_lock");
    const billed = `SELECT o.id, o.tenant_id, o.rail, o.total, o.fee_amount, o.paid_at, o.currency FROM orders o
      WHERE o.rail IN ('external_provider', 'manual_invoice') AND o.paid_at >= $1::timestamptz AND o.paid_at < $2::timestamptz
        AND EXISTS (SELECT 1 FROM ledger_postings p WHERE p.idempotency_key = 'fund:' || o.id)
        AND NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.idempotency_key = 'refund:' || o.id)
        AND NOT EXISTS (SELECT 1 FROM fee_statement_lines l WHERE l.order_id = o.id)`;
    const created = await query(
      `INSERT INTO fee_statements (id, tenant_id, month, currency, total, order_count)
       SELECT gen_random_uuid(), b.tenant_id, $3, min(b.currency), 0, 0 FROM (${billed}) b GROUP BY b.tenant_id
       ON CONFLICT (tenant_id, month) DO NOTHING RETURNING id`, [start.toISOString(), end.toISOString(), month], "fee_statements_create");
    // Only open statements take lines; an order of a settled month stays off (reconciliation reports it).
    const lines = await query(
      `INSERT INTO fee_statement_lines (id, tenant_id, statement_id, order_id, rail, order_total, fee, paid_at)
       SELECT gen_random_uuid(), b.tenant_id, s.id, b.id, b.rail, b.total, b.fee_amount, b.paid_at
       FROM (${billed}) b JOIN fee_statements s ON s.tenant_id = b.tenant_id AND s.month = $3 AND s.status = 'open' AND s.currency = b.currency
       ON CONFLICT (order_id) DO NOTHING RETURNING id`, [start.toISOString(), end.toISOString(), month], "fee_statements_lines");
    const changed = await query(
      `UPDATE fee_statements s SET total = a.total, order_count = a.n, updated_at = now()
       FROM (SELECT statement_id, sum(fee) AS total, count(*)::int AS n FROM fee_statement_lines GROUP BY statement_id) a
       WHERE a.statement_id = s.id AND s.month = $1 AND s.status = 'open' AND (s.total <> a.total OR s.order_count <> a.n)
       RETURNING s.id`, [month], "fee_statements_totals");
    const result = { month, created: created.length, linesAdded: lines.length, statementsChanged: changed.length };
    if (result.created || result.linesAdded) {
      await writeAuditSql(query, actor, { action: "fees.statements_generate", target: `fee_statements:${month}`, details: { ...result } });
    }
    return result;
  });
}

const statementSelect = { id: true, tenantId: true, month: true, currency: true, total: true, orderCount: true, status: true, settledAt: true, createdAt: true, updatedAt: true } as const;
type StatementRow = { total: { toFixed(): string } } & Record<string, unknown>;
const present = <T extends StatementRow>(s: T) => ({ ...s, total: s.total.toFixed() });

/** A shop's statements, newest month first. */
export async function listStatements(ctx: MoneyContext, tenantId: string) {
  const rows = await ctx.prisma.feeStatement.findMany({ where: { tenantId }, select: statementSelect, orderBy: { month: "desc" }, take: 36 });
  return rows.map(present);
}

/** One statement of this shop with its lines; another shop's id is a 404. */
export async function statementOf(ctx: MoneyContext, tenantId: string, statementId: string) {
  const row = await ctx.prisma.feeStatement.findFirst({
    where: { id: statementId, tenantId },
    select: { ...statementSelect, lines: { select: { orderId: true, rail: true, orderTotal: true, fee: true, paidAt: true }, orderBy: { paidAt: "asc" } } },
  });
  if (!row) throw new ApiError(404, "FEE_STATEMENT_NOT_FOUND", "No such fee statement.");
  return { ...present(row), lines: row.lines.map((l) => ({ ...l, orderTotal: l.orderTotal.toFixed(), fee: l.fee.toFixed() })) };
}

/** Operators: every shop's statements (optionally one month or status), with the shop's name. */
export async function allStatements(ctx: MoneyContext, filter: { month?: string; status?: "open" | "settled" }, limit = 200) {
  return ctx.sql.query<{ id: string; tenantId: string; slug: string; displayName: string; month: string; currency: string; total: string; orderCount: number; status: string; settledAt: string | null }>(
    `SELECT s.id, s.tenant_id AS "tenantId", t.slug, t.display_name AS "displayName", s.month, s.currency, s.total::text AS total,
            s.order_count AS "orderCount", s.status, s.settled_at AS "settledAt"
     FROM fee_statements s JOIN tenants t ON t.id = s.tenant_id
     WHERE ($1::text IS NULL OR s.month = $1) AND ($2::text IS NULL OR s.status::text = $2)
     ORDER BY s.month DESC, t.slug LIMIT $3`, [filter.month ?? null, filter.status ?? null, limit], "fee_statements_all");
}

/**
 * The operator records that the shop paid its statement: the receivable becomes platform revenue in the same
 * transaction as the status change (posting `fee-settle:<id>`), audited. Settling twice is a 409.
 */
export async function settleStatement(ctx: MoneyContext, actor: AuditActor, statementId: string, note: string) {
  // The operator names a statement of any shop: its shop is looked up first, then every query is floored by it.
  const [s] = await ctx.sql.query<{ tenantId: string }>(`SELECT tenant_id AS "tenantId" FROM fee_statements WHERE id = $1::uuid`, [statementId], "fee_statement_tenant");
  if (!s) throw new ApiError(404, "FEE_STATEMENT_NOT_FOUND", "No such fee statement.");
  const tenantId = s.tenantId;
  await moneyTx(ctx.prisma, { tenantId, action: "fees.statement_settle", target: `fee_statement:${statementId}`, actor }, async (tx) => {
    const now = ctx.now();
    const { count } = await tx.feeStatement.updateMany({ where: { id: statementId, tenantId, status: "open" }, data: { status: "settled", settledAt: now, settledBy: actor.userId, updatedAt: now } });
    if (count === 0) throw new ApiError(409, "CONFLICT", "This statement is already settled.");
    const row = await tx.feeStatement.findFirstOrThrow({ where: { id: statementId, tenantId }, select: { total: true, currency: true, month: true } });
    const total = row.total.toFixed();
    if (row.total.gt(0)) {
      await post(tx, {
        tenantId, key: `fee-settle:${statementId}`, kind: "fee_settle", currency: row.currency, memo: `fees ${row.month}`,
        entries: [{ account: { kind: "merchant_fee_receivable" }, amount: negate(total) }, { account: { kind: "platform_fees" }, amount: total }],
      });
    }
    await writeAudit(tx, actor, { action: "fees.statement_settle", tenantId, target: `fee_statement:${statementId}`, details: { month: row.month, total, currency: row.currency, note } });
  });
  return statementOf(ctx, tenantId, statementId);
}

/**
 * The order's line on a fee statement: on an open one it is taken off (the fee is reversed with the refund), on a
 * settled one the fee was already paid, so the refund waits for an operator to credit it (flagged).
 */
export async function unbillFee(tx: Tx, tenantId: string, orderId: string): Promise<"none" | "removed" | "settled"> {
  const [line] = await tx.$queryRaw<{ statementId: string; fee: string; status: string }[]>`
    SELECT l.statement_id AS "statementId", l.fee::text AS fee, s.status::text AS status
    FROM fee_statement_lines l JOIN fee_statements s ON s.id = l.statement_id AND s.tenant_id = l.tenant_id
    WHERE l.tenant_id = ${tenantId}::uuid AND l.order_id = ${orderId}::uuid FOR UPDATE OF s`;
  if (!line) return "none";
  if (line.status === "settled") return "settled";
  await tx.$executeRaw`DELETE FROM fee_statement_lines WHERE tenant_id = ${tenantId}::uuid AND order_id = ${orderId}::uuid`;
  await tx.$executeRaw`UPDATE fee_statements SET total = total - ${line.fee}::numeric, order_count = order_count - 1, updated_at = now()
    WHERE tenant_id = ${tenantId}::uuid AND id = ${line.statementId}::uuid`;
  return "removed";
}
