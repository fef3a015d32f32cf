/**
 * Card payments through the merchant's own Stripe account (issue 14, ADR 024), against the real app process, real
 * Postgres and Redis, and the loopback Stripe fake driven by the real `stripe` SDK (STRIPE_API_BASE).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import type { Client } from "./http.ts";
import { ADDRESS, createShop, expectLedgerConsistent, httpBuyer, httpMember, newKey, sql } from "./money-fixture.ts";
import { FakeStripe, startFakeStripe } from "./fake-stripe/server.ts";
import { SECRET_BOX_KEY, connectStripe } from "./stripe-fixture.ts";
import { SecretBox } from "#server/secrets/index.ts";

const db = await createTestDatabase();
let app: RunningApp;
let fake: FakeStripe;
let operator: Client;

beforeAll(async () => {
  fake = await startFakeStripe();
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", SECRET_BOX_KEY, STRIPE_API_BASE: fake.url, STRIPE_TIMEOUT_MS: "1500",
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000", MONEY_SECRET: "stripe-test-money-secret-0123456789abcdef", LOG_LEVEL: "debug",
  });
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

const count = async (q: string, p: unknown[] = []) => Number((await sql<{ n: string }>(db, q, p))[0]!.n);
const cardShop = (items?: NonNullable<Parameters<typeof createShop>[1]>["items"]) => createShop(db, { rails: ["external_provider", "manual_invoice"], defaultRail: "external_provider", items });
const member = (tenantId: string, role: "owner" | "manager" | "finance" | "support") => httpMember(db, app.port, tenantId, role);
const cart = (itemId: string, quantity = 1, extra: Record<string, unknown> = {}) => ({ items: [{ itemId, quantity }], email: "buyer@example.test", shippingAddress: ADDRESS, rail: "external_provider", ...extra });
const orderRow = async (id: string) => (await sql<{ status: string }>(db, `SELECT status FROM orders WHERE id = $1`, [id]))[0]!.status;
const postings = (orderId: string) => sql<{ key: string }>(db, `SELECT idempotency_key AS key FROM ledger_postings WHERE order_id = $1 ORDER BY idempotency_key`, [orderId]);
const sessionOf = async (orderId: string) => (await sql<{ session_id: string; payment_intent_id: string | null; status: string }>(db, `SELECT session_id, payment_intent_id, status FROM stripe_checkouts WHERE order_id = $1`, [orderId]))[0]!;
const until = async (check: () => Promise<boolean>, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** A shop with Stripe connected and one card order placed; `paid` runs the buyer's payment on the fake. */
async function cardOrder(o: { paid?: boolean; items?: Parameters<typeof cardShop>[0] } = {}) {
  const shop = await cardShop(o.items);
  const owner = await member(shop.tenantId, "owner");
  const stripe = await connectStripe(fake, app.url, owner, shop.tenantId);
  const res = await httpBuyer(app.port, shop.slug).checkout(cart(shop.item(o.items?.[0]?.title ?? "Lamp")));
  expect(res.status, res.body).toBe(201);
  const orderId = res.json.data.order.id as string;
  if (o.paid) {
    await fake.pay((await sessionOf(orderId)).session_id);
    expect(await orderRow(orderId)).toBe("paid");
  }
  return { shop, owner, stripe, orderId, res };
}

