/**
 * The sales overview (ADR 031, 034): orders, GMV, conversion, refunds and disputes per local day of the shop, read
 * from the 15-minute `sales_rollup` (plus the partial slots at the window's edges from orders), then folded into
 * today / 7 / 30 days and the chart here. Amounts stay decimal strings (summed as BigInt units); only percentages are numbers.
 */
import type { SqlQuery } from "#server/db/index.ts";
import { currencyDigits } from "#server/catalog/index.ts";
import { fromUnits, toUnits } from "#server/money/index.ts";
import { PERIODS, addDays, localToday, type CurrencyOverview, type Figures, type LocalDay, type SalesOverview } from "./shared.ts";

/** Whose orders: one shop (the tenant floor) or the whole platform (operators only). */
export type OverviewScope = { tenantId: string } | { platform: true };

interface DayRow { day: string; currency: string; rail: string; checkouts: number; paid: number; gmv: string; refunds: number; refunded: string }
interface DisputeRow { day: string; currency: string; disputes: number }
interface ItemRow { currency: string; item_id: string; title: string; quantity: number; revenue: string }
type RollupRow = DayRow & { disputes: number };

// ADR 034: the window [first local midnight, now) is read as whole 15-minute UTC slots from `sales_rollup` (kept by
// triggers in the orders' and disputes' own transactions), plus the partial slot before `now` (and a partial first
// slot, for a zone whose midnight is not on a slot) from orders and disputes themselves, so the figures are exact at
// any instant. A slot's local day is `(slot AT TIME ZONE zone)::date` (Postgres knows the zone's DST; a date, not
// to_char, per row: formatting every row was most of the cost). The edges are read for the shops that have a rollup
// row in the edge slot: every committed order or dispute of a slot has one, and it keeps the platform's edge read on
// the tenant-led indexes. $1 tenant (null: the platform), $2 zone, $3 first local day, $4 now.
const ROLLUP_ROWS = (scope: OverviewScope) => {
  const floor = "tenantId" in scope ? "r.tenant_id = $1::uuid" : "$1::uuid IS NULL";
  return `
  WITH b AS MATERIALIZED (
    SELECT lo, hi, sales_slot(lo) AS lo_slot, CASE WHEN sales_slot(lo) = lo THEN lo ELSE sales_slot(lo) + interval '15 minutes' END AS lo_al,
           sales_slot(hi) AS hi_al
    FROM (SELECT ($3::date::timestamp AT TIME ZONE $2) AS lo, $4::timestamptz AS hi) w),
  edge AS MATERIALIZED (
    SELECT DISTINCT r.tenant_id, e.lo, e.hi FROM b,
      LATERAL (VALUES (b.lo, b.lo_al, b.lo_slot), (b.hi_al, b.hi, b.hi_al)) e(lo, hi, slot)
      JOIN sales_rollup r ON r.slot = e.slot
    WHERE ${floor} AND e.lo < e.hi),
  x AS (
    SELECT r.slot AS at, r.currency, r.rail, r.checkouts, r.paid, r.gmv, r.refunds, r.refunded, r.disputes
    FROM b JOIN sales_rollup r ON r.slot >= b.lo_al AND r.slot < b.hi_al WHERE ${floor}
    UNION ALL
    SELECT o.created_at, o.currency, o.rail, 1, (o.paid_at IS NOT NULL)::int, CASE WHEN o.paid_at IS NOT NULL THEN o.total ELSE 0 END,
           -- Refunds (ADR 041): refunded, or cancelled by the merchant after payment (ADR 036), as in the rollup.
           (o.status = 'refunded' OR (o.status = 'cancelled' AND o.paid_at IS NOT NULL))::int,
           CASE WHEN o.status = 'refunded' OR (o.status = 'cancelled' AND o.paid_at IS NOT NULL) THEN o.total ELSE 0 END, 0
    FROM edge JOIN orders o ON o.tenant_id = edge.tenant_id AND o.created_at >= edge.lo AND o.created_at < edge.hi
    UNION ALL
    SELECT d.opened_at, o.currency, o.rail, 0, 0, 0, 0, 0, 1
    FROM edge JOIN disputes d ON d.tenant_id = edge.tenant_id AND d.opened_at >= edge.lo AND d.opened_at < edge.hi
    JOIN orders o ON o.tenant_id = d.tenant_id AND o.id = d.order_id)
  SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, rail::text AS rail,
         sum(checkouts)::int AS checkouts, sum(paid)::int AS paid, sum(gmv)::text AS gmv,
         sum(refunds)::int AS refunds, sum(refunded)::text AS refunded, sum(disputes)::int AS disputes
  FROM (SELECT (at AT TIME ZONE $2)::date AS day, * FROM x) x GROUP BY x.day, currency, rail`;
};

