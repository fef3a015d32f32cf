/**
 * The app connected as storefront_app (ADR 044): a web instance whose database user is an ordinary member of the web
 * role boots, resolves shops by host, takes a checkout, signs a member in, and serves the merchant's orders, items
 * and customers (read under withTenantScope) through the API and the dashboard, each shop seeing only its own. Its
 * money services write through MONEY_DATABASE_URL as a storefront_money user: a refund settles the escrow, which
 * the web user alone could not.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { ADDRESS, MERCHANT, createShop, httpBuyer, httpMember, moneyHarness, placeOrder } from "./money-fixture.ts";
import { openDatabase } from "#server/db/index.ts";

const db = await createTestDatabase();
const suffix = randomBytes(4).toString("hex");
const WEB_USER = `sf_rls_app_${suffix}`;
const MONEY_USER = `sf_rls_appmoney_${suffix}`;
const urlAs = (user: string) => Object.assign(new URL(db.url), { username: user }).toString();
let app: RunningApp;
let a: Awaited<ReturnType<typeof createShop>>;
let b: Awaited<ReturnType<typeof createShop>>;

beforeAll(async () => {
  await db.run.query(`CREATE ROLE ${WEB_USER} LOGIN IN ROLE storefront_app`);
  await db.run.query(`CREATE ROLE ${MONEY_USER} LOGIN IN ROLE storefront_money`);
  a = await createShop(db);
  b = await createShop(db, { items: [{ title: "Lamp", price: "12.00", stock: 50 }] });
  app = await startApp({ MODE: "web", DATABASE_URL: urlAs(WEB_USER), MONEY_DATABASE_URL: urlAs(MONEY_USER), REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true" });
}, 90_000);
afterAll(async () => {
  await app?.stop();
  for (const user of [WEB_USER, MONEY_USER]) await db.run.query(`DROP ROLE IF EXISTS ${user}`);
});

describe("a web instance connected as storefront_app", () => {
  it("checks out on a direct rail and serves each shop's orders, items and customers to its owner only", async () => {
    const [me] = await db.run.query<{ u: string }>(`SELECT usename AS u FROM pg_stat_activity WHERE usename = $1 LIMIT 1`, [WEB_USER]);
    expect(me?.u, "the app holds a connection as the web user").toBe(WEB_USER);
    for (const [shop, email] of [[a, "alice@example.test"], [b, "bob@example.test"]] as const) {
      const placed = await httpBuyer(app.port, shop.slug).checkout({ items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email, shippingAddress: ADDRESS, rail: "direct", acknowledgeNoEscrow: true });
      expect(placed.status, placed.body).toBe(201);
    }
    const owner = await httpMember(db, app.port, a.tenantId, "owner");
    const orders = await owner.get(`/api/tenants/${a.tenantId}/orders`);
    expect(orders.status, orders.body).toBe(200);
    expect(orders.json.data.items.map((o: { guestEmail: string }) => o.guestEmail)).toEqual(["alice@example.test"]);
    const items = await owner.get(`/api/tenants/${a.tenantId}/catalog/items`);
    expect(items.status, items.body).toBe(200);
    expect(items.json.data.items.map((i: { title: string }) => i.title).sort()).toEqual(["E-book", "Lamp"]);
    const customers = await owner.get(`/api/tenants/${a.tenantId}/customers`);
    expect(customers.status, customers.body).toBe(200);
    expect(customers.json.data.items.map((c: { email: string }) => c.email)).toEqual(["alice@example.test"]);
    for (const page of ["orders", "catalog", "customers"]) {
      const res = await owner.get(`/dashboard/${a.tenantId}/${page}`);
      expect(res.status, page).toBe(200);
      expect(res.body, page).not.toContain("bob@example.test");
    }
    // Another shop's owner: 404 for A's paths (the route's access rule), never A's rows.
    const other = await httpMember(db, app.port, b.tenantId, "owner");
    expect((await other.get(`/api/tenants/${a.tenantId}/orders`)).status).toBe(404);
    expect(app.logs.join(""), "no query was refused by a grant or a policy").not.toMatch(/permission denied|row-level security/);
  }, 90_000);

  it("money writes go through MONEY_DATABASE_URL: a merchant's refund settles the escrow; the web user alone is refused", async () => {
    const placed = await httpBuyer(app.port, a.slug).checkout({ items: [{ itemId: a.item("Lamp"), quantity: 1 }], email: "carol@example.test", shippingAddress: ADDRESS, rail: "escrow", acknowledgeNoEscrow: true });
    expect(placed.status, placed.body).toBe(201);
    const { token, order } = placed.json.data;
    expect((await httpBuyer(app.port, a.slug).post(`/api/storefront/orders/${token}/sandbox-pay`)).status).toBe(200);
    const owner = await httpMember(db, app.port, a.tenantId, "owner");
    const cancelled = await owner.post(`/api/tenants/${a.tenantId}/orders/${order.id}/cancel`, { reason: "out of stock after all" });
    expect(cancelled.status, cancelled.body).toBe(200);
    const [escrow] = await db.run.query<{ status: string }>(`SELECT status::text FROM escrows WHERE order_id = $1`, [order.id]);
    expect(escrow?.status).toBe("refunded");

    // The control: the money service on the web user's own connection cannot settle an escrow.
    const webDb = await openDatabase(urlAs(WEB_USER));
    try {
      const { money } = moneyHarness(webDb);
      // Checkout and funding only insert money rows, which the web role may.
      const { orderId } = await placeOrder(money, a, { rail: "escrow", pay: true });
      await expect(money.cancel(MERCHANT, a.tenantId, orderId, "refused")).rejects.toThrow(/permission denied for table escrows/);
    } finally {
      await webDb.close();
    }
  }, 90_000);
});
