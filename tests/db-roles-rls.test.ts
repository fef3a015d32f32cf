/**
 * Database roles and row-level security (issue 17 point 1, ADR 044), connected as LOGIN users created here in the
 * migration's group roles: the web role cannot UPDATE or DELETE money history (the money role can); with
 * app.tenant_id set, a query with no WHERE sees and writes only that shop's orders, items and customers; unset, the
 * web role sees every shop (host resolution, sign-in); storefront_platform bypasses the policy; and withTenantScope
 * plus the services wired to it work when the app connects as storefront_app.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, withTenantScope, withTenantScopeSql, type Database } from "#server/db/index.ts";
import { CatalogService, catalogQuerySchema } from "#server/catalog/index.ts";
import { CustomersService, customerListQuerySchema } from "#server/customers/index.ts";
import { orderListQuerySchema } from "#server/money/index.ts";
import { createTestDatabase } from "./db.ts";
import { createShop, moneyHarness, placeOrder } from "./money-fixture.ts";

const db = await createTestDatabase();
const { money } = moneyHarness(db);
const suffix = randomBytes(4).toString("hex");
const USERS = { web: `sf_rls_web_${suffix}`, money: `sf_rls_money_${suffix}`, platform: `sf_rls_platform_${suffix}` };
const MONEY_TABLES = ["ledger_entries", "ledger_postings", "escrows", "chain_payouts"];
const SCOPED_TABLES = ["orders", "catalog_items", "customers"];
const clients: pg.Client[] = [];
let web: pg.Client;
let moneyWriter: pg.Client;
let platform: pg.Client;
let webDb: Database;
let a: Awaited<ReturnType<typeof createShop>>;
let b: Awaited<ReturnType<typeof createShop>>;

const urlAs = (user: string) => Object.assign(new URL(db.url), { username: user }).toString();
async function connectAs(user: string) {
  const c = new pg.Client({ connectionString: urlAs(user) });
  await c.connect();
  clients.push(c);
  return c;
}
/** `fn` in a transaction rolled back afterwards, with app.tenant_id set when a tenant is given. */
async function inTx<T>(c: pg.Client, tenantId: string | null, fn: () => Promise<T>): Promise<T> {
  await c.query("BEGIN");
  try {
    if (tenantId) await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    return await fn();
  } finally {
    await c.query("ROLLBACK");
  }
}
const tenantsSeen = async (c: pg.Client, table: string) =>
  (await c.query<{ tenant_id: string }>(`SELECT * FROM ${table}`)).rows.map((r) => r.tenant_id);
