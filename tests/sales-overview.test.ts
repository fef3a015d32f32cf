/**
 * ADR 031 acceptance: the overview's figures equal independent SQL over orders and the ledger for a shop with refunds
 * and disputes, in a non-UTC zone, on both sides of a local midnight; a shop never sees another's numbers; the plan
 * reads the overview index, not a scan of orders; the Payouts balance is the ledger's merchant_payable balance and
 * the CSVs have one row per movement.
 */
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { createShop, deliveredOrder, expectLedgerConsistent, MERCHANT, moneyHarness, OPERATOR, placeOrder, sql } from "./money-fixture.ts";
import { seedBulkOrders } from "./sales-seed.ts";
import { ReportsService, overviewDayQuery, topItemsQuery } from "#server/reports/index.ts";
import { TenantLifecycle, tenantPatchSchema } from "#server/tenancy/index.ts";

const db = await createTestDatabase();
const { money } = moneyHarness(db);
const ZONE = "America/New_York";
// 07:00 in New York on 7 December: 04:30Z is still 6 December there, 05:30Z already the 7th (both the 7th in UTC).
const NOW = new Date("2026-12-07T12:00:00Z");
const reports = new ReportsService({ prisma: db.prisma, sql: db.run, now: () => NOW });
let a: Awaited<ReturnType<typeof createShop>>;
let b: Awaited<ReturnType<typeof createShop>>;

