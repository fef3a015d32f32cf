/**
 * ADR 034: `sales_rollup` is kept by the orders' and disputes' own transactions. A checkout, a payment, a refund and a
 * dispute move it; it always equals a regrouping of orders and disputes; the overview reads it (EXPLAIN) and stays
 * exact inside a partial slot and in a +05:45 zone; concurrent checkouts of one shop neither deadlock nor drift; a
 * write that would make it drift is refused.
 */
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { createShop, deliveredOrder, MERCHANT, moneyHarness, OPERATOR, placeOrder, sql } from "./money-fixture.ts";
import { seedBulkOrders } from "./sales-seed.ts";
import { ReportsService, overviewDayQuery, salesOverview } from "#server/reports/index.ts";

const db = await createTestDatabase();
const { money } = moneyHarness(db);
let a: Awaited<ReturnType<typeof createShop>>;
let b: Awaited<ReturnType<typeof createShop>>;

beforeAll(async () => {
  a = await createShop(db);
  b = await createShop(db);
});

interface Figures { checkouts: number; paid: number; gmv: string; refunds: number; refunded: string; disputes: number }

/** The shop's rollup, all slots together. */
async function rollupTotals(tenantId: string): Promise<Figures> {
  const [r] = await sql<Figures>(db, `SELECT coalesce(sum(checkouts), 0)::int AS checkouts, coalesce(sum(paid), 0)::int AS paid, coalesce(sum(gmv), 0)::numeric::text AS gmv,
    coalesce(sum(refunds), 0)::int AS refunds, coalesce(sum(refunded), 0)::numeric::text AS refunded, coalesce(sum(disputes), 0)::int AS disputes
    FROM sales_rollup WHERE tenant_id = $1`, [tenantId]);
  return { ...r!, gmv: String(Number(r!.gmv)), refunded: String(Number(r!.refunded)) };
}

// A refund (ADR 041): refunded, or cancelled by the merchant after payment (ADR 036).
const REFUNDED = "(status = 'refunded' OR (status = 'cancelled' AND paid_at IS NOT NULL))";

/** Rows of item_sales_rollup (ADR 041) that differ from the paid orders' lines regrouped by UTC day here. */
async function itemDrift(tenantId: string) {
  return sql(db, `
    WITH truth AS (
      SELECT to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, o.currency, l.item_id::text, sum(l.quantity)::int AS quantity, sum(l.line_total) AS revenue
      FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.tenant_id = $1 AND o.paid_at IS NOT NULL GROUP BY 1, 2, 3),
    rolled AS (
      SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, item_id::text, quantity, revenue FROM item_sales_rollup
      WHERE tenant_id = $1 AND (quantity <> 0 OR revenue <> 0))
    (SELECT 'missing' AS side, * FROM truth EXCEPT SELECT 'missing', * FROM rolled)
    UNION ALL
    (SELECT 'extra', * FROM rolled EXCEPT SELECT 'extra', * FROM truth)`, [tenantId]);
}

/**
 * Rows of the rollup (empty rows dropped) that differ from orders and disputes regrouped by their own
 * 15-minute UTC slot here: a second formulation, not the migration's functions.
 */
async function drift(tenantId: string) {
  return sql(db, `
    WITH truth AS (
      SELECT slot, currency, rail, sum(c)::int AS checkouts, sum(p)::int AS paid, sum(g) AS gmv, sum(r)::int AS refunds, sum(rf) AS refunded, sum(d)::int AS disputes
      FROM (SELECT to_timestamp(floor(extract(epoch FROM created_at) / 900) * 900) AS slot, currency, rail::text, 1 AS c, (paid_at IS NOT NULL)::int AS p,
                   CASE WHEN paid_at IS NOT NULL THEN total ELSE 0 END AS g, (${REFUNDED})::int AS r, CASE WHEN ${REFUNDED} THEN total ELSE 0 END AS rf, 0 AS d
            FROM orders WHERE tenant_id = $1
            UNION ALL
            SELECT to_timestamp(floor(extract(epoch FROM d.opened_at) / 900) * 900), o.currency, o.rail::text, 0, 0, 0, 0, 0, 1
            FROM disputes d JOIN orders o ON o.id = d.order_id WHERE d.tenant_id = $1) x
      GROUP BY 1, 2, 3),
    rolled AS (
      SELECT slot, currency, rail::text AS rail, sum(checkouts)::int AS checkouts, sum(paid)::int AS paid, sum(gmv) AS gmv, sum(refunds)::int AS refunds,
             sum(refunded) AS refunded, sum(disputes)::int AS disputes
      FROM sales_rollup WHERE tenant_id = $1 GROUP BY 1, 2, 3
      HAVING sum(checkouts) <> 0 OR sum(disputes) <> 0 OR sum(paid) <> 0 OR sum(gmv) <> 0 OR sum(refunds) <> 0 OR sum(refunded) <> 0)
    (SELECT 'missing' AS side, * FROM truth EXCEPT SELECT 'missing', * FROM rolled)
    UNION ALL
    (SELECT 'extra', * FROM rolled EXCEPT SELECT 'extra', * FROM truth)`, [tenantId]);
}

