/**
 * Issue 22 points 2 and 3 (ADR 035): checkout adds the chosen shipping rate and the tax to the server-computed total.
 * Expected totals are worked out by hand below (not with the pricing code); the database's CHECK holds the split.
 */
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { ADDRESS, MERCHANT, createShop, expectLedgerConsistent, moneyHarness, newKey } from "./money-fixture.ts";
import { caught } from "./caught.ts";
import { checkoutSchema } from "#server/money/index.ts";
import { putShippingTax, type ShippingTaxSettings } from "#server/shipping/index.ts";

const db = await createTestDatabase();
const h = moneyHarness(db);

const SETTINGS: ShippingTaxSettings = {
  pricesIncludeTax: false,
  zones: [
    { id: "eu", name: "Europe", countries: ["DE", "FR"], rates: [
      { id: "std", name: "Standard", kind: "weight", bands: [{ upTo: "1000", amount: "4.90" }, { upTo: "5000", amount: "9.90" }], freeOver: "100", minDays: 2, maxDays: 5 },
      { id: "express", name: "Express", kind: "flat", amount: "15.00", minDays: 1, maxDays: 2 },
    ] },
    { id: "world", name: "Rest of world", countries: ["JP", "AU"], rates: [
      { id: "intl", name: "International", kind: "value", bands: [{ upTo: "50", amount: "20.00" }, { upTo: "500", amount: "35.00" }], minDays: 7, maxDays: 21 },
    ] },
  ],
  taxRates: [{ country: "DE", rateBps: 1900 }, { country: "DE", category: "books", rateBps: 700 }, { country: "FR", rateBps: 2000 }, { country: "JP", rateBps: 1000 }],
};

async function shop(pricesIncludeTax: boolean) {
  const s = await createShop(db, { rails: ["escrow", "direct"], items: [
    { title: "Lamp", price: "40.00" }, { title: "Book", price: "12.50", category: "books" }, { title: "Pin", price: "0.05" },
    { title: "E-book", price: "9.99", kind: "digital" },
  ] });
  const weights: Record<string, number> = { Lamp: 800, Book: 300, Pin: 10 };
  for (const [title, weightGrams] of Object.entries(weights)) await db.prisma.catalogItem.update({ where: { id: s.item(title) }, data: { weightGrams } });
  await putShippingTax(db.prisma, MERCHANT, s.tenantId, { ...SETTINGS, pricesIncludeTax, version: 0 });
  return s;
}
const exclusive = await shop(false);
const inclusive = await shop(true);

type Shop = typeof exclusive;
/** A checkout body as a client sends it, parsed by the API's own schema (which strips anything it does not know). */
function body(s: Shop, cart: Record<string, number>, country: string | null, method?: string, extra: Record<string, unknown> = {}) {
  return checkoutSchema.parse({
    items: Object.entries(cart).map(([t, quantity]) => ({ itemId: s.item(t), quantity })), email: "buyer@example.test", rail: "escrow",
    ...(country && Object.keys(cart).some((t) => t !== "E-book") ? { shippingAddress: { ...ADDRESS, country } } : {}),
    ...(method ? { shippingMethodId: method } : {}), ...extra,
  });
}
const checkout = (s: Shop, cart: Record<string, number>, country: string | null, method?: string, extra?: Record<string, unknown>) =>
  h.money.checkout(s.tenantId, body(s, cart, country, method, extra), newKey());
const columns = (id: string) => db.prisma.order.findUniqueOrThrow({ where: { id }, select: { subtotal: true, shippingAmount: true, taxAmount: true, total: true, shippingMethod: true, pricesIncludeTax: true } })
  .then((o) => ({ subtotal: o.subtotal.toFixed(2), shipping: o.shippingAmount.toFixed(2), tax: o.taxAmount.toFixed(2), total: o.total.toFixed(2), method: o.shippingMethod, inclusive: o.pricesIncludeTax }));