const countFor = async (table: string, tenantId: string) =>
  Number((await db.run.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1`, [tenantId]))[0]!.n);

beforeAll(async () => {
  await db.run.query(`CREATE ROLE ${USERS.web} LOGIN IN ROLE storefront_app`);
  await db.run.query(`CREATE ROLE ${USERS.money} LOGIN IN ROLE storefront_money`);
  await db.run.query(`CREATE ROLE ${USERS.platform} LOGIN IN ROLE storefront_platform`);
  a = await createShop(db);
  b = await createShop(db, { items: [{ title: "Lamp", price: "12.00", stock: 50 }] });
  // Paid escrow orders: ledger postings, entries and escrows in both shops; two buyers in A, one in B.
  await placeOrder(money, a, { rail: "escrow", pay: true });
  await placeOrder(money, a, { rail: "escrow", pay: true });
  await money.checkout(a.tenantId, { items: [{ itemId: a.item("Lamp"), quantity: 1 }], email: "second@example.test", shippingAddress: { name: "B", line1: "1 St", city: "X", postalCode: "1", country: "US" }, rail: "direct", acknowledgeNoEscrow: true }, `k-${suffix}`);
  await placeOrder(money, b, { rail: "escrow", pay: true });
  web = await connectAs(USERS.web);
  moneyWriter = await connectAs(USERS.money);
  platform = await connectAs(USERS.platform);
  webDb = await openDatabase(urlAs(USERS.web));
}, 60_000);
afterAll(async () => {
  await webDb?.close();
  for (const c of clients) await c.end();
  for (const user of Object.values(USERS)) await db.run.query(`DROP ROLE IF EXISTS ${user}`);
});

describe("grants", () => {
  it("the web role cannot UPDATE or DELETE ledger, escrow or payout rows; it reads them and the money role may change them", async () => {
    expect(await countFor("ledger_entries", a.tenantId)).toBeGreaterThan(0);
    await expect(web.query(`UPDATE ledger_entries SET amount = 0`)).rejects.toThrow(/permission denied for table ledger_entries/);
    await expect(web.query(`DELETE FROM ledger_entries`)).rejects.toThrow(/permission denied for table ledger_entries/);
    for (const t of MONEY_TABLES) {
      await expect(web.query(`UPDATE ${t} SET tenant_id = tenant_id WHERE false`), t).rejects.toThrow(new RegExp(`permission denied for table ${t}`));
      await expect(web.query(`DELETE FROM ${t} WHERE false`), t).rejects.toThrow(new RegExp(`permission denied for table ${t}`));
      await web.query(`SELECT count(*) FROM ${t}`);
      // The same statements pass the privilege check for the money role (no rows match, so no trigger fires).
      await moneyWriter.query(`UPDATE ${t} SET tenant_id = tenant_id WHERE false`);
      await moneyWriter.query(`DELETE FROM ${t} WHERE false`);
    }
    expect(await countFor("ledger_entries", a.tenantId)).toBeGreaterThan(0);
    await expect(web.query(`SELECT * FROM "_prisma_migrations"`)).rejects.toThrow(/permission denied/);
  });

  it("tables created by later migrations get the web grants by default (ALTER DEFAULT PRIVILEGES)", async () => {
    await db.run.query(`CREATE TABLE rls_later_table (id int)`);
    try {
      await web.query(`INSERT INTO rls_later_table VALUES (1)`);
      expect((await web.query(`SELECT id FROM rls_later_table`)).rows).toEqual([{ id: 1 }]);
    } finally {
      await db.run.query(`DROP TABLE rls_later_table`);
    }
  });
});

describe("row-level security", () => {
  it.each(SCOPED_TABLES)("%s: with app.tenant_id set, SELECT * with no WHERE returns only that shop's rows", async (table) => {
    const [inA, inB] = [await countFor(table, a.tenantId), await countFor(table, b.tenantId)];
    expect(inA).toBeGreaterThan(0);
    expect(inB).toBeGreaterThan(0);
    const seenA = await inTx(web, a.tenantId, () => tenantsSeen(web, table));
    expect(seenA).toEqual(Array(inA).fill(a.tenantId));
    const seenB = await inTx(web, b.tenantId, () => tenantsSeen(web, table));
    expect(seenB).toEqual(Array(inB).fill(b.tenantId));
    // The money role is an app role too: the same policy applies to it.
    expect(await inTx(moneyWriter, b.tenantId, () => tenantsSeen(moneyWriter, table))).toEqual(Array(inB).fill(b.tenantId));
    // Writes are floored too: another shop's rows are invisible to UPDATE and DELETE.
    const touched = await inTx(web, a.tenantId, async () => (await web.query(`UPDATE ${table} SET tenant_id = tenant_id WHERE tenant_id = $1`, [b.tenantId])).rowCount);
    expect(touched).toBe(0);
  });

  it("a row written for another shop inside a scope is refused", async () => {
    await expect(inTx(web, a.tenantId, () => web.query(
      `INSERT INTO catalog_items (id, tenant_id, title, price, updated_at) VALUES (gen_random_uuid(), $1, 'Planted', 1, now())`, [b.tenantId],
    ))).rejects.toThrow(/new row violates row-level security policy for table "catalog_items"/);
  });

  it("unset (host resolution, sign-in, webhooks), the web role sees every shop; storefront_platform sees every shop even inside a scope", async () => {
    for (const table of SCOPED_TABLES) {
      const all = [a.tenantId, b.tenantId].sort();
      expect([...new Set(await inTx(web, null, () => tenantsSeen(web, table)))].sort(), table).toEqual(all);
      const asPlatform = await inTx(platform, a.tenantId, async () => {
        await platform.query("SET LOCAL ROLE storefront_platform");
        return tenantsSeen(platform, table);
      });
      expect([...new Set(asPlatform)].sort(), table).toEqual(all);
    }
  });

  it("the global kill switch (no tenant) stays visible inside a shop's scope", async () => {
    const rows = await inTx(web, a.tenantId, async () => (await web.query(`SELECT tenant_id FROM kill_switches WHERE tenant_id IS NULL`)).rows);
    expect(rows).toEqual([{ tenant_id: null }]);
  });

  it("every tenant-owned table has RLS on and a tenant_scope policy", async () => {
    const bare = await db.run.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = c.oid AND t.attname = 'tenant_id' AND NOT t.attisdropped)
          AND (NOT c.relrowsecurity OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_scope'))`);
    expect(bare).toEqual([]);
  });
});

