/**
 * Issue "Hardening" (an attack on a running instance): escrow stuck for ever in `fulfilling` (delivery-code reissue and
 * the stale-fulfilment policy), amounts that overflowed numeric(38,18) (bounds at every boundary and as CHECKs), and
 * shipping while the money kill switch is on. docs/money.md matrix H1–H6.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { request } from "./http.ts";
import { caught as caughtAny } from "./caught.ts";
import { ADDRESS, MERCHANT, OPERATOR, createShop, expectLedgerConsistent, httpBuyer, httpMember, moneyHarness, placeOrder, sql } from "./money-fixture.ts";
import type { ApiError } from "#server/http/errors.ts";

const db = await createTestDatabase();
const h = moneyHarness(db);
const m = h.make({ codeAttemptsPer15Min: 100 });
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", RELEASE_GRACE_MS: "0",
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000", RATE_LIMIT_DELIVERY_CODE_PER_15MIN: "100",
    MONEY_SECRET: "hardening-test-money-secret-0123456789abcdef",
  });
});
afterAll(async () => app?.stop());

const count = async (q: string, p: unknown[] = []) => Number((await sql<{ n: string }>(db, q, p))[0]!.n);
const status = async (orderId: string) => (await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status;
const buyer = (slug: string) => httpBuyer(app.port, slug);
const member = (tenantId: string, role: "owner" | "manager" | "finance" | "support") => httpMember(db, app.port, tenantId, role);
const otherThan = (code: string) => (code === "000000" ? "111111" : "000000");
const DAY = 86_400_000;
const caught = async (p: Promise<unknown>) => (await caughtAny(p)) as ApiError;

describe("delivery code reissue (H1)", () => {
  it("10 wrong entries lock the code; the buyer reissues; the new code is accepted, the old one refused; the merchant is told, never shown it", async () => {
    const shop = await createShop(db);
    const { orderId, token } = await placeOrder(m, shop, { rail: "escrow", pay: true });
    await m.ship(MERCHANT, shop.tenantId, orderId);
    const old = (await m.buyerOrder(shop.tenantId, token)).deliveryCode!;
    expect(old.usable).toBe(true);
    for (let i = 0; i < 10; i++) {
      expect((await caught(m.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, otherThan(old.code)))).code).toBe("DELIVERY_CODE_INVALID");
    }
    // Attempts exhausted: even the right code is refused now, and the buyer's page says so and offers a new one.
    expect((await caught(m.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, old.code))).code).toBe("DELIVERY_CODE_INVALID");
    const locked = await m.buyerOrder(shop.tenantId, token);
    expect([locked.deliveryCode!.usable, locked.canReissueCode]).toEqual([false, true]);

    const reissued = await m.reissueDeliveryCode(shop.tenantId, token);
    const fresh = reissued.deliveryCode!;
    expect(fresh.usable).toBe(true);
    expect(fresh.code).toMatch(/^\d{6}$/);
    if (fresh.code !== old.code) {
      expect((await caught(m.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, old.code))).code).toBe("DELIVERY_CODE_INVALID");
    }
    expect(await count(`SELECT count(*) n FROM audit_log WHERE action = 'order.delivery_code_reissue' AND target = $1`, [`order:${orderId}`])).toBe(1);
    // The merchant is told a new code exists (its own notification each time), and never sees it.
    expect(h.events.map((e) => e.id).filter((id) => id.startsWith(`order.code_reissued:${orderId}:`))).toHaveLength(1);
    const merchant = JSON.stringify(await m.merchantOrder(shop.tenantId, orderId));
    expect(merchant).not.toContain(`"${fresh.code}"`);
    expect(merchant).toContain('"deliveryCodePending":true');

    await m.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, fresh.code);
    expect(["delivered", "completed"]).toContain(await status(orderId));
    // Once delivered there is nothing left to reissue.
    expect((await caught(m.reissueDeliveryCode(shop.tenantId, token))).status).toBe(409);
  });

  it("reissue is rate-limited per order and refused before shipping", async () => {
    const shop = await createShop(db);
    const { orderId, token } = await placeOrder(m, shop, { rail: "escrow", pay: true });
    expect((await caught(m.reissueDeliveryCode(shop.tenantId, token))).code).toBe("CONFLICT");
    await m.ship(MERCHANT, shop.tenantId, orderId);
    for (let i = 0; i < 3; i++) await m.reissueDeliveryCode(shop.tenantId, token);
    expect((await caught(m.reissueDeliveryCode(shop.tenantId, token))).code).toBe("RATE_LIMITED");
    expect(h.events.map((e) => e.id).filter((id) => id.startsWith(`order.code_reissued:${orderId}:`))).toHaveLength(3);
  });

  it("over HTTP: POST /api/storefront/orders/:token/delivery-code/reissue and the order page's 'Get a new code'", async () => {
    const shop = await createShop(db);
    const owner = await member(shop.tenantId, "owner");
    const b = buyer(shop.slug);
    const placed = await b.checkout({ items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "b@example.test", shippingAddress: ADDRESS, rail: "escrow" });
    const { token, order } = placed.json.data;
    expect((await b.post(`/api/storefront/orders/${token}/sandbox-pay`)).status).toBe(200);
    expect((await owner.post(`/api/tenants/${shop.tenantId}/orders/${order.id}/ship`)).status).toBe(200);
    const first = (await b.get(`/api/storefront/orders/${token}`)).json.data.deliveryCode.code;
    const page = await b.get(`/orders/${token}`);
    expect(page.body).toContain("Get a new code");

    const res = await b.post(`/api/storefront/orders/${token}/delivery-code/reissue`);
    expect(res.status, res.body).toBe(200);
    const second = res.json.data.deliveryCode.code;
    const form = await request(app.port, `/orders/${token}`, { method: "POST", host: `${shop.slug}.localhost`, raw: { contentType: "application/x-www-form-urlencoded", data: "intent=reissue-code" } });
    expect(form.status).toBe(200);
    const third = (await b.get(`/api/storefront/orders/${token}`)).json.data.deliveryCode.code;
    expect(await count(`SELECT count(*) n FROM audit_log WHERE action = 'order.delivery_code_reissue' AND target = $1`, [`order:${order.id}`])).toBe(2);
    // Only the newest code marks the order delivered.
    for (const stale of [first, second].filter((c) => c !== third)) {
      expect((await owner.post(`/api/tenants/${shop.tenantId}/orders/${order.id}/delivery-code`, { code: stale })).status).toBe(422);
    }
    const merchantView = await owner.get(`/api/tenants/${shop.tenantId}/orders/${order.id}`);
    expect(merchantView.body).not.toContain(`"${third}"`);
    const ok = await owner.post(`/api/tenants/${shop.tenantId}/orders/${order.id}/delivery-code`, { code: third });
    expect(ok.status, ok.body).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(app.logs.join("")).not.toContain(`"${third}"`);
  });
});

describe("kill switch on fulfilment (H2)", () => {
  it("ship, delivery-code entry and reissue get 423 KILL_SWITCH_ON (audited) while the shop's or the global switch is on; reads work", async () => {
    const shop = await createShop(db);
    const owner = await member(shop.tenantId, "owner");
    const b = buyer(shop.slug);
    const paid = async () => {
      const p = await b.checkout({ items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "b@example.test", shippingAddress: ADDRESS, rail: "escrow" });
      await b.post(`/api/storefront/orders/${p.json.data.token}/sandbox-pay`);
      return p.json.data as { token: string; order: { id: string } };
    };
    const toShip = await paid();
    const shipped = await paid();
    expect((await owner.post(`/api/tenants/${shop.tenantId}/orders/${shipped.order.id}/ship`)).status).toBe(200);
    const code = (await b.get(`/api/storefront/orders/${shipped.token}`)).json.data.deliveryCode.code;
    const attempts = async () => (await db.prisma.deliveryCode.findUniqueOrThrow({ where: { orderId: shipped.order.id } })).attempts;

    for (const scope of [shop.tenantId, null]) {
      await m.setKillSwitch(OPERATOR, { tenantId: scope, engaged: true, reason: "fulfilment drill" });
      try {
        const refusals = [
          await owner.post(`/api/tenants/${shop.tenantId}/orders/${toShip.order.id}/ship`),
          await owner.post(`/api/tenants/${shop.tenantId}/orders/${shipped.order.id}/delivery-code`, { code }),
          await b.post(`/api/storefront/orders/${shipped.token}/delivery-code/reissue`),
        ];
        for (const r of refusals) expect([r.status, r.json.error.code], r.body).toEqual([423, "KILL_SWITCH_ON"]);
        // Reads keep working, and the code is still shown to the buyer.
        expect((await b.get(`/api/storefront/orders/${shipped.token}`)).json.data.deliveryCode.code).toBe(code);
        expect((await owner.get(`/api/tenants/${shop.tenantId}/orders/${toShip.order.id}`)).status).toBe(200);
      } finally {
        await m.setKillSwitch(OPERATOR, { tenantId: scope, engaged: false, reason: "drill over" });
      }
    }
    expect([await status(toShip.order.id), await status(shipped.order.id), await attempts()]).toEqual(["escrow_funded", "fulfilling", 0]);
    const audited = await sql<{ attempted: string }>(db, `SELECT details->>'attempted' attempted FROM audit_log WHERE action = 'money.refused_kill_switch' AND tenant_id = $1 ORDER BY created_at`, [shop.tenantId]);
    expect(audited.map((a) => a.attempted)).toEqual(["order.ship", "order.deliver", "order.delivery_code_reissue", "order.ship", "order.deliver", "order.delivery_code_reissue"]);
    // Switched off again, the same calls go through.
    expect((await owner.post(`/api/tenants/${shop.tenantId}/orders/${toShip.order.id}/ship`)).status).toBe(200);
    expect((await owner.post(`/api/tenants/${shop.tenantId}/orders/${shipped.order.id}/delivery-code`, { code })).status).toBe(200);
  });
});

describe("stale fulfilment (H3)", () => {
  it("after FULFILLING_STALE_DAYS a physical escrow order is disputed (operators' queue), a digital-only one released; once, and not before", async () => {
    const shop = await createShop(db);
    const physical = await placeOrder(m, shop, { rail: "escrow", pay: true });
    const digital = await placeOrder(m, shop, { title: "E-book", rail: "escrow", pay: true });
    const direct = await placeOrder(m, shop, { rail: "direct", pay: true });
    for (const o of [physical, digital, direct]) await m.ship(MERCHANT, shop.tenantId, o.orderId);
    const fresh = await placeOrder(m, shop, { rail: "escrow", pay: true });

    const at = (days: number) => h.make({ fulfillingStaleDays: 14 }, () => new Date(Date.now() + days * DAY));
    await at(13).sweep();
    expect(await Promise.all([physical, digital].map((o) => status(o.orderId)))).toEqual(["fulfilling", "fulfilling"]);

    // Shipped later (day 5): not stale at day 15.
    await m.ship(MERCHANT, shop.tenantId, fresh.orderId);
    await db.prisma.order.update({ where: { id: fresh.orderId }, data: { shippedAt: new Date(Date.now() + 5 * DAY) } });
    const later = at(15);
    // Two sweeps at once (earlier tests' orders are stale too, so the counts are checked per shop below).
    const [one, two] = await Promise.all([later.sweep(), later.sweep()]);
    expect(one.staleDisputed + two.staleDisputed).toBeGreaterThanOrEqual(1);
    expect(one.staleReleased + two.staleReleased).toBeGreaterThanOrEqual(1);
    const events = await sql<{ to_status: string }>(db, `SELECT to_status FROM order_events WHERE order_id = ANY($1::uuid[]) AND from_status = 'fulfilling' ORDER BY to_status`, [[physical.orderId, digital.orderId]]);
    expect(events.map((e) => e.to_status)).toEqual(["delivered", "disputed"]);
    expect(await status(physical.orderId)).toBe("disputed");
    const disputes = await db.prisma.dispute.findMany({ where: { orderId: physical.orderId } });
    expect(disputes.map((d) => [d.status, d.fromStatus, d.reason])).toEqual([["open", "fulfilling", "Not confirmed delivered in 14 days (opened automatically)."]]);
    expect((await later.listDisputes("open", 500)).some((d) => d.orderId === physical.orderId)).toBe(true);
    expect((await db.prisma.escrow.findUniqueOrThrow({ where: { orderId: physical.orderId } })).status).toBe("held");
    expect(await status(digital.orderId)).toBe("completed");
    expect((await db.prisma.escrow.findUniqueOrThrow({ where: { orderId: digital.orderId } })).status).toBe("released");
    // Not escrow (the merchant already has the money) or not stale: untouched.
    expect([await status(direct.orderId), await status(fresh.orderId)]).toEqual(["fulfilling", "fulfilling"]);
    expect(await count(`SELECT count(*) n FROM audit_log WHERE action IN ('order.dispute_stale', 'order.deliver_stale') AND tenant_id = $1`, [shop.tenantId])).toBe(2);
    // Replays change nothing.
    await later.sweep();
    expect(await count(`SELECT count(*) n FROM order_events WHERE order_id = ANY($1::uuid[])`, [[physical.orderId, digital.orderId]])).toBe(2 * 3 + 3); // placed, paid, shipped; disputed; delivered, completed
    expect(await db.prisma.dispute.count({ where: { orderId: physical.orderId } })).toBe(1);
    // The operator resolves it as usual.
    await later.resolveDispute(OPERATOR, disputes[0]!.id, "refund", "Never confirmed; carrier has no record");
    expect(await status(physical.orderId)).toBe("refunded");
    await expectLedgerConsistent(db);
  });

  it("the stale step respects the kill switch: a paused shop's order waits, then moves once the switch is off", async () => {
    const shop = await createShop(db);
    const o = await placeOrder(m, shop, { rail: "escrow", pay: true });
    await m.ship(MERCHANT, shop.tenantId, o.orderId);
    const later = h.make({ fulfillingStaleDays: 3 }, () => new Date(Date.now() + 4 * DAY));
    await m.setKillSwitch(OPERATOR, { tenantId: shop.tenantId, engaged: true, reason: "stale drill" });
    try {
      await later.sweep();
      expect(await status(o.orderId)).toBe("fulfilling");
    } finally {
      await m.setKillSwitch(OPERATOR, { tenantId: shop.tenantId, engaged: false, reason: "stale drill over" });
    }
    expect((await later.sweep()).staleDisputed).toBeGreaterThanOrEqual(1);
    expect(await status(o.orderId)).toBe("disputed");
  });
});

describe("amount bounds (H4–H6)", () => {
  const MAX_PRICE = "999999999999.99";

  it("H4 the attack inputs get 400 VALIDATION_ERROR and write nothing: 18-digit prices, extra decimals, stock past 1e9, carts past 1e15", async () => {
    const shop = await createShop(db, { rails: ["escrow", "manual_invoice"], items: [{ title: "Lamp", price: "40.00", stock: 5 }] });
    const owner = await member(shop.tenantId, "owner");
    const items = `/api/tenants/${shop.tenantId}/catalog/items`;
    const itemCount = () => db.prisma.catalogItem.count({ where: { tenantId: shop.tenantId } });
    const before = await itemCount();
    for (const price of ["500000000000000000", "999999999999999999.99", "1000000000000", "12.505", "0.001"]) {
      const res = await owner.post(items, { title: "Overflow", price });
      expect([res.status, res.json.error.code], `${price}: ${res.body}`).toEqual([400, "VALIDATION_ERROR"]);
    }
    const lamp = shop.item("Lamp");
    const patch = await owner.patch(`${items}/${lamp}`, { version: 1, price: "500000000000000000" });
    expect([patch.status, patch.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
    const csv = (rows: string) => request(app.port, `/api/tenants/${shop.tenantId}/catalog/import`, {
      method: "POST", headers: { cookie: owner.cookieHeader(), origin: "http://localhost" }, raw: { contentType: "text/csv", data: `title,price,stock\n${rows}` },
    });
    expect((await csv("Big,500000000000000000,1\n")).status).toBe(422);
    expect((await csv("Fine,1.00,1\nBig stock,1.00,5000000000\n")).status).toBe(422);
    const decimals = await csv("Fine,1.00,1\nOdd,1.005,1\n");
    expect([decimals.status, decimals.json.error.code, decimals.json.error.details.issues[0].path]).toEqual([400, "VALIDATION_ERROR", "rows.2.price"]);
    expect(await itemCount()).toBe(before);
    expect((await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: lamp } })).price.toFixed()).toBe("40");

    // Stock: at the bound an increase is refused (it used to overflow the integer after a few adjustments).
    const full = await owner.post(items, { title: "Bulk", price: "1.00", stock: 1_000_000_000 });
    expect(full.status, full.body).toBe(201);
    const stock = `${items}/${full.json.data.id}/stock`;
    for (const delta of [1, 1_000_000_000, 2_000_000_000, -2_000_000_000]) {
      const res = await owner.post(stock, { delta });
      expect([res.status, res.json.error.code], `${delta}`).toEqual([400, "VALIDATION_ERROR"]);
    }
    expect((await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: full.json.data.id } })).stock).toBe(1_000_000_000);
    expect((await owner.post(stock, { delta: -1 })).json.data.stock).toBe(999_999_999);

    // Checkout: 11 lines of 100 at the highest price is over 1e15; a quantity over 100 is refused as well.
    const priced: string[] = [];
    for (let i = 0; i < 11; i++) priced.push((await owner.post(items, { title: `Max ${i}`, price: MAX_PRICE })).json.data.id);
    const b = buyer(shop.slug);
    const cart = (ids: string[], quantity = 100, rail = "escrow") => ({ items: ids.map((itemId) => ({ itemId, quantity })), email: "b@example.test", shippingAddress: ADDRESS, rail });
    for (const body of [cart(priced), cart(priced.slice(0, 1), 101)]) {
      const res = await b.checkout(body);
      expect([res.status, res.json.error.code], res.body).toEqual([400, "VALIDATION_ERROR"]);
    }
    expect(await count(`SELECT count(*) n FROM orders WHERE tenant_id = $1`, [shop.tenantId])).toBe(0);
    await expectLedgerConsistent(db);
  });

  it("H5 mark-paid still works in a shop after refused overflow attempts, at the largest allowed orders", async () => {
    const shop = await createShop(db, { rails: ["manual_invoice"], items: [{ title: "Lamp", price: "40.00", stock: 5 }] });
    const [owner, finance] = [await member(shop.tenantId, "owner"), await member(shop.tenantId, "finance")];
    const items = `/api/tenants/${shop.tenantId}/catalog/items`;
    expect((await owner.post(items, { title: "Attack", price: "500000000000000000" })).status).toBe(400);
    const priced: string[] = [];
    for (let i = 0; i < 11; i++) priced.push((await owner.post(items, { title: `Max ${i}`, price: MAX_PRICE })).json.data.id);
    const b = buyer(shop.slug);
    const cart = (ids: string[]) => ({ items: ids.map((itemId) => ({ itemId, quantity: 100 })), email: "b@example.test", shippingAddress: ADDRESS, rail: "manual_invoice", acknowledgeNoEscrow: true });
    expect((await b.checkout(cart(priced))).status).toBe(400);
    const markPaid = (id: string) => finance.post(`/api/tenants/${shop.tenantId}/orders/${id}/mark-paid`, { evidenceNote: "bank ref" });
    for (let i = 0; i < 3; i++) {
      const big = await b.checkout(cart(priced.slice(0, 10)));
      expect(big.status, big.body).toBe(201);
      expect(big.json.data.order.total).toBe("999999999999990");
      const paid = await markPaid(big.json.data.order.id);
      expect([paid.status, paid.json.data?.status], paid.body).toEqual([200, "paid"]);
    }
    const small = await b.checkout({ ...cart([shop.item("Lamp")]), items: [{ itemId: shop.item("Lamp"), quantity: 1 }] });
    expect((await markPaid(small.json.data.order.id)).status).toBe(200);
    const [acct] = await sql<{ b: string }>(db, `SELECT balance::text b FROM ledger_accounts WHERE key = $1`, [`external:manual_invoice:${shop.tenantId}:USD`]);
    expect(acct!.b).toBe("-3000000000000010.000000000000000000");
    await expectLedgerConsistent(db);
  });

  it("H6 the database refuses amounts past the bounds (direct SQL), and the migration names existing offenders before adding its CHECKs", async () => {
    const shop = await createShop(db, { rails: ["manual_invoice"] });
    const item = shop.item("Lamp");
    const placed = await placeOrder(m, shop, { rail: "manual_invoice" });
    await m.markInvoicePaid(MERCHANT, shop.tenantId, placed.orderId, "bank ref");
    const refused: Array<[string, unknown[], RegExp]> = [
      [`UPDATE catalog_items SET price = 1000000000000.01 WHERE id = $1`, [item], /catalog_items_price_max_ck/],
      [`UPDATE catalog_items SET stock = 1000000001 WHERE id = $1`, [item], /catalog_items_stock_max_ck/],
      [`UPDATE order_lines SET quantity = 10001, line_total = unit_price * 10001 WHERE order_id = $1`, [placed.orderId], /order_lines_bounds_ck/],
      [`UPDATE orders SET subtotal = 1000000000000001, total = 1000000000000001 WHERE id = $1`, [placed.orderId], /orders_total_max_ck/],
      [`INSERT INTO ledger_entries (id, tenant_id, posting_id, account_id, amount, currency)
        SELECT gen_random_uuid(), e.tenant_id, e.posting_id, e.account_id, 1000000000000001, e.currency FROM ledger_entries e JOIN ledger_postings p ON p.id = e.posting_id
        WHERE p.order_id = $1 LIMIT 1`, [placed.orderId], /ledger_entries_amount_max_ck/],
    ];
    for (const [q, p, err] of refused) await expect(db.sql.query(q, p), q).rejects.toThrow(err);

    // The migration's DO block, run against a row that breaks a bound (in a transaction rolled back).
    const migration = readFileSync(path.resolve(import.meta.dirname, "../prisma/migrations/20261207010000_money_bounds/migration.sql"), "utf8");
    const check = /DO \$\$[\s\S]*?END \$\$;/.exec(migration)![0];
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query(`ALTER TABLE catalog_items DROP CONSTRAINT catalog_items_price_max_ck`);
      await client.query(`UPDATE catalog_items SET price = 5000000000000 WHERE id = $1`, [item]);
      await expect(client.query(check)).rejects.toThrow(new RegExp(`money_bounds: existing rows are outside the new bounds[\\s\\S]*catalog_items \\(price > 1e12 or stock > 1e9\\): ${item}`));
    } finally {
      await client.query("ROLLBACK");
      await client.end();
    }
    await expectLedgerConsistent(db);
  });
});
