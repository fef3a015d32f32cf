/**
 * Order mail (ADR 029): the order_events trigger writes outbox rows in the event's own transaction, once per cause and
 * recipient, for the buyer and the members the permission table names; prepare() builds the data from the order under
 * the row's tenant, and the rendered confirmation's link opens the order page on the host the buyer used.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolesFor } from "#server/auth/index.ts";
import { createPrepare, mailLinks, renderMail, type PrepareRow } from "#server/mail/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { createUser } from "./factories.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { request } from "./http.ts";
import { ADDRESS, MERCHANT, OPERATOR, createShop, httpBuyer, moneyHarness, newKey, placeOrder, sql } from "./money-fixture.ts";
import { SAMPLE_BRAND } from "./mail-samples.ts";

const db = await createTestDatabase();
const { money, config } = moneyHarness(db);
const MONEY_SECRET = "order-mail-money-secret-0123456789abcdef";
let app: RunningApp;

type Row = { template: string; recipient: string; locale: string; user_id: string | null; tenant_id: string; data: Record<string, unknown>; attachments: unknown[]; dedupe_key: string };
const rowsFor = (orderId: string) =>
  sql<Row>(db, `SELECT template, recipient, locale, user_id::text, tenant_id::text, data, attachments, dedupe_key FROM email_outbox WHERE data->>'orderId' = $1 ORDER BY created_at, template, recipient`, [orderId]);
const templates = async (orderId: string) => (await rowsFor(orderId)).map((r) => `${r.template} ${r.recipient}`).sort();

/** A shop with one member per role; only owner and manager (orders.notify) get order mail. */
async function shopWithTeam(o: Parameters<typeof createShop>[1] = {}) {
  const shop = await createShop(db, o);
  const team: Record<string, string> = {};
  for (const role of ["owner", "manager", "finance", "support", "developer"] as const) {
    const u = await createUser(db.prisma, { email: `${role}-${shop.slug}@example.test` });
    await db.prisma.tenantUserRole.create({ data: { tenantId: shop.tenantId, userId: u.id, role } });
    team[role] = u.email;
  }
  return { ...shop, team };
}

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true",
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000", MONEY_SECRET,
  });
}, 90_000);
afterAll(async () => app?.stop());