describe("connecting Stripe", () => {
  it("a key the fake refuses → 400, nothing stored; a good key → active, and the key is in no response, log line or unsealed column", async () => {
    const shop = await cardShop();
    const owner = await member(shop.tenantId, "owner");
    const refused = await owner.post(`/api/tenants/${shop.tenantId}/integrations`, { kind: "payment", provider: "stripe", secretKey: "sk_test_notarealkey0000000000", webhookSecret: "whsec_abcdefgh12345678" });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe("STRIPE_KEY_REFUSED");
    expect(refused.json.error.message).toMatch(/Stripe refused this key/);
    expect(await count(`SELECT count(*) n FROM tenant_integrations WHERE tenant_id = $1`, [shop.tenantId])).toBe(0);

    const { account, webhookSecret, integrationId, body } = await connectStripe(fake, app.url, owner, shop.tenantId, { businessName: "Lamp Makers GmbH" });
    expect(body).toMatchObject({ id: integrationId, kind: "payment", provider: "stripe", status: "active", accountId: account.id, businessName: "Lamp Makers GmbH", mode: "test" });
    expect(body.webhookUrl).toBe(`https://localhost/api/payments/stripe/webhook/${integrationId}`);
    const listed = await owner.get(`/api/tenants/${shop.tenantId}/integrations`);
    expect(listed.json.data.items).toHaveLength(1);
    for (const text of [JSON.stringify(body), listed.body, app.logs.join("")]) {
      expect(text).not.toContain(account.key);
      expect(text).not.toContain(webhookSecret);
    }
    const [row] = await sql<{ doc: string; id: string; key: string; wh: string }>(db, `SELECT row_to_json(i)::text AS doc, id::text, encrypted_secret_key AS key, encrypted_webhook_secret AS wh FROM tenant_integrations i WHERE tenant_id = $1`, [shop.tenantId]);
    expect(row!.doc).not.toContain(account.key);
    expect(row!.doc).not.toContain(webhookSecret);
    const box = new SecretBox(Buffer.from(SECRET_BOX_KEY, "hex"));
    expect(box.open(row!.key, `tenant_integrations.secret_key:${row!.id}`)).toBe(account.key);
    expect(box.open(row!.wh, `tenant_integrations.webhook_secret:${row!.id}`)).toBe(webhookSecret);
    const audit = await sql<{ details: unknown }>(db, `SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'integration.connect'`, [shop.tenantId]);
    expect(JSON.stringify(audit)).not.toContain(account.key);
    expect(audit).toHaveLength(1);
  });

  it("owner and finance only; another shop's owner sees nothing; disconnect hides the rail", async () => {
    const shop = await cardShop();
    const other = await cardShop();
    const finance = await member(shop.tenantId, "finance");
    const { integrationId } = await connectStripe(fake, app.url, finance, shop.tenantId);
    for (const role of ["support", "manager"] as const) {
      const c = await member(shop.tenantId, role);
      expect((await c.get(`/api/tenants/${shop.tenantId}/integrations`)).status).toBe(403);
      expect((await c.post(`/api/tenants/${shop.tenantId}/integrations`, { kind: "payment", provider: "stripe", secretKey: fake.addAccount().key, webhookSecret: "whsec_abcdefgh12345678" })).status).toBe(403);
    }
    const stranger = await member(other.tenantId, "owner");
    // Not a member: the shop does not exist for them (404, as on every tenant route).
    expect((await stranger.get(`/api/tenants/${shop.tenantId}/integrations`)).status).toBe(404);
    expect((await stranger.del(`/api/tenants/${other.tenantId}/integrations/${integrationId}`)).status).toBe(404);
    expect(await count(`SELECT count(*) n FROM tenant_integrations WHERE id = $1 AND disconnected_at IS NULL`, [integrationId])).toBe(1);
    expect((await finance.del(`/api/tenants/${shop.tenantId}/integrations/${integrationId}`)).json.data).toEqual({ id: integrationId, status: "disconnected" });
    const res = await httpBuyer(app.port, shop.slug).checkout(cart(shop.item("Lamp")));
    expect(res.json.error.code).toBe("RAIL_NOT_ALLOWED");
  });
});