async function readText(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

const setCreated = (orderId: string, at: string) => sql(db, `UPDATE orders SET created_at = $2 WHERE id = $1`, [orderId, at]);

beforeAll(async () => {
  a = await createShop(db);
  b = await createShop(db);
  await db.prisma.tenant.update({ where: { id: a.tenantId }, data: { timeZone: ZONE } });
  const times = ["2026-12-07T05:30:00Z", "2026-12-07T04:30:00Z", "2026-12-03T15:00:00Z", "2026-11-20T15:00:00Z", "2026-11-01T15:00:00Z", "2026-10-20T15:00:00Z"];
  for (const [i, at] of times.entries()) {
    const paid = await placeOrder(money, a, { rail: "direct", pay: true, quantity: 1 + (i % 2) });
    await setCreated(paid.orderId, at);
    const unpaid = await placeOrder(money, a, { rail: "direct" });
    await setCreated(unpaid.orderId, at);
    const invoice = await placeOrder(money, a, { rail: "manual_invoice", title: "E-book" });
    await money.markInvoicePaid({ userId: null, kind: "user" }, a.tenantId, invoice.orderId, "bank transfer seen");
    await setCreated(invoice.orderId, at);
  }
  // Escrow: one released, one refunded after a dispute, one still disputed — all today in New York.
  const released = await deliveredOrder(money, a);
  await money.release(a.tenantId, released.orderId);
  const refunded = await deliveredOrder(money, a);
  await money.openDispute(a.tenantId, refunded.token, "Broken on arrival");
  const d1 = await db.prisma.dispute.findFirstOrThrow({ where: { orderId: refunded.orderId } });
  await money.resolveDispute(OPERATOR, d1.id, "refund", "Refunded");
  const disputed = await placeOrder(money, a, { rail: "escrow", pay: true });
  await money.openDispute(a.tenantId, disputed.token, "Never arrived");
  // A direct order the merchant cancelled after payment (ADR 036): a refund in the figures (ADR 041).
  const cancelled = await placeOrder(money, a, { rail: "direct", pay: true });
  await money.cancel(MERCHANT, a.tenantId, cancelled.orderId, "Out of stock after all");
  for (const o of [released, refunded, disputed, cancelled]) await setCreated(o.orderId, "2026-12-07T06:00:00Z");
  await sql(db, `UPDATE disputes SET opened_at = '2026-12-07T06:30:00Z' WHERE tenant_id = $1`, [a.tenantId]);
  // Shop B sells the same day, much more: none of it may show in A's figures.
  for (let i = 0; i < 3; i++) {
    const o = await placeOrder(money, b, { rail: "direct", pay: true, quantity: 5 });
    await setCreated(o.orderId, "2026-12-07T05:30:00Z");
  }
});

// A refund: the order refunded, or cancelled by the merchant after it was paid (its full total went back).
const REFUNDED = "(status = 'refunded' OR (status = 'cancelled' AND paid_at IS NOT NULL))";

/** The figures for [from, to) local days straight from orders and disputes: a second, independent formulation. */
async function expected(tenantId: string, fromDay: string, toDayExclusive: string) {
  const [row] = await sql<{ checkouts: number; orders: number; gmv: string; refunds: number; refunded: string; disputes: number }>(db, `
    WITH r AS (SELECT ($2::date::timestamp AT TIME ZONE $4) AS lo, least(($3::date::timestamp AT TIME ZONE $4), $5::timestamptz) AS hi)
    SELECT (SELECT count(*)::int FROM orders, r WHERE tenant_id = $1 AND created_at >= lo AND created_at < hi) AS checkouts,
           (SELECT count(*)::int FROM orders, r WHERE tenant_id = $1 AND created_at >= lo AND created_at < hi AND paid_at IS NOT NULL) AS orders,
           (SELECT coalesce(sum(total), 0)::text FROM orders, r WHERE tenant_id = $1 AND created_at >= lo AND created_at < hi AND paid_at IS NOT NULL) AS gmv,
           (SELECT count(*)::int FROM orders, r WHERE tenant_id = $1 AND created_at >= lo AND created_at < hi AND ${REFUNDED}) AS refunds,
           (SELECT coalesce(sum(total), 0)::text FROM orders, r WHERE tenant_id = $1 AND created_at >= lo AND created_at < hi AND ${REFUNDED}) AS refunded,
           (SELECT count(*)::int FROM disputes, r WHERE tenant_id = $1 AND opened_at >= lo AND opened_at < hi) AS disputes`,
  [tenantId, fromDay, toDayExclusive, ZONE, NOW.toISOString()]);
  return row!;
}
const num = (s: string) => Number(s);

describe("sales overview", () => {
  it("equals independent SQL for today, 7 and 30 days and the periods before, in the shop's zone", async () => {
    const o = await reports.overview(a.tenantId, 30);
    expect(o.timeZone).toBe(ZONE);
    expect(o.today).toBe("2026-12-07");
    const block = o.currencies[0]!;
    const windows = { today: ["2026-12-07", "2026-12-08", "2026-12-06", "2026-12-07"], d7: ["2026-12-01", "2026-12-08", "2026-11-24", "2026-12-01"], d30: ["2026-11-08", "2026-12-08", "2026-10-09", "2026-11-08"] } as const;
    for (const [k, [from, to, pFrom, pTo]] of Object.entries(windows) as [keyof typeof windows, readonly string[]][]) {
      for (const [fig, e] of [[block.periods[k].current, await expected(a.tenantId, from!, to!)], [block.periods[k].previous, await expected(a.tenantId, pFrom!, pTo!)]] as const) {
        expect({ ...fig, gmv: num(fig.gmv), refunded: num(fig.refunded) }).toMatchObject({ ...e, gmv: num(e.gmv), refunded: num(e.refunded) });
      }
    }
    // Across the local midnight: the 04:30Z orders are yesterday in New York, the 05:30Z ones today.
    expect(block.periods.today.current.checkouts).toBe(3 + 4);
    expect(block.periods.today.previous.checkouts).toBe(3);
    expect(block.periods.today.current.refunds).toBe(2); // the dispute refunded and the merchant's cancel
    expect(block.periods.today.current.disputes).toBe(2);
    const chart = new Map(block.chart.map((d) => [d.day, d]));
    expect(chart.get("2026-12-06")!.orders).toBe(2);
    expect(block.chart).toHaveLength(30);
    expect(block.topItems[0]!.title).toBe("Lamp");
    expect(block.rails.map((r) => r.rail).sort()).toEqual(["direct", "escrow", "manual_invoice"]);
  });

  // New York's first midnight is 05:00Z (its UTC day taken whole, minus 00:00–05:00Z); Tokyo's is 15:00Z the day before
  // (only 15:00–24:00Z added): both edge corrections of the item rollup (ADR 041).
  it.each([ZONE, "Asia/Tokyo"])("top items equal independent SQL over the paid orders' lines of the 30 local days (%s)", async (zone) => {
    await db.prisma.tenant.update({ where: { id: a.tenantId }, data: { timeZone: zone } });
    try {
      const top = (await reports.overview(a.tenantId, 30)).currencies[0]!.topItems;
      const rows = await sql<{ item_id: string; quantity: number; revenue: string }>(db, `
        SELECT l.item_id::text, sum(l.quantity)::int AS quantity, sum(l.line_total)::text AS revenue
        FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE o.tenant_id = $1 AND o.paid_at IS NOT NULL AND o.created_at >= ('2026-11-08'::timestamp AT TIME ZONE $2) AND o.created_at < $3
        GROUP BY 1 ORDER BY sum(l.line_total) DESC, 1 LIMIT 5`, [a.tenantId, zone, NOW.toISOString()]);
      expect(top.map((t) => ({ item_id: t.itemId, quantity: t.quantity, revenue: num(t.revenue) }))).toEqual(rows.map((r) => ({ ...r, revenue: num(r.revenue) })));
      expect(rows.length).toBeGreaterThan(1);
    } finally {
      await db.prisma.tenant.update({ where: { id: a.tenantId }, data: { timeZone: ZONE } });
    }
  });

  it("counts days in UTC when the shop's zone is UTC (the same orders, other days)", async () => {
    await db.prisma.tenant.update({ where: { id: a.tenantId }, data: { timeZone: "UTC" } });
    try {
      const o = await reports.overview(a.tenantId, 90);
      expect(o.currencies[0]!.periods.today.current.checkouts).toBe(3 + 4 + 3);
      expect(o.currencies[0]!.chart).toHaveLength(90);
    } finally {
      await db.prisma.tenant.update({ where: { id: a.tenantId }, data: { timeZone: ZONE } });
    }
  });

  it("never shows another shop's numbers", async () => {
    const [oa, ob] = await Promise.all([reports.overview(a.tenantId, 30), reports.overview(b.tenantId, 30)]);
    const gmvB = await expected(b.tenantId, "2026-11-08", "2026-12-08");
    expect(ob.currencies[0]!.periods.d30.current.checkouts).toBe(3);
    expect(num(ob.currencies[0]!.periods.d30.current.gmv)).toBe(num(gmvB.gmv));
    expect(ob.currencies[0]!.topItems.every((i) => i.quantity === 15)).toBe(true);
    const total = await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND created_at >= '2026-11-08T05:00:00Z'`, [a.tenantId]);
    expect(oa.currencies[0]!.periods.d30.current.checkouts).toBe(total[0]!.n);
  });

  it("reads the overview index, not a scan of orders, for a shop with many orders", async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await seedBulkOrders(c, { tenantId: b.tenantId, count: 20_000, days: 365, now: NOW });
      const { rows } = await c.query(`EXPLAIN (FORMAT JSON) ${overviewDayQuery({ tenantId: b.tenantId })}`, [b.tenantId, ZONE, "2026-10-09", NOW.toISOString()]);
      const plan = JSON.stringify(rows[0]["QUERY PLAN"]);
      expect(plan).toContain("orders_sales_overview_idx");
      expect(plan).toContain("Index Only Scan");
      expect(plan).not.toMatch(/Seq Scan[^}]*"Relation Name":"orders"/);
      // Top items (ADR 041): the per-item daily rollup for the whole days, never a scan of orders or their lines.
      await c.query(`INSERT INTO order_lines (id, tenant_id, order_id, item_id, title, category, kind, unit_price, quantity, line_total)
        SELECT gen_random_uuid(), o.tenant_id, o.id, $2::uuid, 'Bulk', NULL, 'physical', o.total, 1, o.total FROM orders o WHERE o.tenant_id = $1 AND o.idempotency_key LIKE 'bulk-%'`, [b.tenantId, b.item("Lamp")]);
      await c.query("ANALYZE orders; ANALYZE order_lines; ANALYZE item_sales_rollup");
      const top = JSON.stringify((await c.query(`EXPLAIN (FORMAT JSON) ${topItemsQuery()}`, [b.tenantId, ZONE, "2026-11-08", NOW.toISOString()])).rows[0]["QUERY PLAN"]);
      expect(top).toContain('"Relation Name":"item_sales_rollup"');
      expect(top).not.toMatch(/Seq Scan[^}]*"Relation Name":"(orders|order_lines)"/);
      const full = await reports.overview(b.tenantId, 30); // B's zone is UTC (the default)
      const [lines] = await sql<{ q: number }>(db, `SELECT coalesce(sum(l.quantity), 0)::int AS q FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE o.tenant_id = $1 AND o.paid_at IS NOT NULL AND o.created_at >= ('2026-11-08'::timestamp AT TIME ZONE $2) AND o.created_at < $3`, [b.tenantId, "UTC", NOW.toISOString()]);
      expect(full.currencies[0]!.topItems.reduce((n, i) => n + i.quantity, 0)).toBe(lines!.q);
    } finally {
      await c.end();
    }
  });
});

describe("the time-zone setting", () => {
  it("is refused by the API schema and by the database when it is not a zone name", async () => {
    expect(tenantPatchSchema.safeParse({ version: 1, timeZone: "Asia/Kolkata" }).success).toBe(true);
    expect(tenantPatchSchema.safeParse({ version: 1, timeZone: "+03:00" }).success).toBe(false);
    expect(tenantPatchSchema.safeParse({ version: 1, timeZone: "Nowhere/Special" }).success).toBe(false);
    await expect(sql(db, `UPDATE tenants SET time_zone = '+03:00' WHERE id = $1`, [a.tenantId])).rejects.toThrow(/tenants_time_zone_name/);
    const lifecycle = new TenantLifecycle({ prisma: db.prisma, publish: async () => {} });
    const { version } = await db.prisma.tenant.findUniqueOrThrow({ where: { id: b.tenantId } });
    const updated = await lifecycle.update({ userId: null, kind: "operator" }, b.tenantId, tenantPatchSchema.parse({ version, timeZone: "asia/kolkata" }));
    expect(["Asia/Kolkata", "Asia/Calcutta"]).toContain(updated.timeZone);
  });
});

// Ledger entries carry the real time they were written, so the Payouts checks read with the real clock: with the fixed
// NOW, the default range (30 local days up to NOW's local day) missed entries written after that day ended in the
// shop's zone (B in Asia/Kolkata after 18:30 UTC).
const live = new ReportsService({ prisma: db.prisma, sql: db.run });
const thisMonth = (timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).format(new Date());

describe("payouts", () => {
  it("the payable balance is the ledger's merchant_payable after releases, refunds and fees; CSVs have one row per movement", async () => {
    await expectLedgerConsistent(db);
    const [balances] = await live.balances(a.tenantId);
    const acct = await sql<{ kind: string; balance: string }>(db, `SELECT kind::text, balance::text FROM ledger_accounts WHERE tenant_id = $1`, [a.tenantId]);
    const ledger = (k: string) => num(acct.find((x) => x.kind === k)?.balance ?? "0");
    expect(num(balances!.payable)).toBe(ledger("merchant_payable"));
    expect(num(balances!.escrow)).toBe(ledger("escrow"));
    expect(num(balances!.feesOwed)).toBe(ledger("merchant_fee_receivable"));
    expect(num(balances!.paidOut) - num(balances!.deducted)).toBeCloseTo(num(balances!.payable), 9);
    expect(ledger("escrow")).toBeGreaterThan(0); // the open dispute's money is still held

    const entries = await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
      WHERE a.tenant_id = $1 AND a.kind IN ('escrow', 'merchant_payable', 'merchant_fee_receivable')`, [a.tenantId]);
    const { body } = await live.movementsCsv(a.tenantId, {});
    const lines = (await readText(body)).trim().split("\r\n");
    expect(lines[0]).toBe("time_utc,account,kind,order_id,memo,amount,currency");
    expect(lines.length - 1).toBe(entries[0]!.n);
    // Another shop's movements never appear: B's CSV has only B's orders.
    const bOrders = new Set((await sql<{ id: string }>(db, `SELECT id::text FROM orders WHERE tenant_id = $1`, [b.tenantId])).map((r) => r.id));
    const bLines = (await readText((await live.movementsCsv(b.tenantId, {})).body)).trim().split("\r\n").slice(1);
    expect(bLines.length).toBeGreaterThan(0);
    expect(bLines.every((l) => bOrders.has(l.split(",")[3]!))).toBe(true);

    // The statement of this month (New York): opening 0, closing = the ledger balance, a row per movement.
    const statement = (await readText(await live.statementCsv(a.tenantId, thisMonth(ZONE)))).trim().split("\r\n").slice(1).map((l) => l.split(","));
    const closing = statement.find((r) => r[0] === "closing" && r[2] === "merchant_payable")!;
    expect(num(closing.at(-1)!)).toBe(ledger("merchant_payable"));
    expect(statement.filter((r) => r[0] === "movement")).toHaveLength(entries[0]!.n);
    expect(statement.filter((r) => r[0] === "opening").every((r) => num(r.at(-1)!) === 0)).toBe(true);
  });

  it("pages movements without skipping or repeating one, and a cursor of another shop finds nothing", async () => {
    const all: string[] = [];
    let after: string | undefined;
    do {
      const page = await live.movements(a.tenantId, { limit: 3, after });
      all.push(...page.items.map((m) => m.id));
      after = page.nextAfter ?? undefined;
    } while (after);
    expect(new Set(all).size).toBe(all.length);
    const csvRows = (await readText((await live.movementsCsv(a.tenantId, {})).body)).trim().split("\r\n").length - 1;
    expect(all).toHaveLength(csvRows);
    const bFirst = (await live.movements(b.tenantId, { limit: 1 })).items[0]!;
    expect((await live.movements(a.tenantId, { limit: 10, after: bFirst.id })).items).toEqual([]);
  });
});