describe("order mail rows", () => {
  it("the trigger's roles are the permission table's orders.notify", async () => {
    const [row] = await sql<{ roles: string }>(db, `SELECT order_mail_roles()::text[] AS roles`);
    expect([...row!.roles].sort()).toEqual([...rolesFor("orders.notify")].sort());
  });

  it("a checkout writes one buyer confirmation and one mail per order-handling member, in its own transaction", async () => {
    const shop = await shopWithTeam();
    const { orderId } = await placeOrder(money, shop);
    expect(await templates(orderId)).toEqual([
      "merchant.new_order " + shop.team.manager,
      "merchant.new_order " + shop.team.owner,
      "order.confirmation buyer@example.test",
    ].sort());
    // Written by the transaction that wrote the order: the same transaction id on every row.
    const xids = await sql<{ n: number }>(db, `SELECT count(DISTINCT xmin::text)::int AS n FROM (SELECT xmin FROM orders WHERE id = $1::uuid UNION ALL SELECT xmin FROM email_outbox WHERE data->>'orderId' = $2) x`, [orderId, orderId]);
    expect(xids[0]!.n).toBe(1);
    const [buyer] = (await rowsFor(orderId)).filter((r) => r.template === "order.confirmation");
    expect(buyer).toMatchObject({ tenant_id: shop.tenantId, locale: "en", user_id: null, data: { orderId, event: "pending_payment" }, dedupe_key: `order.pending_payment:${orderId}:buyer` });
  });

  it("a transition that rolls back (or loses its compare-and-swap) writes no mail", async () => {
    const shop = await shopWithTeam();
    const { orderId } = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const before = (await rowsFor(orderId)).length;
    await expect(db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO order_events (id, tenant_id, order_id, from_status, to_status, actor) VALUES (gen_random_uuid(), ${shop.tenantId}::uuid, ${orderId}::uuid, 'escrow_funded', 'disputed', 'test')`;
      throw new Error("rolled back");
    })).rejects.toThrow("rolled back");
    expect((await rowsFor(orderId)).length).toBe(before);
    // Two merchants ship at once: one compare-and-swap wins, the other is a 409 and writes nothing.
    const results = await Promise.allSettled([money.ship(MERCHANT, shop.tenantId, orderId), money.ship(MERCHANT, shop.tenantId, orderId)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await templates(orderId)).filter((t) => t.startsWith("order.shipped") || t.startsWith("order.delivery_code"))).toEqual([
      "order.delivery_code buyer@example.test", "order.shipped buyer@example.test",
    ]);
  });

  it("paying writes the receipt with the invoice attached, and each later event its mail once", async () => {
    const shop = await shopWithTeam();
    const placed = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const paid = (await rowsFor(placed.orderId)).filter((r) => r.data.event === "escrow_funded");
    expect(paid.map((r) => `${r.template} ${r.recipient}`).sort()).toEqual([
      "merchant.payment_received " + shop.team.manager, "merchant.payment_received " + shop.team.owner, "order.payment_received buyer@example.test",
    ].sort());
    expect(paid.find((r) => r.template === "order.payment_received")!.attachments).toEqual([{ kind: "invoice", orderId: placed.orderId }]);
    expect(paid.filter((r) => r.template.startsWith("merchant.")).every((r) => r.attachments.length === 0)).toBe(true);

    await money.ship(MERCHANT, shop.tenantId, placed.orderId);
    const code = (await money.buyerOrder(shop.tenantId, placed.token)).deliveryCode!.code;
    await money.enterDeliveryCode(MERCHANT, shop.tenantId, placed.orderId, code);
    await money.openDispute(shop.tenantId, placed.token, "It arrived broken");
    const [dispute] = await sql<{ id: string }>(db, `SELECT id::text FROM disputes WHERE order_id = $1`, [placed.orderId]);
    await money.resolveDispute(OPERATOR, dispute!.id, "refund", "Refund the buyer");
    // The same event twice (a replayed insert) is still one mail per recipient.
    await sql(db, `INSERT INTO order_events (id, tenant_id, order_id, from_status, to_status, actor) VALUES (gen_random_uuid(), $1, $2, 'disputed', 'refunded', 'replay')`, [shop.tenantId, placed.orderId]);

    const all = await templates(placed.orderId);
    expect(all.filter((t) => !t.startsWith("merchant.new_order") && !t.startsWith("merchant.payment_received"))).toEqual([
      "merchant.dispute_opened " + shop.team.manager, "merchant.dispute_opened " + shop.team.owner,
      "order.confirmation buyer@example.test", "order.delivered buyer@example.test", "order.delivery_code buyer@example.test",
      "order.dispute_opened buyer@example.test", "order.payment_received buyer@example.test", "order.refunded buyer@example.test",
      "order.shipped buyer@example.test",
    ].sort());
    // The refund ends the dispute: one mail says both, no separate dispute_resolved.
    expect(all.some((t) => t.startsWith("order.dispute_resolved"))).toBe(false);
    for (const r of await rowsFor(placed.orderId)) expect(r.user_id === null ? r.recipient : [shop.team.owner, shop.team.manager]).toContain(r.recipient);
  });

  it("a dispute released to the shop tells the buyer it is resolved", async () => {
    const shop = await shopWithTeam();
    const placed = await placeOrder(money, shop, { rail: "escrow", pay: true });
    await money.openDispute(shop.tenantId, placed.token, "Not what I ordered");
    const [dispute] = await sql<{ id: string }>(db, `SELECT id::text FROM disputes WHERE order_id = $1`, [placed.orderId]);
    await money.resolveDispute(OPERATOR, dispute!.id, "release", "The item matches the listing");
    expect(await templates(placed.orderId)).toContain("order.dispute_resolved buyer@example.test");
  });

  it("writes buyer mail in the checkout's language, else the shop's; merchant mail in the shop's", async () => {
    const shop = await shopWithTeam();
    const r = await money.checkout(shop.tenantId, { items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "fa-buyer@example.test", shippingAddress: ADDRESS, acknowledgeNoEscrow: true, locale: "fa" }, newKey());
    const rows = await rowsFor(r.order.id);
    expect(rows.find((x) => x.template === "order.confirmation")!.locale).toBe("fa");
    expect(rows.filter((x) => x.template === "merchant.new_order").map((x) => x.locale)).toEqual(["en", "en"]);
    await db.prisma.tenant.update({ where: { id: shop.tenantId }, data: { localeDefaults: ["fa-IR", "en"] } });
    const { orderId } = await placeOrder(money, shop);
    expect((await rowsFor(orderId)).map((x) => x.locale)).toEqual(["fa", "fa", "fa"]);
  });
});

describe("prepare and render", () => {
  const links = () => mailLinks({ PLATFORM_DOMAIN: "localhost", PORT: app.port, NODE_ENV: "development", PUBLIC_BASE_URL: undefined });
  const prepare = () => createPrepare({ prisma: db.prisma, money: { secret: MONEY_SECRET, oldSecrets: [] }, links: links() });

  it("renders the confirmation with each line, the total and an order link that opens on the buyer's host", async () => {
    const shop = await shopWithTeam({ items: [{ title: "Lamp", price: "40.00", stock: 10 }, { title: "Shade", price: "12.50", stock: 10 }] });
    const buyer = httpBuyer(app.port, shop.slug);
    const res = await buyer.checkout({
      items: [{ itemId: shop.item("Lamp"), quantity: 2 }, { itemId: shop.item("Shade"), quantity: 1 }], email: "http-buyer@example.test",
      shippingAddress: ADDRESS, rail: "escrow", locale: "fa-IR",
    });
    expect(res.status).toBe(201);
    const orderId = res.json.data.order.id as string;
    const [origin] = await sql<{ checkout_origin: string; locale: string }>(db, `SELECT checkout_origin, locale FROM orders WHERE id = $1`, [orderId]);
    expect(origin).toEqual({ checkout_origin: `http://${shop.slug}.localhost`, locale: "fa" });

    const row = (await rowsFor(orderId)).find((r) => r.template === "order.confirmation")!;
    const data = await prepare()({ tenantId: row.tenant_id, template: row.template, data: row.data, attachments: row.attachments });
    for (const locale of ["en", "fa"] as const) {
      const mail = renderMail({ template: row.template, locale, data, brand: SAMPLE_BRAND });
      expect(mail.text).toContain("Lamp");
      expect(mail.text).toContain("Shade");
      expect(mail.text).toContain(locale === "en" ? "92.50 USD" : "۹۲٫۵۰ USD");
    }
    const url = new URL(data.orderUrl as string);
    expect(url.host).toBe(`${shop.slug}.localhost`);
    const page = await request(app.port, url.pathname, { host: url.host });
    expect(page.status).toBe(200);
    expect(page.body).toContain("Shade");
    // The same link on another shop's host is nothing.
    const other = await createShop(db);
    expect((await request(app.port, url.pathname, { host: `${other.slug}.localhost` })).status).toBe(404);
  });

  it("falls back to the shop's host when the checkout host is no longer the shop's, and keeps to the row's tenant", async () => {
    const shop = await shopWithTeam();
    const { orderId } = await placeOrder(money, shop);
    await sql(db, `UPDATE orders SET checkout_origin = 'http://gone.example.com' WHERE id = $1`, [orderId]);
    const row = (await rowsFor(orderId)).find((r) => r.template === "order.confirmation")!;
    const p = createPrepare({ prisma: db.prisma, money: config, links: links() });
    const data = await p({ tenantId: row.tenant_id, template: row.template, data: row.data, attachments: row.attachments });
    expect(new URL(data.orderUrl as string).host).toBe(`${shop.slug}.localhost:${app.port}`);

    const shopB = await shopWithTeam();
    const foreign: PrepareRow = { tenantId: shopB.tenantId, template: row.template, data: row.data, attachments: [] };
    await expect(p(foreign)).rejects.toThrow(/no order/);
    const merchantRows = (await rowsFor(orderId)).filter((r) => r.template.startsWith("merchant."));
    expect(merchantRows.every((r) => r.tenant_id === shop.tenantId && ![shopB.team.owner, shopB.team.manager].includes(r.recipient))).toBe(true);
    const m = await p({ tenantId: row.tenant_id, template: "merchant.new_order", data: row.data });
    expect(m.dashboardUrl).toBe(`http://localhost:${app.port}/dashboard/${shop.tenantId}/orders/${orderId}`);
    expect(JSON.stringify(m)).not.toContain("/orders/" + (data.orderUrl as string).split("/orders/")[1]);
  });

  it("refuses a malformed language with a 400 and writes nothing", async () => {
    const shop = await shopWithTeam();
    const before = await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1`, [shop.tenantId]);
    const res = await httpBuyer(app.port, shop.slug).checkout({ items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "x@example.test", shippingAddress: ADDRESS, rail: "escrow", locale: "<fa>" });
    expect([res.status, res.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
    expect(await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1`, [shop.tenantId])).toEqual(before);
  });

  it("passes rows with their own data through", async () => {
    expect(await prepare()({ tenantId: null, template: "shop.test_email", data: { senderLabel: "x" } })).toEqual({ senderLabel: "x" });
  });
});
