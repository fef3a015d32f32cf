/**
 * Issue 21: a digital-only cart checks out through the page's form post (the same schema the browser validates
 * with), and a cart of only free items is refused with a reason, by the page and the JSON API alike, writing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import { request } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
let tenantId: string;
const ids: Record<string, string> = {};
const HOST = "digi.localhost";

beforeAll(async () => {
  const tenant = await createTenant(db.prisma, {
    slug: "digi",
    paymentPolicy: { allowedRails: ["escrow"], defaultRail: "escrow", buyerDisclosureMode: "plain" },
    catalog: [
      { title: "Paid Guide", price: "5.00", kind: "digital" },
      { title: "Free Guide", price: "0.00", kind: "digital" },
    ],
  });
  tenantId = tenant.id;
  for (const i of await db.prisma.catalogItem.findMany({ where: { tenantId } })) ids[i.title] = i.id;
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true" });
});
afterAll(async () => app?.stop());

/** The checkout page's own form post (`.data` is Remix's single-fetch action URL), as a browser without JS sends it. */
const postForm = (fields: Record<string, string>) =>
  request(app.port, "/checkout.data", {
    method: "POST", host: HOST, headers: { origin: `http://${HOST}` },
    raw: { contentType: "application/x-www-form-urlencoded", data: new URLSearchParams(fields).toString() },
  });
const orders = () => db.prisma.order.count({ where: { tenantId } });

describe("checkout of digital carts", () => {
  it("places a digital-only order from the page form: no shipping address is asked for or needed", async () => {
    const before = await orders();
    const res = await postForm({ cart: `${ids["Paid Guide"]}:1`, idempotencyKey: "checkout-digital-0001", email: "ada@buyer.test", rail: "escrow" });
    expect(res.status, res.body).toBe(200);
    expect(res.body).toContain("/orders/");
    expect(await orders()).toBe(before + 1);
    const order = await db.prisma.order.findFirstOrThrow({ where: { tenantId }, orderBy: { createdAt: "desc" } });
    expect(order.requiresShipping).toBe(false);
    expect(order.shippingAddress).toBeNull();
  });

  it("refuses a cart of only free items on the page and through the API, with the reason, and writes nothing", async () => {
    const before = await orders();
    const page = await request(app.port, `/checkout?cart=${encodeURIComponent(`${ids["Free Guide"]}:1`)}`, { host: HOST });
    expect(page.status).toBe(200);
    expect(page.body).toContain("nothing to pay for");
    const api = await request(app.port, "/api/storefront/checkout", {
      method: "POST", host: HOST, headers: { "idempotency-key": "k-free-cart-0001" },
      body: { items: [{ itemId: ids["Free Guide"], quantity: 1 }], email: "ada@buyer.test", rail: "escrow" },
    });
    expect(api.status).toBe(400);
    expect(JSON.parse(api.body).error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("nothing to pay for") });
    const form = await postForm({ cart: `${ids["Free Guide"]}:1`, idempotencyKey: "checkout-free-0001", email: "ada@buyer.test", rail: "escrow" });
    expect(form.status).toBe(400);
    expect(await orders()).toBe(before);
  });

  it("still checks out a free item together with a paid one", async () => {
    const before = await orders();
    const res = await postForm({ cart: `${ids["Paid Guide"]}:1,${ids["Free Guide"]}:1`, idempotencyKey: "checkout-digital-0002", email: "ada@buyer.test", rail: "escrow" });
    expect(res.status, res.body).toBe(200);
    expect(await orders()).toBe(before + 1);
  });
});