describe("checkout on the card rail", () => {
  it("is hidden when the integration is missing or failing, even though the policy allows it", async () => {
    const shop = await cardShop();
    const buyer = httpBuyer(app.port, shop.slug);
    expect((await buyer.checkout(cart(shop.item("Lamp")))).json.error.code).toBe("RAIL_NOT_ALLOWED");
    const owner = await member(shop.tenantId, "owner");
    const { account, integrationId } = await connectStripe(fake, app.url, owner, shop.tenantId);
    expect((await buyer.checkout(cart(shop.item("Lamp")))).status).toBe(201);
    // The merchant rolls the key in Stripe: the next call gets 401 and the integration is marked failing.
    fake.revokeKey(account.key);
    const refused = await buyer.checkout(cart(shop.item("Lamp")));
    expect(refused.status).toBe(502);
    expect(refused.json.error.code).toBe("STRIPE_KEY_REFUSED");
    const listed = (await owner.get(`/api/tenants/${shop.tenantId}/integrations`)).json.data.items;
    expect(listed).toEqual([expect.objectContaining({ id: integrationId, status: "failing", lastError: expect.stringMatching(/refused the key/) })]);
    expect((await buyer.checkout(cart(shop.item("Lamp")))).json.error.code).toBe("RAIL_NOT_ALLOWED");
  });

  it("creates one session with the server's amounts (tampered prices ignored); a replayed checkout reuses it", async () => {
    const shop = await cardShop();
    const owner = await member(shop.tenantId, "owner");
    await connectStripe(fake, app.url, owner, shop.tenantId, { businessName: "Lamp Makers GmbH" });
    const key = newKey();
    const body = cart(shop.item("Lamp"), 2, { price: "0.01", total: "0.01", items: [{ itemId: shop.item("Lamp"), quantity: 2, unitPrice: "0.01" }] });
    const first = await httpBuyer(app.port, shop.slug).checkout(body, key);
    expect(first.status, first.body).toBe(201);
    const { order, redirectUrl, token } = first.json.data;
    expect(order.total).toBe("80");
    expect(order.protection).toBe("Paid to Lamp Makers GmbH through Stripe — escrow does not apply");
    expect(order.card).toMatchObject({ businessName: "Lamp Makers GmbH", testMode: true, payUrl: redirectUrl });
    expect(redirectUrl).toMatch(new RegExp(`^${fake.url}/pay/cs_test_`));
    const creates = () => fake.calls.filter((c) => c.path === "/v1/checkout/sessions" && c.params.client_reference_id === order.id);
    expect(creates()).toHaveLength(1);
    const call = creates()[0]!;
    expect(call.idempotencyKey).toBe(order.id);
    expect(call.params).toMatchObject({
      mode: "payment", client_reference_id: order.id,
      line_items: [{ quantity: "2", price_data: { currency: "usd", unit_amount: "4000", product_data: { name: "Lamp" } } }],
      success_url: `http://${shop.slug}.localhost/orders/${token}?card=returned`, cancel_url: `http://${shop.slug}.localhost/orders/${token}?card=cancelled`,
    });
    const again = await httpBuyer(app.port, shop.slug).checkout(body, key);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json.data.redirectUrl).toBe(redirectUrl);
    expect(again.json.data.order.id).toBe(order.id);
    expect(creates()).toHaveLength(1);
    expect(await count(`SELECT count(*) n FROM stripe_checkouts WHERE order_id = $1`, [order.id])).toBe(1);
  });

  it("zero-decimal currencies are sent in whole units (JPY 1500 → 1500)", async () => {
    const shop = await cardShop([{ title: "Tea", price: "1500", stock: null }]);
    await db.prisma.tenant.update({ where: { id: shop.tenantId }, data: { currency: "JPY" } });
    await connectStripe(fake, app.url, await member(shop.tenantId, "owner"), shop.tenantId);
    const res = await httpBuyer(app.port, shop.slug).checkout(cart(shop.item("Tea"), 3));
    expect(res.status, res.body).toBe(201);
    const call = fake.calls.find((c) => c.path === "/v1/checkout/sessions" && c.params.client_reference_id === res.json.data.order.id)!;
    expect(call.params.line_items).toEqual([{ quantity: "3", price_data: { currency: "jpy", unit_amount: "1500", product_data: { name: "Tea" } } }]);
    expect((await sql<{ amount_minor: string }>(db, `SELECT amount_minor::text FROM stripe_checkouts WHERE order_id = $1`, [res.json.data.order.id]))[0]!.amount_minor).toBe("4500");
  });
});

