/**
 * The shop's money as the ledger has it (ADR 031): what is held in escrow, what the ledger has credited the merchant
 * (`merchant_payable`), what they owe in billed-monthly fees, and every movement on those accounts, with its order.
 * Read-only, always with the tenant floor on the account.
 */
import type { SqlQuery } from "#server/db/index.ts";
import { fromUnits, toUnits } from "#server/money/index.ts";
import { addDays, type Balances, type LocalDay } from "./shared.ts";

/** The shop's accounts a merchant sees, in the order the page and statements list them. */
export const PAYOUT_ACCOUNTS = ["merchant_payable", "escrow", "merchant_fee_receivable"] as const;
export type PayoutAccount = (typeof PAYOUT_ACCOUNTS)[number];


export async function payoutBalances(query: SqlQuery, tenantId: string): Promise<Balances[]> {
  const [accounts, flows] = await Promise.all([
    query<{ kind: string; currency: string; balance: string }>(
      `SELECT kind::text, currency, balance::text FROM ledger_accounts WHERE tenant_id = $1::uuid AND kind::text = ANY($2::text[])`,
      [tenantId, PAYOUT_ACCOUNTS], "payout_balances"),
    query<{ currency: string; credits: string; debits: string }>(
      `SELECT a.currency, coalesce(sum(e.amount) FILTER (WHERE e.amount > 0), 0)::text AS credits, coalesce(-sum(e.amount) FILTER (WHERE e.amount < 0), 0)::text AS debits
       FROM ledger_accounts a JOIN ledger_entries e ON e.account_id = a.id
       WHERE a.tenant_id = $1::uuid AND a.kind = 'merchant_payable' GROUP BY a.currency`, [tenantId], "payout_flows"),
  ]);
  const currencies = [...new Set(accounts.map((a) => a.currency))].sort();
  const bal = (currency: string, kind: PayoutAccount) => fromUnits(toUnits(accounts.find((a) => a.currency === currency && a.kind === kind)?.balance ?? "0"));
  return currencies.map((currency) => {
    const f = flows.find((x) => x.currency === currency);
    return {
      currency, escrow: bal(currency, "escrow"), payable: bal(currency, "merchant_payable"), feesOwed: bal(currency, "merchant_fee_receivable"),
      paidOut: fromUnits(toUnits(f?.credits ?? "0")), deducted: fromUnits(toUnits(f?.debits ?? "0")),
    };
  });
}

export interface Movement {
  id: string;
  at: string;
  account: PayoutAccount;
  kind: string;
  orderId: string | null;
  memo: string | null;
  amount: string;
  currency: string;
}

interface MovementRow { id: string; at: Date; account: PayoutAccount; kind: string; order_id: string | null; memo: string | null; amount: string; currency: string }
const toMovement = (r: MovementRow): Movement => ({
  id: r.id, at: r.at.toISOString(), account: r.account, kind: r.kind, orderId: r.order_id, memo: r.memo, amount: fromUnits(toUnits(r.amount)), currency: r.currency,
});

// Keyset over (created_at, id) after the cursor entry's own values (microseconds; a JS Date would keep milliseconds and
// skip or repeat entries of one posting). A cursor of another shop finds no row: an empty page.
const MOVEMENTS = `
  SELECT e.id::text, e.created_at AS at, a.kind::text AS account, p.kind, p.order_id::text, p.memo, e.amount::text, e.currency
  FROM ledger_accounts a
  JOIN ledger_entries e ON e.account_id = a.id
  JOIN ledger_postings p ON p.id = e.posting_id
  WHERE a.tenant_id = $1::uuid AND a.kind::text = ANY($2::text[])
    AND e.created_at >= $3::timestamptz AND e.created_at < $4::timestamptz
    AND ($5::uuid IS NULL OR (e.created_at, e.id) > (SELECT c.created_at, c.id FROM ledger_entries c WHERE c.id = $5::uuid AND c.tenant_id = $1::uuid))
  ORDER BY e.created_at, e.id LIMIT $6`;

/** The instant a local day starts in `timeZone`. */
export async function localMidnight(query: SqlQuery, day: LocalDay, timeZone: string): Promise<Date> {
  const [row] = await query<{ at: Date }>(`SELECT ($1::date::timestamp AT TIME ZONE $2) AS at`, [day, timeZone], "local_midnight");
  return row!.at;
}

export interface MovementRange { from: Date; to: Date }

/** Local days [from, to] (inclusive) as instants. */
export async function dayRange(query: SqlQuery, timeZone: string, from: LocalDay, to: LocalDay): Promise<MovementRange> {
  const [start, end] = await Promise.all([localMidnight(query, from, timeZone), localMidnight(query, addDays(to, 1), timeZone)]);
  return { from: start, to: end };
}

/** One page of movements in the range, oldest first, after the movement `after` (its id). */
export async function movementsPage(query: SqlQuery, tenantId: string, range: MovementRange, o: { limit: number; after?: string }): Promise<Movement[]> {
  const rows = await query<MovementRow>(MOVEMENTS, [tenantId, PAYOUT_ACCOUNTS, range.from.toISOString(), range.to.toISOString(), o.after ?? null, o.limit], "payout_movements");
  return rows.map(toMovement);
}

/** Every movement in the range, in batches (a CSV of a busy year never sits in memory whole). */
export async function* allMovements(query: SqlQuery, tenantId: string, range: MovementRange, batch = 2000): AsyncGenerator<Movement> {
  let after: string | undefined;
  for (;;) {
    const page = await movementsPage(query, tenantId, range, { limit: batch, after });
    yield* page;
    if (page.length < batch) return;
    after = page.at(-1)!.id;
  }
}

/** Each account's balance just before `at`: a statement's opening. */
export async function balancesBefore(query: SqlQuery, tenantId: string, at: Date) {
  const rows = await query<{ account: PayoutAccount; currency: string; balance: string }>(
    `SELECT a.kind::text AS account, a.currency, coalesce(sum(e.amount), 0)::text AS balance
     FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id AND e.created_at < $3::timestamptz
     WHERE a.tenant_id = $1::uuid AND a.kind::text = ANY($2::text[]) GROUP BY a.kind, a.currency`,
    [tenantId, PAYOUT_ACCOUNTS, at.toISOString()], "payout_opening");
  return rows.map((r) => ({ ...r, balance: fromUnits(toUnits(r.balance)) }));
}