describe("checkout totals = items + shipping + tax", () => {
  it.each([
    // [cart, country, method, subtotal, shipping, tax, total]
    [{ Lamp: 1, Book: 2 }, "DE", "std", "65.00", "9.90", "9.35", "84.25"], // 1400 g → band 2; 40·19 % + 25·7 %
    [{ Lamp: 3 }, "DE", "std", "120.00", "0.00", "22.80", "142.80"], // over 100: free
    [{ Lamp: 1 }, "DE", "std", "40.00", "4.90", "7.60", "52.50"], // 800 g → band 1
    [{ Lamp: 7 }, "DE", "express", "280.00", "15.00", "53.20", "348.20"], // 5600 g: only express
    [{ Lamp: 1 }, "FR", "express", "40.00", "15.00", "8.00", "63.00"],
    [{ Lamp: 2 }, "JP", "intl", "80.00", "35.00", "8.00", "123.00"], // value band 2
    [{ Book: 1 }, "JP", "intl", "12.50", "20.00", "1.25", "33.75"], // value band 1
    [{ Pin: 1 }, "JP", "intl", "0.05", "20.00", "0.01", "20.06"], // 0.005 tax rounds half up
    [{ "E-book": 1 }, "DE", undefined, "9.99", "0.00", "1.90", "11.89"], // digital: no shipping, tax by the buyer's country
  ] as const)("tax-exclusive %o to %s by %s", async (cart, country, method, subtotal, shipping, tax, total) => {
    const r = await checkout(exclusive, cart, country, method, country && !method ? { country } : {});
    expect(await columns(r.order.id)).toMatchObject({ subtotal, shipping, tax, total, inclusive: false });
    expect(r.order).toMatchObject({ total: expect.any(String), shipping: { amount: expect.any(String) }, tax: { included: false } });
    expect(r.order.shipping.method?.name ?? null).toBe(method ? { std: "Standard", express: "Express", intl: "International" }[method] : null);
  });

  it.each([
    [{ Lamp: 1 }, "DE", "std", "40.00", "4.90", "6.39", "44.90"], // 40·1900/11900 = 6.3865…
    [{ Lamp: 1, Book: 1 }, "DE", "std", "52.50", "9.90", "7.21", "62.40"], // 6.39 + 12.50·700/10700 = 0.8177… → 0.82
    [{ Lamp: 1 }, "JP", "intl", "40.00", "20.00", "3.64", "60.00"], // 40·1000/11000 = 3.636…
  ] as const)("tax-inclusive %o to %s: the tax is inside the prices", async (cart, country, method, subtotal, shipping, tax, total) => {
    const r = await checkout(inclusive, cart, country, method);
    expect(await columns(r.order.id)).toMatchObject({ subtotal, shipping, tax, total, inclusive: true });
    expect(r.order.tax).toEqual({ amount: expect.any(String), included: true });
  });
});

describe("refusals", () => {
  const count = () => db.prisma.order.count({ where: { tenantId: exclusive.tenantId } });

  it("refuses a country outside every zone with a clear, typed 422 and writes nothing", async () => {
    const before = await count();
    const err = await caught(checkout(exclusive, { Lamp: 1 }, "US", "std"));
    expect(err).toMatchObject({ status: 422, code: "SHIPPING_UNAVAILABLE", message: expect.stringContaining("does not ship to US") });
    expect(await count()).toBe(before);
  });

  it("refuses a cart over every band, a missing method, and a method of another zone", async () => {
    expect(await caught(checkout(exclusive, { Lamp: 13 }, "JP", "intl"))).toMatchObject({ status: 422, code: "SHIPPING_UNAVAILABLE" });
    expect(await caught(checkout(exclusive, { Lamp: 1 }, "DE"))).toMatchObject({ status: 400, code: "VALIDATION_ERROR", details: { issues: [{ path: "shippingMethodId" }] } });
    expect(await caught(checkout(exclusive, { Lamp: 1 }, "DE", "intl"))).toMatchObject({ status: 422, code: "SHIPPING_METHOD_UNAVAILABLE" });
  });

  it("ignores a tampered client shipping amount or total: the server prices the method", async () => {
    const r = await checkout(exclusive, { Lamp: 1 }, "DE", "express", { shippingAmount: "0.00", shipping: { amount: "0" }, total: "1.00", tax: "0" });
    expect(await columns(r.order.id)).toMatchObject({ shipping: "15.00", tax: "7.60", total: "62.60" });
  });

  it("the database refuses an order whose total is not its parts", async () => {
    const r = await checkout(exclusive, { Lamp: 1 }, "DE", "std");
    for (const set of ["shipping_amount = shipping_amount + 1", "tax_amount = tax_amount + 0.01", "total = total - 0.01", "prices_include_tax = true"]) {
      await expect(db.sql.query(`UPDATE orders SET ${set} WHERE id = $1`, [r.order.id])).rejects.toThrow(/orders_total_split_ck/);
    }
  });
});

describe("the ledger", () => {
  it("funds the whole total (items + shipping + tax) and reconciles with 0 violations", async () => {
    const r = await checkout(exclusive, { Lamp: 1, Book: 2 }, "DE", "std");
    await h.money.sandboxPay(exclusive.tenantId, r.token);
    const held = await db.sql.query(`SELECT w.amount = 84.25 AND o.total = 84.25 AS ok FROM escrows w JOIN orders o ON o.id = w.order_id WHERE w.order_id = $1`, [r.order.id]);
    expect(held.rows).toEqual([{ ok: true }]);
    await expectLedgerConsistent(db);
    const report = await h.money.reconcile("shipping test");
    expect(!report.skipped && report.violations).toBe(0);
  });
});
