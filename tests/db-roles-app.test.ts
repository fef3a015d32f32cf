/**
 * The app connected as storefront_app (ADR 044): a web instance whose database user is an ordinary member of the web
 * role boots, resolves shops by host, takes a checkout, signs a member in, and serves the merchant's orders, items
 * and customers (read under withTenantScope) through the API and the dashboard, each shop seeing only its own.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { ADDRESS, createShop, httpBuyer, httpMember } from "./money-fixture.ts";

const db = await createTestDatabase();
const WEB_USER = `sf_rls_app_${randomBytes(4).toString("hex")}`;
let app: RunningApp;
let a: Awaited<ReturnType<typeof createShop>>;
let b: Awaited<ReturnType<typeof createShop>>;

beforeAll(async () => {
  await db.run.query(`CREATE ROLE ${WEB_USER} LOGIN IN ROLE storefront_app`);
  a = await createShop(db);
  b = await createShop(db, { items: [{ title: "Lamp", price: "12.00", stock: 50 }] });
  const url = Object.assign(new URL(db.url), { username: WEB_USER }).toString();
  app = await startApp({ MODE: "web", DATABASE_URL: url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true" });
}, 90_000);
afterAll(async () => {
  await app?.stop();
  await db.run.query(`DROP ROLE IF EXISTS ${WEB_USER}`);
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
});
