/**
 * Shipping and tax settings API (ADR 035): members read, owner/manager/finance replace with compare-and-swap, a
 * support member cannot, another shop's member gets nothing, bad input is a typed 400 that changes nothing, and the
 * storefront checkout refuses a country outside the zones with 422 SHIPPING_UNAVAILABLE while ignoring a client price.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { ADDRESS, createShop, httpBuyer, httpMember } from "./money-fixture.ts";

const db = await createTestDatabase();
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", RATE_LIMIT_CHECKOUT_PER_MIN: "100000" });
});
afterAll(async () => app?.stop());

const SETTINGS = {
  pricesIncludeTax: false,
  zones: [{ id: "eu", name: "Europe", countries: ["DE"], rates: [{ id: "std", name: "Standard", kind: "flat", amount: "5.00", minDays: 2, maxDays: 4 }] }],
  taxRates: [{ country: "DE", rateBps: 1900 }],
};

describe("shipping settings API", () => {
  it("owner writes (version 0 creates, then CAS), support reads but cannot write, another shop's member gets 403/404", async () => {
    const shop = await createShop(db, { rails: ["escrow"] });
    const other = await createShop(db, { rails: ["escrow"] });
    const owner = await httpMember(db, app.port, shop.tenantId, "owner");
    const support = await httpMember(db, app.port, shop.tenantId, "support");
    const stranger = await httpMember(db, app.port, other.tenantId, "owner");
    const path = `/api/tenants/${shop.tenantId}/shipping`;

    const empty = await owner.get(path);
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.body).data).toMatchObject({ zones: [], taxRates: [], version: 0 });

    const created = await owner.put(path, { ...SETTINGS, version: 0 });
    expect(created.status, created.body).toBe(200);
    expect(JSON.parse(created.body).data).toMatchObject({ version: 1, zones: [{ id: "eu", countries: ["DE"] }] });
    expect((await owner.put(path, { ...SETTINGS, version: 0 })).status).toBe(409);

    expect((await support.get(path)).status).toBe(200);
    expect((await support.put(path, { ...SETTINGS, version: 1 })).status).toBe(403);
    expect([403, 404]).toContain((await stranger.get(path)).status);
    expect([403, 404]).toContain((await stranger.put(path, { ...SETTINGS, version: 1 })).status);

    const bad = [
      { ...SETTINGS, zones: [{ ...SETTINGS.zones[0], countries: ["XX"] }] },
      { ...SETTINGS, zones: [SETTINGS.zones[0], { ...SETTINGS.zones[0], id: "eu2" }] }, // DE in two zones
      { ...SETTINGS, zones: [{ ...SETTINGS.zones[0], rates: [{ ...SETTINGS.zones[0]!.rates[0], amount: "5.001" }] }] }, // USD has 2 digits
      { ...SETTINGS, taxRates: [{ country: "DE", rateBps: 19.5 }] },
    ];
    for (const body of bad) {
      const res = await owner.put(path, { ...body, version: 1 });
      expect(res.status, res.body).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe("VALIDATION_ERROR");
    }
    expect(JSON.parse((await owner.get(path)).body).data).toMatchObject({ version: 1, zones: [{ countries: ["DE"] }] });
    expect(await db.prisma.auditLog.count({ where: { tenantId: shop.tenantId, action: "shipping.update" } })).toBe(1);
  });

  it("storefront checkout: outside the zones is 422 SHIPPING_UNAVAILABLE; a client shipping amount has no effect", async () => {
    const shop = await createShop(db, { rails: ["escrow"] });
    const owner = await httpMember(db, app.port, shop.tenantId, "owner");
    expect((await owner.put(`/api/tenants/${shop.tenantId}/shipping`, { ...SETTINGS, version: 0 })).status).toBe(200);
    const buyer = httpBuyer(app.port, shop.slug);
    const cart = { items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "b@example.test", rail: "escrow" };
    const refused = await buyer.checkout({ ...cart, shippingAddress: ADDRESS, shippingMethodId: "std" });
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body).error).toMatchObject({ code: "SHIPPING_UNAVAILABLE", message: expect.stringContaining("does not ship to US") });
    const placed = await buyer.checkout({ ...cart, shippingAddress: { ...ADDRESS, country: "DE" }, shippingMethodId: "std", shippingAmount: "0", total: "1" });
    expect(placed.status, placed.body).toBe(201);
    // Lamp 40.00 + shipping 5.00 + 19 % of 40.00 = 7.60.
    expect(JSON.parse(placed.body).data.order).toMatchObject({ total: "52.6", shipping: { amount: "5", method: { name: "Standard" } }, tax: { amount: "7.6", included: false } });
  });
});
