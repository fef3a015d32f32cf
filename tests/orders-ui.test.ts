/**
 * The merchant orders pages and the console's money pages, against the real app: they render for the roles that
 * may see them, refuse the others, run the same service rules as the API (support cannot ship; another shop's
 * owner gets 404), and the buyer's delivery code never reaches a merchant's HTML, not even in a form reply.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { formPost, signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { ADDRESS, MERCHANT, createShop, newKey } from "./money-fixture.ts";
import { putShippingTax } from "#server/shipping/index.ts";

const db = await createTestDatabase();
let app: RunningApp;
let operator: Client;

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true",
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000", MONEY_SECRET: "orders-ui-test-money-secret-0123456789",
  });
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
});
afterAll(async () => app?.stop());

async function member(tenantId: string, role: "owner" | "manager" | "finance" | "support") {
  const u = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId, userId: u.id, role } });
  return signIn(app.port, u.email);
}

const buyer = (slug: string) => ({
  checkout: (body: unknown) => request(app.port, "/api/storefront/checkout", { method: "POST", host: `${slug}.localhost`, headers: { "idempotency-key": newKey() }, body }),
  get: (path: string) => request(app.port, path, { host: `${slug}.localhost` }),
  post: (path: string, body: unknown = {}) => request(app.port, path, { method: "POST", host: `${slug}.localhost`, body }),
});

/** The 6 digits as a token of their own (not inside a longer run of letters, digits or dashes). */
const containsCode = (html: string, code: string) => new RegExp(`(?<![\\w-])${code}(?![\\w-])`).test(html);

async function paidEscrowOrder(shop: Awaited<ReturnType<typeof createShop>>, title = "Lamp") {
  const b = buyer(shop.slug);
  const placed = await b.checkout({ items: [{ itemId: shop.item(title), quantity: 1 }], email: "Ada.Buyer@Example.test", shippingAddress: ADDRESS, rail: "escrow" });
  expect(placed.status, placed.body).toBe(201);
  const { token, order } = placed.json.data as { token: string; order: { id: string } };
  expect((await b.post(`/api/storefront/orders/${token}/sandbox-pay`)).json.data.status).toBe("escrow_funded");
  return { token, orderId: order.id, b };
}