describe("sales rollup", () => {
  it("a checkout, a payment, a refund and a dispute each move the shop's rollup, and only its own", async () => {
    const bBefore = await rollupTotals(b.tenantId);
    const s0 = await rollupTotals(a.tenantId);
    const o = await placeOrder(money, a, { rail: "direct" });
    const s1 = await rollupTotals(a.tenantId);
    expect(s1).toMatchObject({ checkouts: s0.checkouts + 1, paid: s0.paid, gmv: s0.gmv });

    await money.sandboxPay(a.tenantId, o.token); // status change: paid
    const s2 = await rollupTotals(a.tenantId);
    expect(s2).toMatchObject({ checkouts: s1.checkouts, paid: s1.paid + 1, gmv: String(Number(s1.gmv) + 40) });

    const refunded = await deliveredOrder(money, a);
    await money.openDispute(a.tenantId, refunded.token, "Broken on arrival");
    const s3 = await rollupTotals(a.tenantId);
    expect(s3).toMatchObject({ checkouts: s2.checkouts + 1, paid: s2.paid + 1, disputes: s2.disputes + 1, refunds: s2.refunds });
    const dispute = await db.prisma.dispute.findFirstOrThrow({ where: { orderId: refunded.orderId } });
    await money.resolveDispute(OPERATOR, dispute.id, "refund", "Refunded");
    const s4 = await rollupTotals(a.tenantId);
    // Refunded: still a paid order in GMV (gross), now one refund of its total; the dispute still counts where it opened.
    expect(s4).toMatchObject({ checkouts: s3.checkouts, paid: s3.paid, gmv: s3.gmv, refunds: s3.refunds + 1, refunded: String(Number(s3.refunded) + 40), disputes: s3.disputes });

    expect(await rollupTotals(b.tenantId)).toEqual(bBefore);
    expect(await drift(a.tenantId)).toEqual([]);
    expect(await itemDrift(a.tenantId)).toEqual([]);
  });

  it("a merchant's cancel after payment counts as a refund of the order's total (ADR 041)", async () => {
    const o = await placeOrder(money, a, { rail: "direct", pay: true });
    const s0 = await rollupTotals(a.tenantId);
    await money.cancel(MERCHANT, a.tenantId, o.orderId, "Out of stock after all");
    const s1 = await rollupTotals(a.tenantId);
    expect(s1).toMatchObject({ checkouts: s0.checkouts, paid: s0.paid, gmv: s0.gmv, refunds: s0.refunds + 1, refunded: String(Number(s0.refunded) + 40) });
    // An unpaid order cancelled is no refund.
    const unpaid = await placeOrder(money, a, { rail: "direct" });
    await sql(db, `UPDATE orders SET status = 'cancelled' WHERE id = $1`, [unpaid.orderId]);
    expect((await rollupTotals(a.tenantId)).refunds).toBe(s1.refunds);
    expect(await drift(a.tenantId)).toEqual([]);
    expect(await itemDrift(a.tenantId)).toEqual([]);
  });

  it("follows an order or a dispute moved to another slot, and bulk inserts and deletes", async () => {
    const o = await placeOrder(money, a, { rail: "escrow", pay: true });
    await money.openDispute(a.tenantId, o.token, "Never arrived");
    await sql(db, `UPDATE orders SET created_at = created_at - interval '3 days 7 minutes' WHERE id = $1`, [o.orderId]);
    await sql(db, `UPDATE disputes SET opened_at = opened_at - interval '1 hour' WHERE order_id = $1`, [o.orderId]);
    expect(await drift(a.tenantId)).toEqual([]);
    expect(await itemDrift(a.tenantId)).toEqual([]);
    // A line changed or deleted under a paid order moves the item rollup too; lines of an unpaid order do not count.
    await sql(db, `UPDATE order_lines SET quantity = quantity + 1, line_total = unit_price * (quantity + 1) WHERE order_id = $1`, [o.orderId]);
    expect(await itemDrift(a.tenantId)).toEqual([]);
    const gone = await placeOrder(money, a, { rail: "direct", pay: true, title: "E-book" });
    await sql(db, `DELETE FROM order_lines WHERE order_id = $1`, [gone.orderId]);
    const unpaid = await placeOrder(money, a, { rail: "direct", title: "E-book" });
    await sql(db, `UPDATE order_lines SET quantity = 3, line_total = unit_price * 3 WHERE order_id = $1`, [unpaid.orderId]);
    expect(await itemDrift(a.tenantId)).toEqual([]);
    // Orders are never deleted by the app (the ledger refers to them); bulk rows without postings can be.
    const shop = await createShop(db);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await seedBulkOrders(c, { tenantId: shop.tenantId, count: 500, days: 10, now: new Date() });
    } finally {
      await c.end();
    }
    expect(await rollupTotals(shop.tenantId)).toMatchObject({ checkouts: 500, paid: 450, refunds: 10 });
    expect(await drift(shop.tenantId)).toEqual([]);
    await sql(db, `DELETE FROM orders WHERE tenant_id = $1 AND idempotency_key LIKE 'bulk-order-1%'`, [shop.tenantId]);
    expect(await drift(shop.tenantId)).toEqual([]);
    expect((await rollupTotals(shop.tenantId)).checkouts).toBe(500 - 111);
    expect(await drift(a.tenantId)).toEqual([]);
  });

  it("many concurrent checkouts and payments of one shop neither deadlock nor drift", async () => {
    const before = await rollupTotals(b.tenantId);
    const results = await Promise.allSettled(Array.from({ length: 24 }, (_, i) => placeOrder(money, b, { rail: i % 2 ? "direct" : "escrow", title: "E-book", pay: true })));
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect(await rollupTotals(b.tenantId)).toMatchObject({ checkouts: before.checkouts + 24, paid: before.paid + 24 });
    expect(await drift(b.tenantId)).toEqual([]);
    expect(await itemDrift(b.tenantId)).toEqual([]);
  });

  it("refuses a write that would make the rollup drift from orders (the control behind exactness)", async () => {
    const o = await placeOrder(money, a, { rail: "direct" });
    // Lose the rows the checkout wrote; paying would then take the slot's counts below the paid orders.
    await sql(db, `DELETE FROM sales_rollup WHERE tenant_id = $1`, [a.tenantId]);
    await expect(money.sandboxPay(a.tenantId, o.token)).rejects.toThrow(/sales_rollup_counts/);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: o.orderId } })).paidAt).toBeNull();
    // Rebuild from orders as the migration's backfill does, so the tests after this one start exact again.
    await sql(db, `INSERT INTO sales_rollup (tenant_id, slot, currency, rail, checkouts, paid, gmv, refunds, refunded, disputes)
      SELECT (x).tenant_id, (x).slot, (x).currency, (x).rail, sum((x).checkouts), sum((x).paid), sum((x).gmv), sum((x).refunds), sum((x).refunded), sum((x).disputes)
      FROM (SELECT sales_rollup_of_order(o, 1) AS x FROM orders o WHERE tenant_id = $1
            UNION ALL SELECT sales_rollup_of_dispute(d, o.currency, o.rail, 1) FROM disputes d JOIN orders o ON o.id = d.order_id WHERE d.tenant_id = $1) t
      GROUP BY 1, 2, 3, 4`, [a.tenantId]);
    expect(await drift(a.tenantId)).toEqual([]);
  });

  it("refuses a write that would make the item rollup drift from the lines", async () => {
    const o = await placeOrder(money, a, { rail: "direct", pay: true });
    await sql(db, `DELETE FROM item_sales_rollup WHERE tenant_id = $1`, [a.tenantId]);
    // Rows lost (left at zero): deleting the paid order's line would take its row below zero.
    await sql(db, `INSERT INTO item_sales_rollup (tenant_id, day, currency, item_id, title, quantity, revenue)
      SELECT l.tenant_id, (o.created_at AT TIME ZONE 'UTC')::date, o.currency, l.item_id, l.title, 0, 0 FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.id = $1`, [o.orderId]);
    await expect(sql(db, `DELETE FROM order_lines WHERE order_id = $1`, [o.orderId])).rejects.toThrow(/item_sales_rollup_counts/);
    await sql(db, `DELETE FROM item_sales_rollup WHERE tenant_id = $1`, [a.tenantId]);
    await sql(db, `INSERT INTO item_sales_rollup (tenant_id, day, currency, item_id, title, quantity, revenue)
      SELECT l.tenant_id, (o.created_at AT TIME ZONE 'UTC')::date, o.currency, l.item_id, max(l.title), sum(l.quantity), sum(l.line_total)
      FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.tenant_id = $1 AND o.paid_at IS NOT NULL GROUP BY 1, 2, 3, 4`, [a.tenantId]);
    expect(await itemDrift(a.tenantId)).toEqual([]);
  });
});

