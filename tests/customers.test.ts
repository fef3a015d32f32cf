/**
 * Customers (ADR 033): the orders trigger keeps one customer per shop and email; checkout's opt-in box; the list and
 * profile with masking for support and developers; the signed unsubscribe link; and another shop's owner getting
 * nothing (database snapshots before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { ADDRESS, createShop, httpBuyer, httpMember, sql } from "./money-fixture.ts";
import { signIn } from "./tenant-fixture.ts";
import { request } from "./http.ts";
import { unsubscribePath } from "#server/customers/index.ts";

const db = await createTestDatabase();
const SECRET = "customers-test-money-secret-0123456789abcdef";
let app: RunningApp;
let a: Awaited<ReturnType<typeof createShop>>;
let b: Awaited<ReturnType<typeof createShop>>;

const checkout = (shop: typeof a, email: string, extra: Record<string, unknown> = {}) =>
  httpBuyer(app.port, shop.slug).checkout({ items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email, shippingAddress: ADDRESS, rail: "direct", acknowledgeNoEscrow: true, ...extra });
const customer = (tenantId: string, email: string) => db.prisma.customer.findUnique({ where: { tenantId_emailKey: { tenantId, emailKey: email.toLowerCase() } } });
const snapshot = async (tenantId: string) => JSON.stringify(await Promise.all([
  db.prisma.customer.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
  db.prisma.announcement.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
  db.prisma.announcementRecipient.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
]));

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", MONEY_SECRET: SECRET });
  a = await createShop(db);
  b = await createShop(db);
});
afterAll(async () => app?.stop());

describe("customers kept by the orders trigger", () => {
  it("one customer per shop and email (checkout lowercases it); counts, first/last order, spend from paid orders; refunds reduce it", async () => {
    expect((await checkout(a, "Alice@Example.test")).status).toBe(201);
    const paid = await checkout(a, "alice@example.test", { rail: "escrow" });
    await httpBuyer(app.port, a.slug).post(`/api/storefront/orders/${paid.json.data.token}/sandbox-pay`);
    let c = await customer(a.tenantId, "alice@example.test");
    expect(c).toMatchObject({ ordersCount: 2, paidOrdersCount: 1, marketingOptIn: false, telegramUserId: null });
    expect(c!.totalSpent.toFixed(2)).toBe("40.00");
    expect(await db.prisma.customer.count({ where: { tenantId: b.tenantId } })).toBe(0);
    // A refund (by any path) is an UPDATE OF status: the trigger recomputes.
    await sql(db, `UPDATE orders SET status = 'disputed' WHERE id = $1::uuid`, [paid.json.data.order.id]);
    await sql(db, `UPDATE orders SET status = 'refunded' WHERE id = $1::uuid`, [paid.json.data.order.id]);
    c = await customer(a.tenantId, "alice@example.test");
    expect(c!.totalSpent.toFixed(2)).toBe("0.00");
    expect(c!.paidOrdersCount).toBe(0);
    // A Mini App order links the Telegram user.
    await sql(db, `UPDATE orders SET buyer_telegram_user_id = '4242' WHERE id = $1::uuid`, [paid.json.data.order.id]);
    expect((await customer(a.tenantId, "alice@example.test"))!.telegramUserId).toBe("4242");
  });

  it("concurrent checkouts by one email are all counted (the row is locked before the figures are read), and a bulk insert recomputes once per customer", async () => {
    // Twelve distinct items: checkouts of one item queue on its stock row (money_checkout's first UPDATE) and would
    // never overlap, so the test would pass without refresh_customer's lock. Distinct items let them run at once.
    const titles = Array.from({ length: 12 }, (_, i) => `Rush ${i + 1}`);
    const c = await createShop(db, { items: titles.map((title) => ({ title, price: "40.00", stock: 100 })) });
    const results = await Promise.all(titles.map((title) =>
      httpBuyer(app.port, c.slug).checkout({ items: [{ itemId: c.item(title), quantity: 1 }], email: "rush@example.test", shippingAddress: ADDRESS, rail: "direct", acknowledgeNoEscrow: true })));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(await customer(c.tenantId, "rush@example.test")).toMatchObject({ ordersCount: 12 });
    // One INSERT of many orders for two emails: both customers right, from one statement-level recompute each.
    const template = (await sql<{ id: string }>(db, `SELECT id FROM orders WHERE tenant_id = $1::uuid AND guest_email = 'rush@example.test' LIMIT 1`, [c.tenantId]))[0]!;
    await sql(db, `INSERT INTO orders (id, tenant_id, token_hash, idempotency_key, request_hash, status, rail, currency, subtotal, total, fee_bps, fee_amount,
                                       guest_email, requires_shipping, shipping_address, expires_at, paid_at)
                   SELECT gen_random_uuid(), tenant_id, encode(sha256(convert_to(id::text || g, 'UTF8')), 'hex'), 'bulk-order-' || g, request_hash, 'completed', rail, currency, subtotal, total, fee_bps, fee_amount,
                          CASE WHEN g % 2 = 0 THEN 'rush@example.test' ELSE 'Bulk@Example.test' END, requires_shipping, shipping_address, expires_at, now()
                   FROM orders, generate_series(1, 500) g WHERE id = $1::uuid`, [template.id]);
    expect(await customer(c.tenantId, "rush@example.test")).toMatchObject({ ordersCount: 262, paidOrdersCount: 250 });
    expect(await customer(c.tenantId, "bulk@example.test")).toMatchObject({ ordersCount: 250, paidOrdersCount: 250 });
  });

  it("the JSON checkout's marketingOptIn opts in (unticked: not); a non-boolean is a 400 that places nothing", async () => {
    await checkout(a, "bob@example.test");
    expect((await customer(a.tenantId, "bob@example.test"))!.marketingOptIn).toBe(false);
    await checkout(a, "bob@example.test", { marketingOptIn: true });
    expect((await customer(a.tenantId, "bob@example.test"))!.marketingOptIn).toBe(true);
    const orders = await db.prisma.order.count({ where: { tenantId: a.tenantId } });
    const bad = await checkout(a, "carol@example.test", { marketingOptIn: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("VALIDATION_ERROR");
    expect(await db.prisma.order.count({ where: { tenantId: a.tenantId } })).toBe(orders);
  });
});

describe("list and profile", () => {
  it("sorts and filters; the owner sees emails, support and developers see them masked", async () => {
    const owner = await httpMember(db, app.port, a.tenantId, "owner");
    const list = await owner.get(`/api/tenants/${a.tenantId}/customers?sort=last_order&dir=desc`);
    expect(list.status, list.body).toBe(200);
    expect(list.json.data.items.map((c: { email: string }) => c.email)).toEqual(["bob@example.test", "alice@example.test"]);
    const asc = await owner.get(`/api/tenants/${a.tenantId}/customers?sort=first_order&dir=asc`);
    expect(asc.json.data.items.map((c: { email: string }) => c.email)).toEqual(["alice@example.test", "bob@example.test"]);
    const linked = await owner.get(`/api/tenants/${a.tenantId}/customers?telegram=yes`);
    expect(linked.json.data.items.map((c: { email: string }) => c.email)).toEqual(["alice@example.test"]);
    const opted = await owner.get(`/api/tenants/${a.tenantId}/customers?optedIn=yes&minOrders=2`);
    expect(opted.json.data.total).toBe(1);
    expect((await owner.get(`/api/tenants/${a.tenantId}/customers?sort=name`)).status).toBe(400);

    const dev = await createUser(db.prisma);
    await db.prisma.tenantUserRole.create({ data: { tenantId: a.tenantId, userId: dev.id, role: "developer" } });
    const bob = (await customer(a.tenantId, "bob@example.test"))!;
    for (const member of [await httpMember(db, app.port, a.tenantId, "support"), await signIn(app.port, dev.email)]) {
      const masked = await member.get(`/api/tenants/${a.tenantId}/customers?sort=orders`);
      expect(masked.status).toBe(200);
      expect(masked.json.data.items.map((c: { email: string }) => c.email).sort()).toEqual(["a***@example.test", "b***@example.test"]);
      const profile = await member.get(`/api/tenants/${a.tenantId}/customers/${bob.id}`);
      expect(profile.json.data.email).toBe("b***@example.test");
      expect(profile.body).not.toContain("bob@example.test");
    }
    const full = await owner.get(`/api/tenants/${a.tenantId}/customers/${bob.id}`);
    expect(full.json.data).toMatchObject({ email: "bob@example.test", ordersCount: 2, marketingOptIn: true });
    expect(full.json.data.orders).toHaveLength(2);
  });

  it("another shop's owner gets nothing, through either shop's path, and changes nothing", async () => {
    const bOwner = await httpMember(db, app.port, b.tenantId, "owner");
    await checkout(b, "dave@example.test", { marketingOptIn: true });
    const dave = (await customer(b.tenantId, "dave@example.test"))!;
    const attacker = await httpMember(db, app.port, a.tenantId, "owner");
    const before = await snapshot(b.tenantId);
    // Not a member of B: B's paths answer 404 (the shop's existence is not confirmed); A's path with B's id: 404.
    for (const res of [
      await attacker.get(`/api/tenants/${b.tenantId}/customers`),
      await attacker.get(`/api/tenants/${b.tenantId}/customers/${dave.id}`),
      await attacker.get(`/api/tenants/${a.tenantId}/customers/${dave.id}`),
      await attacker.get(`/api/tenants/${b.tenantId}/announcements`),
      await attacker.post(`/api/tenants/${b.tenantId}/announcements`, { body: "Sale!" }),
      await attacker.get(`/dashboard/${b.tenantId}/customers/${dave.id}`),
      await attacker.get(`/dashboard/${a.tenantId}/customers/${dave.id}`),
    ]) expect([403, 404], res.body).toContain(res.status);
    const aList = await attacker.get(`/api/tenants/${a.tenantId}/customers`);
    expect(aList.body).not.toContain("dave@");
    expect(await snapshot(b.tenantId)).toBe(before);
    expect((await bOwner.get(`/api/tenants/${b.tenantId}/customers/${dave.id}`)).json.data.email).toBe("dave@example.test");
  });
});

describe("the unsubscribe link", () => {
  it("opts the customer out on their own shop's host only, with a valid signature", async () => {
    const dave = (await customer(b.tenantId, "dave@example.test"))!;
    const path = unsubscribePath(SECRET, { tenantId: b.tenantId }, dave.id);
    const post = (host: string, p: string) => request(app.port, `${p}?_data=routes%2Funsubscribe.%24customerId.%24sig`, { method: "POST", host, raw: { contentType: "application/x-www-form-urlencoded", data: "" } });
    // Another shop's host, and a forged signature: refused, nothing changes.
    expect((await post(`${a.slug}.localhost`, path)).status).toBe(400);
    expect((await post(`${b.slug}.localhost`, `${path.slice(0, -3)}AAA`)).status).toBe(400);
    expect((await customer(b.tenantId, "dave@example.test"))!.marketingOptIn).toBe(true);
    const page = await request(app.port, path, { host: `${b.slug}.localhost` });
    expect(page.status).toBe(200);
    expect(page.body).toContain("Unsubscribe");
    expect((await post(`${b.slug}.localhost`, path)).status).toBe(200);
    expect((await customer(b.tenantId, "dave@example.test"))!.marketingOptIn).toBe(false);
  });
});

describe("announcement unsubscribe links (ADR 041)", () => {
  it("point at the shop's primary verified domain when it has one, else its platform subdomain, and work there", async () => {
    const shop = await createShop(db);
    const owner = await httpMember(db, app.port, shop.tenantId, "owner");
    expect((await checkout(shop, "links@example.test", { marketingOptIn: true })).status).toBe(201);
    const announce = async () => {
      const res = await owner.post(`/api/tenants/${shop.tenantId}/announcements`, { body: "Spring sale" });
      expect(res.status, res.body).toBe(201);
      const [row] = await sql<{ url: string }>(db, `SELECT data->>'unsubscribeUrl' AS url FROM email_outbox WHERE tenant_id = $1 AND dedupe_key LIKE $2`, [shop.tenantId, `announcement:${res.json.data.id}:%`]);
      return new URL(row!.url);
    };
    expect((await announce()).hostname).toBe(`${shop.slug}.localhost`);
    // A pending domain, and an active one that is not primary, do not count; the primary verified one does.
    await db.prisma.tenantDomain.createMany({ data: [
      { tenantId: shop.tenantId, hostname: "pending-links.example.test", status: "pending", isPrimary: false, verificationToken: "tok-links-000000000000001" },
      { tenantId: shop.tenantId, hostname: "www.links-shop.example.test", status: "active", isPrimary: true, verificationToken: "tok-links-000000000000002" },
    ] });
    const url = await announce();
    expect(url.hostname).toBe("www.links-shop.example.test");
    const page = await request(app.port, url.pathname, { host: url.hostname });
    expect(page.status).toBe(200);
    expect(page.body).toContain("Unsubscribe");
  });
});