// ADR 041: top items over [first local midnight, now) read whole UTC days from `item_sales_rollup` (kept by triggers
// on order_lines and orders) and correct the two edge days with the lines of paid orders, so the list is exact in any
// zone at any instant while reading ~items × 31 rollup rows, not a line per order. The first day is taken whole minus
// [its UTC midnight, lo) when that is at most 12 hours, else only [lo, next UTC midnight) is added; today's UTC day is
// taken whole minus [now, its end), which holds no orders unless `now` is injected. So at most 12 hours of orders are
// read, usually one. The bounds are written as expressions of the parameters, not read from a CTE: Postgres folds
// them to constants when it plans (AT TIME ZONE is immutable), so it estimates the edges from the histogram instead of
// guessing a share of the shop's orders (a guess that at 1M orders priced the plan past the JIT threshold).
// Title: the newest line's. $1 tenant, $2 zone, $3 first local day, $4 now.
const LO = "($3::date::timestamp AT TIME ZONE $2)";
const LO_DAY = `((${LO} AT TIME ZONE 'UTC')::date)`;
const LO_FLOOR = `(${LO_DAY}::timestamp AT TIME ZONE 'UTC')`;
const LO_WHOLE = `(${LO} - ${LO_FLOOR} <= interval '12 hours')`;
const HI = "$4::timestamptz";
const HI_DAY = `((${HI} AT TIME ZONE 'UTC')::date)`;
const HI_FLOOR = `(${HI_DAY}::timestamp AT TIME ZONE 'UTC')`;
const EDGE_LINES = (from: string, to: string, sign: string) => `
    SELECT o.currency, l.item_id, l.title, o.created_at, ${sign} * l.quantity, ${sign} * l.line_total, ${sign}
    FROM orders o
    -- Lines per edge order through their index (OFFSET 0 keeps the subquery a per-order probe, never a scan of the
    -- shop's lines).
    CROSS JOIN LATERAL (SELECT l.item_id, l.title, l.quantity, l.line_total FROM order_lines l
                        WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id OFFSET 0) l
    WHERE o.tenant_id = $1::uuid AND o.created_at >= ${from} AND o.created_at < ${to} AND o.paid_at IS NOT NULL`;
const TOP_ITEMS = `
  WITH x AS (
    SELECT r.currency, r.item_id, r.title, (r.day::timestamp AT TIME ZONE 'UTC') AS at, r.quantity, r.revenue, 1 AS sign
    FROM item_sales_rollup r
    WHERE r.tenant_id = $1::uuid
      AND r.day >= CASE WHEN ${LO_WHOLE} THEN ${LO_DAY} ELSE ${LO_DAY} + 1 END
      AND r.day <= CASE WHEN ${HI} = ${HI_FLOOR} THEN ${HI_DAY} - 1 ELSE ${HI_DAY} END
    UNION ALL ${EDGE_LINES(`CASE WHEN ${LO_WHOLE} THEN ${LO_FLOOR} ELSE ${LO} END`, `CASE WHEN ${LO_WHOLE} THEN ${LO} ELSE ${LO_FLOOR} + interval '1 day' END`, `(CASE WHEN ${LO_WHOLE} THEN -1 ELSE 1 END)`)}
    UNION ALL ${EDGE_LINES(HI, `CASE WHEN ${HI} = ${HI_FLOOR} THEN ${HI} ELSE ${HI_FLOOR} + interval '1 day' END`, "(-1)")})
  SELECT currency, item_id::text, (array_agg(title ORDER BY at DESC) FILTER (WHERE sign > 0))[1] AS title,
         sum(quantity)::int AS quantity, sum(revenue)::text AS revenue
  FROM x GROUP BY currency, item_id HAVING sum(quantity) > 0 ORDER BY sum(revenue) DESC, item_id LIMIT 5`;

/** The overview's top items for one shop (rollup and edges): what the plan test explains. */
export function topItemsQuery() {
  return TOP_ITEMS;
}

// Of the GMV, shipping and tax per local day (ADR 045): the same orders as the GMV (paid, by creation day), read
// from orders on the shop's (tenant_id, created_at) index like TOP_ITEMS; the rollup keeps totals only.
const SPLIT = `
  SELECT to_char((o.created_at AT TIME ZONE $2)::date, 'YYYY-MM-DD') AS day, o.currency,
         sum(o.shipping_amount)::text AS shipping, sum(o.tax_amount)::text AS tax
  FROM orders o
  WHERE o.tenant_id = $1::uuid AND o.created_at >= ($3::date::timestamp AT TIME ZONE $2) AND o.created_at < $4::timestamptz
    AND o.paid_at IS NOT NULL AND (o.shipping_amount > 0 OR o.tax_amount > 0)
  GROUP BY 1, 2`;
interface SplitRow { day: string; currency: string; shipping: string; tax: string }

/** The overview's day rows alone (rollup and edges): what the bench times and the plan tests explain. */
export function overviewDayQuery(scope: OverviewScope) {
  return ROLLUP_ROWS(scope);
}