describe("the overview over the rollup", () => {
  it("is exact inside a partial slot and in a +05:45 zone: an order before `now` counts, one after it does not", async () => {
    const zone = "Asia/Kathmandu";
    const shop = await createShop(db);
    await db.prisma.tenant.update({ where: { id: shop.tenantId }, data: { timeZone: zone } });
    // Kathmandu is UTC+05:45: `now` (18:07Z) is 23:52 there and cuts the slot 18:00Z–18:15Z; its local midnight is
    // 18:15Z the day before. 18:09Z is after `now` and must not count; 05 Dec 18:14:59Z is still 5 December there.
    const NOW = new Date("2026-12-06T18:07:00Z");
    const at = ["2026-12-06T18:05:00Z", "2026-12-06T18:09:00Z", "2026-12-06T18:00:00Z", "2026-12-06T17:59:59.999Z", "2026-12-05T18:14:59Z", "2026-12-05T18:15:00Z", "2026-11-20T10:00:00Z"];
    for (const t of at) {
      const o = await placeOrder(money, shop, { rail: "direct", pay: true });
      await sql(db, `UPDATE orders SET created_at = $2 WHERE id = $1`, [o.orderId, t]);
    }
    const reports = new ReportsService({ prisma: db.prisma, sql: db.run, now: () => NOW });
    const o = await reports.overview(shop.tenantId, 30);
    const [today, d7, d30] = await Promise.all(["2026-12-06", "2026-11-30", "2026-11-07"].map(async (from) => (await sql<{ n: number }>(db, `
      SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND created_at >= ($2::date::timestamp AT TIME ZONE $3) AND created_at < $4`,
    [shop.tenantId, from, zone, NOW.toISOString()]))[0]!.n));
    const block = o.currencies[0]!;
    expect(o.today).toBe("2026-12-06");
    expect(block.periods.today.current.checkouts).toBe(today);
    expect(block.periods.today.current.checkouts).toBe(4); // 05 Dec 18:15Z (00:00 there), 17:59:59.999Z, 18:00Z, 18:05Z
    expect(block.periods.d7.current.checkouts).toBe(d7);
    expect(block.periods.d30.current.checkouts).toBe(d30);
    expect(block.chart.find((d) => d.day === "2026-12-05")!.orders).toBe(1);
  });

  it("reads the rollup for a shop and for the platform (EXPLAIN), not a scan of orders", async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query("ANALYZE orders; ANALYZE sales_rollup");
      for (const scope of [{ tenantId: a.tenantId }, { platform: true as const }]) {
        const args = ["tenantId" in scope ? scope.tenantId : null, "America/New_York", "2026-10-09", "2026-12-07T12:07:00Z"];
        const { rows } = await c.query(`EXPLAIN (FORMAT JSON) ${overviewDayQuery(scope)}`, args);
        const plan = JSON.stringify(rows[0]["QUERY PLAN"]);
        expect(plan).toContain('"Relation Name":"sales_rollup"');
        expect(plan).not.toMatch(/Seq Scan[^}]*"Relation Name":"orders"/);
        expect(plan).not.toMatch(/Seq Scan[^}]*"Relation Name":"disputes"/);
      }
    } finally {
      await c.end();
    }
  });

  it("the platform overview equals independent SQL over every shop's orders (UTC)", async () => {
    const NOW = new Date(Date.now() + 60_000);
    const p = await salesOverview(db.run.query, { platform: true }, { timeZone: "UTC", now: NOW, chartDays: 30 });
    const today = NOW.toISOString().slice(0, 10);
    const rows = await sql<{ currency: string; checkouts: number; paid: number; gmv: string; disputes: number }>(db, `
      SELECT o.currency, count(*)::int AS checkouts, count(*) FILTER (WHERE paid_at IS NOT NULL)::int AS paid,
             coalesce(sum(total) FILTER (WHERE paid_at IS NOT NULL), 0)::text AS gmv,
             (SELECT count(*)::int FROM disputes d WHERE d.opened_at >= $1::date AND d.opened_at < $2) AS disputes
      FROM orders o WHERE created_at >= $1::date AND created_at < $2 GROUP BY 1`, [today, NOW.toISOString()]);
    for (const r of rows) {
      const block = p.currencies.find((c) => c.currency === r.currency)!;
      expect(block.periods.today.current).toMatchObject({ checkouts: r.checkouts, orders: r.paid, disputes: r.disputes });
      expect(Number(block.periods.today.current.gmv)).toBe(Number(r.gmv));
    }
    expect(rows.length).toBeGreaterThan(0);
  });
});