describe("merchant orders pages", () => {
  it("list and detail render for the owner; shipping and the code flow never show the code to the merchant", async () => {
    const shop = await createShop(db);
    const owner = await member(shop.tenantId, "owner");
    const { token, orderId, b } = await paidEscrowOrder(shop);
    const base = `/dashboard/${shop.tenantId}/orders`;

    const list = await owner.get(base);
    expect(list.status, list.body.slice(0, 500)).toBe(200);
    expect(list.body).toContain("ada.buyer@example.test");
    expect(list.body).toContain("$40.00");
    expect(list.body).toContain(`href="${base}/${orderId}"`);
    const filtered = await owner.get(`${base}?status=completed&email=nobody`);
    expect([filtered.status, filtered.body.includes("No orders match these filters")]).toEqual([200, true]);
    const bogus = await owner.get(`${base}?status=nonsense&before=yesterday`);
    expect(bogus.status).toBe(200);

    const detailPath = `${base}/${orderId}`;
    const detail = await owner.get(detailPath);
    expect(detail.status).toBe(200);
    for (const text of ["ada.buyer@example.test", "$40.00", "Protected by escrow", "Ledger", "Mark shipped", "HELD", "Ada Buyer"]) expect(detail.body).toContain(text);

    const shipped = await formPost(owner, detailPath, { intent: "ship" });
    expect(shipped.status, shipped.body.slice(0, 300)).toBe(200);
    const code = (await b.get(`/api/storefront/orders/${token}`)).json.data.deliveryCode.code as string;
    expect(code).toMatch(/^\d{6}$/);
    const afterShip = await owner.get(detailPath);
    expect(afterShip.body).toContain("Delivery code");
    expect(afterShip.body).toContain("Confirm delivery");
    expect(afterShip.body).not.toContain("Mark shipped");
    for (const html of [shipped.body, afterShip.body, (await owner.get(base)).body]) expect(containsCode(html, code)).toBe(false);

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const refused = await formPost(owner, detailPath, { intent: "deliver", code: wrong });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain("That code is not valid for this order");
    expect(containsCode(refused.body, wrong)).toBe(false);
    const malformed = await formPost(owner, detailPath, { intent: "deliver", code: "12ab" });
    expect([malformed.status, malformed.body.includes("The delivery code has 6 digits.")]).toEqual([400, true]);

    const delivered = await formPost(owner, detailPath, { intent: "deliver", code });
    expect(delivered.status).toBe(200);
    expect(containsCode(delivered.body, code)).toBe(false);
    expect(["delivered", "completed"]).toContain((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status);
    expect(containsCode((await owner.get(detailPath)).body, code)).toBe(false);
  });

  it("support reads but cannot ship; finance marks a manual invoice paid with an evidence note", async () => {
    const shop = await createShop(db);
    const [support, finance] = [await member(shop.tenantId, "support"), await member(shop.tenantId, "finance")];
    const { orderId } = await paidEscrowOrder(shop);
    const detailPath = `/dashboard/${shop.tenantId}/orders/${orderId}`;
    const page = await support.get(detailPath);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("Mark shipped");
    expect((await formPost(support, detailPath, { intent: "ship" })).status).toBe(403);
    expect((await formPost(finance, detailPath, { intent: "ship" })).status).toBe(403);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("escrow_funded");

    const invoice = await buyer(shop.slug).checkout({ items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "inv@example.test", shippingAddress: ADDRESS, rail: "manual_invoice" });
    const invoicePath = `/dashboard/${shop.tenantId}/orders/${invoice.json.data.order.id}`;
    expect((await finance.get(invoicePath)).body).toContain("Evidence note");
    expect((await formPost(support, invoicePath, { intent: "mark_paid", evidenceNote: "bank ref 7" })).status).toBe(403);
    const noNote = await formPost(finance, invoicePath, { intent: "mark_paid", evidenceNote: "" });
    expect(noNote.status).toBe(400);
    const paid = await formPost(finance, invoicePath, { intent: "mark_paid", evidenceNote: "bank ref 7" });
    expect(paid.status).toBe(200);
    const after = await finance.get(invoicePath);
    expect(after.body).toContain("bank ref 7");
    expect(after.body).not.toContain("Mark paid");
  });

  it("the list shows an order's shipping and tax under its total, and the detail their own lines (ADR 045)", async () => {
    const shop = await createShop(db, { rails: ["escrow"] });
    await putShippingTax(db.prisma, MERCHANT, shop.tenantId, {
      version: 0, pricesIncludeTax: false, taxRates: [{ country: "DE", rateBps: 1900 }],
      zones: [{ id: "eu", name: "Europe", countries: ["DE"], rates: [{ id: "std", name: "Standard", kind: "flat", amount: "7.25", minDays: 2, maxDays: 4 }] }],
    });
    const placed = await buyer(shop.slug).checkout({
      items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "de@example.test", shippingAddress: { ...ADDRESS, country: "DE" }, shippingMethodId: "std", rail: "escrow",
    });
    expect(placed.status, placed.body).toBe(201);
    const o = await db.prisma.order.findUniqueOrThrow({ where: { id: placed.json.data.order.id }, select: { shippingAmount: true, taxAmount: true } });
    const [shipping, tax] = [o.shippingAmount.toFixed(2), o.taxAmount.toFixed(2)];
    expect(shipping).toBe("7.25");
    const owner = await member(shop.tenantId, "owner");
    const list = await owner.get(`/dashboard/${shop.tenantId}/orders`);
    expect(list.status).toBe(200);
    expect(list.body).toMatch(new RegExp(`data-testid="order-row-parts"[^>]*>.*shipping.*${shipping.replace(".", "\\.")}.*tax.*${tax.replace(".", "\\.")}`, "s"));
    const detail = await owner.get(`/dashboard/${shop.tenantId}/orders/${placed.json.data.order.id}`);
    expect(detail.body).toMatch(new RegExp(`data-testid="order-shipping"[^>]*>.*${shipping.replace(".", "\\.")}`, "s"));
    expect(detail.body).toMatch(new RegExp(`data-testid="order-tax"[^>]*>.*${tax.replace(".", "\\.")}`, "s"));
  });

  it("another shop's owner gets 404 for the detail URL, under either shop", async () => {
    const a = await createShop(db);
    const b = await createShop(db);
    const { orderId } = await paidEscrowOrder(a);
    const ownerB = await member(b.tenantId, "owner");
    expect((await ownerB.get(`/dashboard/${a.tenantId}/orders/${orderId}`)).status).toBe(404);
    expect((await ownerB.get(`/dashboard/${b.tenantId}/orders/${orderId}`)).status).toBe(404);
    expect((await ownerB.get(`/dashboard/${b.tenantId}/orders/not-a-uuid`)).status).toBe(404);
    expect((await ownerB.get(`/dashboard/${a.tenantId}/orders`)).status).toBe(404);
  });
});

describe("console money pages", () => {
  it("operators see /ops/money and /ops/disputes; members do not", async () => {
    const shop = await createShop(db);
    const owner = await member(shop.tenantId, "owner");
    for (const path of ["/ops/money", "/ops/disputes"]) {
      const page = await operator.get(path);
      expect(page.status, path).toBe(200);
      expect([403, 404]).toContain((await owner.get(path)).status);
    }
    const money = await operator.get("/ops/money");
    for (const text of ["Global kill switch", "ledger_invariant_violation_total", "Run reconciliation now", "never fixes anything"]) expect(money.body).toContain(text);
  });

  it("kill switch needs a reason; reconciliation runs on demand; a dispute is resolved with a note", async () => {
    const shop = await createShop(db);
    const noReason = await formPost(operator, "/ops/money", { form: "kill-global-on", intent: "kill_global", engaged: "on", reason: "" });
    expect(noReason.status).toBe(400);
    expect((await request(app.port, "/readyz")).json.killSwitch.global).toBe(false);
    const on = await formPost(operator, "/ops/money", { form: "kill-tenant-on", intent: "kill_tenant", engaged: "on", shop: shop.slug, reason: "drill" });
    expect(on.status).toBe(200);
    expect((await operator.get("/ops/money")).body).toContain("Turn off for");
    expect((await formPost(operator, "/ops/money", { form: "x", intent: "kill_tenant", engaged: "off", shop: shop.slug, reason: "drill over" })).status).toBe(200);
    expect((await formPost(operator, "/ops/money", { form: "x", intent: "kill_tenant", engaged: "on", shop: "no-such-shop", reason: "drill" })).status).toBe(404);

    const run = await formPost(operator, "/ops/money", { form: "reconcile", intent: "reconcile" });
    expect(run.status).toBe(200);
    expect(run.body).toContain("Reconciliation finished: no violations.");

    const { token, orderId, b } = await paidEscrowOrder(shop);
    expect((await b.post(`/api/storefront/orders/${token}/dispute`, { reason: "Arrived broken" })).status).toBe(201);
    const queue = await operator.get("/ops/disputes");
    expect(queue.body).toContain("Arrived broken");
    const dispute = await db.prisma.dispute.findFirstOrThrow({ where: { orderId } });
    const fields = { form: `resolve-${dispute.id}`, disputeId: dispute.id, resolution: "refund", confirmRefund: "yes" };
    expect((await formPost(operator, "/ops/disputes", { ...fields, note: "" })).status).toBe(400);
    const resolved = await formPost(operator, "/ops/disputes", { ...fields, note: "Photos show damage" });
    expect(resolved.status).toBe(200);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("refunded");
    // Nothing is open any more, so the page has no form: the session's token comes from another page.
    const again = await formPost(operator, "/ops/disputes", { ...fields, note: "again" }, "/ops/money");
    expect([again.status, again.body.includes("already resolved")]).toEqual([409, true]);
  });
});
