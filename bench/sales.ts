/**
 * P9 sales overview (ADR 031, 034): `orders` bulk-generated in one shop (generate_series; the rollup triggers fire as
 * for any insert), then timed warm: the overview's day query (30 days and the 30 before, grouped by local day and
 * rail in a non-UTC zone) with its plan, and the whole overview as the dashboard asks for it (30- and 90-day chart,
 * top items included; top items alone read item_sales_rollup, ADR 041), at a `now` that is not on a 15-minute slot so the edge read from orders is in it.
 */
import pg from "pg";
import type { ScratchDatabase } from "#tests/scratch-db.ts";
import { seedBulkOrders } from "#tests/sales-seed.ts";
import { overviewDayQuery, salesOverview, topItemsQuery } from "#server/reports/index.ts";
import type { SqlQuery } from "#server/db/index.ts";

export interface SalesBenchResult {
  orders: number; seedSeconds: number; p50: number; max: number; rows: number; rollupPlan: boolean;
  /** The whole overview (day query, top items over a line per order, folding), 30- and 90-day charts: p50 ms. */
  full30: number; full90: number;
  /** Top items alone (ADR 041: item_sales_rollup plus the edge days' lines): p50 ms, and whether the plan reads the rollup. */
  topItems: number; itemRollupPlan: boolean;
}

async function timed(runs: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = performance.now();
    await fn();
    if (i >= 2) times.push(performance.now() - t); // two warm-up runs: cache and prepared plan
  }
  return times.sort((x, y) => x - y);
}

export async function runSalesBench(db: ScratchDatabase, o: { orders: number; days: number; runs: number }): Promise<SalesBenchResult> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const { rows: [tenant] } = await c.query<{ id: string }>(`INSERT INTO tenants (id, slug, display_name, status, updated_at) VALUES (gen_random_uuid(), 'bench-sales', 'Bench sales', 'active', now()) RETURNING id`);
    // Seven and a half minutes into a slot: the overview reads that partial slot from orders.
    const now = new Date(Math.floor(Date.now() / 900_000) * 900_000 + 450_000);
    const seeded = performance.now();
    await seedBulkOrders(c, { tenantId: tenant!.id, count: o.orders, days: o.days, now });
    // One line per order of the last 31 days over 50 items, so the whole overview's top items join real lines.
    await c.query(`INSERT INTO catalog_items (id, tenant_id, title, price, updated_at) SELECT gen_random_uuid(), $1::uuid, 'Item ' || g, 10 + g, now() FROM generate_series(1, 50) g`, [tenant!.id]);
    await c.query(`INSERT INTO order_lines (id, tenant_id, order_id, item_id, title, category, kind, unit_price, quantity, line_total)
      SELECT gen_random_uuid(), o.tenant_id, o.id, i.id, i.title, NULL, 'physical', o.total, 1, o.total
      FROM orders o JOIN LATERAL (SELECT id, title FROM catalog_items WHERE tenant_id = o.tenant_id ORDER BY title OFFSET get_byte(uuid_send(o.id), 15) % 50 LIMIT 1) i ON true
      WHERE o.tenant_id = $1::uuid AND o.created_at >= $2::timestamptz - interval '31 days'`, [tenant!.id, now.toISOString()]);
    await c.query("VACUUM ANALYZE order_lines");
    await c.query("VACUUM ANALYZE item_sales_rollup");
    const seedSeconds = (performance.now() - seeded) / 1000;
    const first = new Date(now.getTime() - 59 * 86_400_000).toISOString().slice(0, 10);
    const args = [tenant!.id, "Europe/Berlin", first, now.toISOString()];
    const text = overviewDayQuery({ tenantId: tenant!.id });
    let rows = 0;
    const times = await timed(o.runs, async () => {
      rows = (await c.query({ name: "overview_days", text, values: args })).rowCount ?? 0;
    });
    const { rows: plan } = await c.query(`EXPLAIN (FORMAT JSON) ${text}`, args);
    const planText = JSON.stringify(plan[0]["QUERY PLAN"]);
    const query: SqlQuery = async <R>(sql: string, values?: unknown[], name?: string) => (await c.query({ text: sql, values, ...(name ? { name } : {}) })).rows as R[];
    const full = (chartDays: number) => timed(o.runs, () => salesOverview(query, { tenantId: tenant!.id }, { timeZone: "Europe/Berlin", now, chartDays, currency: "USD" }));
    const [f30, f90] = [await full(30), await full(90)];
    const since30 = new Date(now.getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
    const topArgs = [tenant!.id, "Europe/Berlin", since30, now.toISOString()];
    const top = await timed(o.runs, () => c.query(topItemsQuery(), topArgs));
    const topPlan = JSON.stringify((await c.query(`EXPLAIN (FORMAT JSON) ${topItemsQuery()}`, topArgs)).rows[0]["QUERY PLAN"]);
    const p50 = (t: number[]) => t[Math.floor(t.length / 2)]!;
    return {
      orders: o.orders, seedSeconds, p50: p50(times), max: times.at(-1)!, rows, rollupPlan: planText.includes("sales_rollup_pkey") && !/Seq Scan[^}]*"Relation Name":"orders"/.test(planText),
      full30: p50(f30), full90: p50(f90),
      topItems: p50(top), itemRollupPlan: topPlan.includes('"Relation Name":"item_sales_rollup"') && !/Seq Scan[^}]*"Relation Name":"(orders|order_lines)"/.test(topPlan),
    };
  } finally {
    await c.end();
  }
}
