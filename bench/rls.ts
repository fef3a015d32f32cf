/**
 * P10 row-level security's cost (ADR 044): `tenants` shops with `orders` orders each (bulk SQL), then the merchant
 * orders page (newest 51 of one shop) and a count of one shop's orders, timed as the owner (no policy applies) and as
 * storefront_app with app.tenant_id set (the tenant_scope policy filters every row). Both run the same prepared text
 * on one connection, alternating in blocks, so the ratio is the policy alone. The scope's own price (what
 * withTenantScope adds: BEGIN, set_config, COMMIT) is timed separately around the page query.
 */
import pg from "pg";
import type { ScratchDatabase } from "#tests/scratch-db.ts";
import { seedBulkOrders } from "#tests/sales-seed.ts";

export interface RlsBenchResult {
  rows: number;
  /** Median µs: [owner, storefront_app with the policy]. */
  page: [number, number];
  count: [number, number];
  /** Median µs of the page query alone (owner) and inside BEGIN / set_config / COMMIT as storefront_app. */
  scoped: [number, number];
}

const PAGE = `SELECT id, status, rail, total, currency, guest_email, created_at FROM orders WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 51`;
const COUNT = `SELECT count(*) FROM orders WHERE tenant_id = $1`;
const median = (t: number[]) => [...t].sort((x, y) => x - y)[Math.floor(t.length / 2)]!;

export async function runRlsBench(db: ScratchDatabase, o: { tenants: number; orders: number; runs: number }): Promise<RlsBenchResult> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const ids: string[] = [];
    const now = new Date();
    for (let i = 0; i < o.tenants; i++) {
      const { rows: [t] } = await c.query<{ id: string }>(`INSERT INTO tenants (id, slug, display_name, status, updated_at) VALUES (gen_random_uuid(), $1, 'Bench RLS', 'active', now()) RETURNING id`, [`bench-rls-${i}`]);
      ids.push(t!.id);
      await seedBulkOrders(c, { tenantId: t!.id, count: o.orders, days: 365, now });
    }
    const tenantId = ids[Math.floor(ids.length / 2)]!;
    const time = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      return (performance.now() - t) * 1000;
    };
    const asOwner = () => c.query("RESET ROLE");
    const asApp = async () => {
      await c.query("SET ROLE storefront_app");
      await c.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenantId]);
    };
    // Alternating blocks of 10 (owner, app, owner, …) after a warm-up of each; distinct statement names per role.
    const compare = async (text: string, name: string): Promise<[number, number]> => {
      const owner: number[] = [];
      const app: number[] = [];
      const run = (n: string) => c.query({ name: n, text, values: [tenantId] });
      for (let i = 0; i < 5; i++) {
        await asOwner();
        await run(`${name}_owner`);
        await asApp();
        await run(`${name}_app`);
      }
      for (let block = 0; block < Math.ceil(o.runs / 10); block++) {
        await asOwner();
        for (let i = 0; i < 10; i++) owner.push(await time(() => run(`${name}_owner`)));
        await asApp();
        for (let i = 0; i < 10; i++) app.push(await time(() => run(`${name}_app`)));
      }
      await asOwner();
      return [median(owner), median(app)];
    };
    const page = await compare(PAGE, "rls_page");
    const count = await compare(COUNT, "rls_count");
    // The scope's round trips: BEGIN, set_config (transaction-local), the page, COMMIT, as withTenantScope does.
    await c.query("SET ROLE storefront_app");
    await c.query(`SELECT set_config('app.tenant_id', '', false)`);
    const scopedTimes: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      scopedTimes.push(await time(async () => {
        await c.query("BEGIN");
        await c.query({ name: "rls_scope_set", text: `SELECT set_config('app.tenant_id', $1, true)`, values: [tenantId] });
        await c.query({ name: "rls_page_app", text: PAGE, values: [tenantId] });
        await c.query("COMMIT");
      }));
    }
    await c.query("RESET ROLE");
    return { rows: o.tenants * o.orders, page, count, scoped: [page[0], median(scopedTimes)] };
  } finally {
    await c.end();
  }
}