function fold(rows: DayRow[], disputes: DisputeRow[], split: SplitRow[] | null, from: LocalDay, to: LocalDay, currency: string): Figures {
  const inside = (d: string) => d >= from && d <= to;
  let shipping = 0n, tax = 0n;
  for (const r of split ?? []) if (inside(r.day)) { shipping += toUnits(r.shipping); tax += toUnits(r.tax); }
  let checkouts = 0, orders = 0, gmv = 0n, refunds = 0, refunded = 0n, disputeCount = 0;
  for (const r of rows) {
    if (!inside(r.day)) continue;
    checkouts += r.checkouts; orders += r.paid; gmv += toUnits(r.gmv); refunds += r.refunds; refunded += toUnits(r.refunded);
  }
  for (const d of disputes) if (inside(d.day)) disputeCount += d.disputes;
  const step = 10n ** BigInt(18 - currencyDigits(currency));
  // Half-up to the currency's minor unit.
  const aov = orders === 0 ? null : fromUnits((((gmv / BigInt(orders)) + step / 2n) / step) * step);
  return { checkouts, orders, gmv: fromUnits(gmv), aov, conversion: checkouts === 0 ? null : orders / checkouts, refunds, refunded: fromUnits(refunded), disputes: disputeCount,
    shipping: split ? fromUnits(shipping) : null, tax: split ? fromUnits(tax) : null,
  };
}

function currencyBlock(currency: string, rows: DayRow[], disputes: DisputeRow[], split: SplitRow[] | null, items: ItemRow[], today: LocalDay, chartDays: number): CurrencyOverview {
  const periods = Object.fromEntries(PERIODS.map((p) => {
    const start = addDays(today, 1 - p.days);
    return [p.key, {
      current: fold(rows, disputes, split, start, today, currency),
      previous: fold(rows, disputes, split, addDays(start, -p.days), addDays(start, -1), currency),
    }];
  })) as CurrencyOverview["periods"];
  const byDay = new Map<string, { orders: number; gmv: bigint }>();
  for (const r of rows) {
    const d = byDay.get(r.day) ?? { orders: 0, gmv: 0n };
    d.orders += r.paid; d.gmv += toUnits(r.gmv);
    byDay.set(r.day, d);
  }
  const chart = Array.from({ length: chartDays }, (_, i) => {
    const day = addDays(today, i + 1 - chartDays);
    const d = byDay.get(day);
    return { day, orders: d?.orders ?? 0, gmv: fromUnits(d?.gmv ?? 0n) };
  });
  const since = addDays(today, -29);
  const byRail = new Map<string, { orders: number; gmv: bigint }>();
  for (const r of rows) {
    if (r.day < since || r.paid === 0) continue;
    const x = byRail.get(r.rail) ?? { orders: 0, gmv: 0n };
    x.orders += r.paid; x.gmv += toUnits(r.gmv);
    byRail.set(r.rail, x);
  }
  const rails = [...byRail].map(([rail, x]) => ({ rail, orders: x.orders, gmv: fromUnits(x.gmv) })).sort((a, b) => (toUnits(b.gmv) > toUnits(a.gmv) ? 1 : -1));
  const topItems = items.map((i) => ({ itemId: i.item_id, title: i.title, quantity: i.quantity, revenue: i.revenue }));
  return { currency, periods, chart, rails, topItems };
}

/**
 * The overview for one shop (in its time zone) or the platform (in UTC). `now` is injectable so tests can stand on
 * either side of a day boundary. Reads max(60, chartDays) local days: 30 days and the 30 before them.
 */
export async function salesOverview(query: SqlQuery, scope: OverviewScope, o: { timeZone: string; now: Date; chartDays: number; currency?: string }): Promise<SalesOverview> {
  const today = localToday(o.now, o.timeZone);
  const first = addDays(today, 1 - Math.max(60, o.chartDays));
  const since30 = addDays(today, -29);
  const args = ["tenantId" in scope ? scope.tenantId : null, o.timeZone, first, o.now.toISOString()];
  const shop = "tenantId" in scope;
  const [all, items, split] = await Promise.all([
    query<RollupRow>(ROLLUP_ROWS(scope), args),
    shop ? query<ItemRow>(TOP_ITEMS, [args[0], o.timeZone, since30, args[3]]) : Promise.resolve([] as ItemRow[]),
    shop ? query<SplitRow>(SPLIT, args) : Promise.resolve(null),
  ]);
  // A rollup row can net to zero (an order moved to another slot): only groups with orders are day rows.
  const rows = all.filter((r) => r.checkouts > 0);
  const disputes: DisputeRow[] = all.filter((r) => r.disputes > 0);
  const currencies = [...new Set([...(o.currency ? [o.currency] : []), ...rows.map((r) => r.currency)])].sort((a, b) => (a === o.currency ? -1 : b === o.currency ? 1 : a.localeCompare(b)));
  return {
    timeZone: o.timeZone, today, chartDays: o.chartDays,
    currencies: currencies.map((c) => currencyBlock(c, rows.filter((r) => r.currency === c), disputes.filter((d) => d.currency === c), split && split.filter((r) => r.currency === c), items.filter((i) => i.currency === c), today, o.chartDays)),
  };
}