describe("webhooks", () => {
  it("a signed checkout.session.completed → paid with one posting; the same event again, or a copy under a new id, posts nothing more", async () => {
    const { shop, stripe, orderId, res } = await cardOrder();
    const session = await sessionOf(orderId);
    await fake.pay(session.session_id);
    const delivery = fake.deliveries.at(-1)!;
    expect(delivery.status).toBe(200);
    expect(await orderRow(orderId)).toBe("paid");
    expect(await postings(orderId)).toEqual([{ key: `fee:${orderId}` }, { key: `fund:${orderId}` }]);
    const accounts = await sql<{ key: string }>(db, `SELECT DISTINCT a.key FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id JOIN ledger_postings p ON p.id = e.posting_id WHERE p.order_id = $1 AND a.kind = 'external'`, [orderId]);
    expect(accounts.map((a) => a.key)).toEqual([expect.stringMatching(/^external:stripe:/)]);

    expect((await fake.redeliver(delivery.eventId))!.status).toBe(200);
    const event = fake.events.find((e) => e.id === delivery.eventId)!;
    expect((await fake.emit(stripe.account.id, "checkout.session.completed", event.data.object))!.status).toBe(200);
    expect(await postings(orderId)).toEqual([{ key: `fee:${orderId}` }, { key: `fund:${orderId}` }]);
    expect(await count(`SELECT count(*) n FROM payment_webhook_events WHERE order_id = $1`, [orderId])).toBe(2);
    // The buyer's order page reads paid.
    const view = await httpBuyer(app.port, shop.slug).get(`/api/storefront/orders/${res.json.data.token}`);
    expect(view.json.data).toMatchObject({ status: "paid", card: { payUrl: null, testMode: true } });
    await expectLedgerConsistent(db);
  });

  it("a bad signature, a stale timestamp, another integration's secret, or no signature → 400, nothing changes", async () => {
    const { stripe, orderId } = await cardOrder();
    const other = await cardOrder();
    const session = await sessionOf(orderId);
    const object = { ...fake.sessions.get(session.session_id), payment_status: "paid", status: "complete", payment_intent: "pi_forged" };
    delete (object as Record<string, unknown>).account;
    const attempts = [
      { secret: "whsec_notthesecret000000" },
      { timestamp: Math.floor(Date.now() / 1000) - 400 },
      { secret: other.stripe.webhookSecret },
    ];
    for (const opts of attempts) {
      const d = await fake.emit(stripe.account.id, "checkout.session.completed", object, opts);
      expect(d!.status, JSON.stringify(opts)).toBe(400);
      expect(JSON.parse(d!.body).error.code).toBe("WEBHOOK_REFUSED");
    }
    const bare = await fetch(`${app.url}/api/payments/stripe/webhook/${stripe.integrationId}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "evt_x", type: "checkout.session.completed", data: { object } }) });
    expect(bare.status).toBe(400);
    expect(await orderRow(orderId)).toBe("pending_payment");
    expect(await postings(orderId)).toEqual([]);
    expect(await count(`SELECT count(*) n FROM payment_webhook_events WHERE integration_id = $1`, [stripe.integrationId])).toBe(0);
  });

  it("an event naming shop B's order at shop A's endpoint is refused, and B's order is unchanged", async () => {
    const a = await cardOrder();
    const b = await cardOrder();
    const bSession = fake.sessions.get((await sessionOf(b.orderId)).session_id)!;
    const { account: _omit, ...object } = { ...bSession, payment_status: "paid", status: "complete", payment_intent: "pi_stolen" } as Record<string, unknown>;
    void _omit;
    const d = await fake.emit(a.stripe.account.id, "checkout.session.completed", object);
    expect(d!.status).toBe(400);
    // Also with A's own session id but B's order as the reference.
    const aSession = fake.sessions.get((await sessionOf(a.orderId)).session_id)!;
    const { account: _o2, ...crossed } = { ...aSession, client_reference_id: b.orderId, payment_status: "paid" } as Record<string, unknown>;
    void _o2;
    expect((await fake.emit(a.stripe.account.id, "checkout.session.completed", crossed))!.status).toBe(400);
    expect(await orderRow(b.orderId)).toBe("pending_payment");
    expect(await orderRow(a.orderId)).toBe("pending_payment");
    expect(await postings(b.orderId)).toEqual([]);
    expect((await sessionOf(b.orderId)).payment_intent_id).toBeNull();
  });

  it("an amount or currency other than the order's is flagged for the operator; the order stays unpaid", async () => {
    const { stripe, orderId } = await cardOrder();
    const s = fake.sessions.get((await sessionOf(orderId)).session_id)!;
    const { account: _a, ...object } = { ...s, payment_status: "paid", status: "complete", amount_total: 1, payment_intent: "pi_short" } as Record<string, unknown>;
    void _a;
    expect((await fake.emit(stripe.account.id, "checkout.session.completed", object))!.status).toBe(200);
    expect(await orderRow(orderId)).toBe("pending_payment");
    expect((await sessionOf(orderId)).status).toBe("flagged");
    const flags = (await operator.get(`/api/ops/money/card-flags`)).json.data.items;
    expect(flags).toEqual(expect.arrayContaining([expect.objectContaining({ orderId, type: "checkout.session.completed", detail: expect.stringMatching(/Stripe reports 1 usd/) })]));
    // And on the console's money page.
    const page = await operator.get("/ops/money");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Card payments flagged (Stripe)");
    expect(page.body).toContain(`Stripe reports 1 usd, the order asks 4000 usd`);
  });

  it("out of order and twice: a refund delivered before the payment is retried by Stripe and applied once; a dispute marks the order disputed", async () => {
    const { stripe, orderId } = await cardOrder();
    fake.autoDeliver = false;
    try {
      const s = await fake.pay((await sessionOf(orderId)).session_id);
      const { account: _a, ...charge } = { id: "ch_early", object: "charge", amount: s.amount_total, amount_refunded: s.amount_total, currency: s.currency, payment_intent: s.payment_intent, refunded: true, account: "" };
      void _a;
      await fake.emit(stripe.account.id, "charge.refunded", charge);
      const [refundFirst, paidSecond] = await fake.deliverQueued("lifo");
      expect(refundFirst!.status).toBe(409);
      expect(paidSecond!.status).toBe(200);
      expect(await orderRow(orderId)).toBe("paid");
      // Stripe retries the refused delivery: now it applies, once.
      expect((await fake.redeliver(refundFirst!.eventId))!.status).toBe(200);
      expect((await fake.redeliver(refundFirst!.eventId))!.status).toBe(200);
      expect(await orderRow(orderId)).toBe("refunded");
      expect(await postings(orderId)).toEqual([{ key: `fee:${orderId}` }, { key: `fund:${orderId}` }, { key: `refund:${orderId}` }]);
    } finally {
      fake.autoDeliver = true;
    }
    const disputed = await cardOrder({ paid: true });
    await fake.dispute((await sessionOf(disputed.orderId)).payment_intent_id!);
    expect(await orderRow(disputed.orderId)).toBe("disputed");
    await expectLedgerConsistent(db);
  });
});

describe("refunds from the merchant", () => {
  it("a Stripe 5xx leaves the order unchanged with a clear error; the retry succeeds; refunded once in the ledger", async () => {
    const { shop, owner, orderId } = await cardOrder({ paid: true });
    const support = await member(shop.tenantId, "support");
    expect((await support.post(`/api/tenants/${shop.tenantId}/orders/${orderId}/refund`)).status).toBe(403);
    fake.fail({ method: "POST", path: "/v1/refunds", status: 500 });
    const failed = await owner.post(`/api/tenants/${shop.tenantId}/orders/${orderId}/refund`);
    expect(failed.status).toBe(502);
    expect(failed.json.error).toMatchObject({ code: "STRIPE_UNAVAILABLE", message: expect.stringMatching(/safe to try again/) });
    expect(await orderRow(orderId)).toBe("paid");
    const pi = (await sessionOf(orderId)).payment_intent_id;
    const refundsFor = () => [...fake.refunds.values()].filter((r) => r.payment_intent === pi);
    expect(refundsFor()).toHaveLength(0);
    const ok = await owner.post(`/api/tenants/${shop.tenantId}/orders/${orderId}/refund`);
    expect(ok.status, ok.body).toBe(202);
    expect(ok.json.data.refund.status).toBe("succeeded");
    await until(async () => (await orderRow(orderId)) === "refunded");
    expect(await postings(orderId)).toEqual([{ key: `fee:${orderId}` }, { key: `fund:${orderId}` }, { key: `refund:${orderId}` }]);
    const refunded = fake.deliveries.filter((d) => d.type === "charge.refunded").at(-1)!;
    await fake.redeliver(refunded.eventId);
    expect(await postings(orderId)).toHaveLength(3);
    expect(refundsFor()).toHaveLength(1);
    await expectLedgerConsistent(db);
  });

  it("a timeout after Stripe acted: the retry gets the same refund back (same idempotency key), nothing twice", async () => {
    const { shop, orderId } = await cardOrder({ paid: true });
    const finance = await member(shop.tenantId, "finance");
    const pi = (await sessionOf(orderId)).payment_intent_id;
    fake.autoDeliver = false;
    try {
      fake.fail({ method: "POST", path: "/v1/refunds", hang: "after" });
      const timedOut = await finance.post(`/api/tenants/${shop.tenantId}/orders/${orderId}/refund`);
      expect(timedOut.status).toBe(502);
      expect(timedOut.json.error.code).toBe("STRIPE_UNAVAILABLE");
      expect(await orderRow(orderId)).toBe("paid");
      const retry = await finance.post(`/api/tenants/${shop.tenantId}/orders/${orderId}/refund`);
      expect(retry.status, retry.body).toBe(202);
      const calls = fake.calls.filter((c) => c.path === "/v1/refunds" && c.params.payment_intent === pi);
      expect(calls.map((c) => c.idempotencyKey)).toEqual([`refund:${orderId}`]);
      expect([...fake.refunds.values()].filter((r) => r.payment_intent === pi)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 50));
      await fake.deliverQueued();
    } finally {
      fake.autoDeliver = true;
    }
    expect(await orderRow(orderId)).toBe("refunded");
    expect(await postings(orderId)).toEqual([{ key: `fee:${orderId}` }, { key: `fund:${orderId}` }, { key: `refund:${orderId}` }]);
  });
});