describe("withTenantScope and the services, connected as storefront_app", () => {
  it("a Prisma query that forgets its tenant floor returns only the scope's rows", async () => {
    const ids = await withTenantScope(webDb.prisma, a.tenantId, async (tx) => {
      const [orders, items, customers] = await Promise.all([tx.order.findMany(), tx.catalogItem.findMany(), tx.customer.findMany()]);
      return [...orders, ...items, ...customers].map((r) => r.tenantId);
    });
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set([a.tenantId]));
    // The setting is transaction-local: the pooled connection does not carry it into the next query.
    expect(new Set((await webDb.prisma.order.findMany({ select: { tenantId: true } })).map((o) => o.tenantId))).toEqual(new Set([a.tenantId, b.tenantId]));
  });

  it("withTenantScopeSql: plain SQL with no WHERE sees only the scope's rows, nested transactions included", async () => {
    const seen = await withTenantScopeSql(webDb.run, b.tenantId, async (sql) => [
      ...(await sql.query<{ tenant_id: string }>(`SELECT tenant_id FROM orders`)),
      ...(await sql.transaction((q) => q<{ tenant_id: string }>(`SELECT tenant_id FROM customers`))),
    ].map((r) => r.tenant_id));
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([b.tenantId]));
  });

  it("the merchant reads of orders, items and customers work as storefront_app and see only the shop's rows", async () => {
    const { money: webMoney } = moneyHarness(webDb);
    const orders = await webMoney.listOrders(a.tenantId, orderListQuerySchema.parse({ limit: "50" }));
    expect(orders.items.length).toBe(await countFor("orders", a.tenantId));
    const paid = orders.items.find((o) => o.rail === "escrow")!;
    const detail = await webMoney.merchantOrder(a.tenantId, paid.id);
    expect(detail.ledger.length).toBeGreaterThan(0);
    await expect(webMoney.merchantOrder(b.tenantId, paid.id)).rejects.toMatchObject({ status: 404 });
    const catalog = new CatalogService({ prisma: webDb.prisma, images: undefined as never });
    const items = await catalog.list(b.tenantId, catalogQuerySchema.parse({ limit: "50" }), { forBuyers: false });
    expect(items.items.map((i) => i.title)).toEqual(["Lamp"]);
    const customers = new CustomersService({ prisma: webDb.prisma, secrets: ["x".repeat(32)], shopOrigin: (s) => s.slug, bots: undefined as never, enqueueSend: async () => {}, kickMail: () => {} });
    const list = await customers.list({ tenantId: a.tenantId }, customerListQuerySchema.parse({}), true);
    expect(list.items.map((c) => c.email).sort()).toEqual(["buyer@example.test", "second@example.test"]);
    const profile = await customers.profile({ tenantId: a.tenantId }, list.items[0]!.id, true);
    expect(profile?.orders.length).toBeGreaterThan(0);
  });
});
