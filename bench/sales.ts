/**
 * P9 sales overview (ADR 031): `orders` bulk-generated in one shop (generate_series), then the 30-day overview's day
 * query (30 days and the 30 before, grouped by local day and rail in a non-UTC zone) timed warm, with its plan.
 */
import pg from "pg";
import type { ScratchDatabase } from "#tests/scratch-db.ts";
import { seedBulkOrders } from "#tests/sales-seed.ts";
import { overviewDayQuery } from "#server/reports/index.ts";

export interface SalesBenchResult { orders: number; seedSeconds: number; p50: number; max: number; rows: number; indexOnly: boolean }

export async function runSalesBench(db: ScratchDatabase, o: { orders: number; days: number; runs: number }): Promise<SalesBenchResult> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const { rows: [tenant] } = await c.query<{ id: string }>(`INSERT INTO tenants (id, slug, display_name, status, updated_at) VALUES (gen_random_uuid(), 'bench-sales', 'Bench sales', 'active', now()) RETURNING id`);
    const now = new Date();
    const seeded = performance.now();
    await seedBulkOrders(c, { tenantId: tenant!.id, count: o.orders, days: o.days, now });
    const seedSeconds = (performance.now() - seeded) / 1000;
    const first = new Date(now.getTime() - 59 * 86_400_000).toISOString().slice(0, 10);
    const args = [tenant!.id, "Europe/Berlin", first, now.toISOString()];
    const text = overviewDayQuery({ tenantId: tenant!.id });
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < o.runs + 2; i++) {
      const t = performance.now();
      const r = await c.query({ name: "overview_days", text, values: args });
      if (i >= 2) times.push(performance.now() - t); // two warm-up runs: cache and prepared plan
      rows = r.rowCount ?? 0;
    }
    const { rows: plan } = await c.query(`EXPLAIN (FORMAT JSON) ${text}`, args);
    times.sort((x, y) => x - y);
    const planText = JSON.stringify(plan[0]["QUERY PLAN"]);
    return { orders: o.orders, seedSeconds, p50: times[Math.floor(times.length / 2)]!, max: times.at(-1)!, rows, indexOnly: planText.includes("Index Only Scan") && planText.includes("orders_sales_overview_idx") };
  } finally {
    await c.end();
  }
}
