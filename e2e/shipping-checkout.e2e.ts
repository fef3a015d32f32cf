/**
 * Issue 22 points 2 and 3 in Chromium (ADR 035): a buyer of bloom checks out a physical item to Germany (not the
 * shop's first shipping country) with a chosen shipping method and German tax; the summary, the order page and the
 * database all show items + shipping + tax. Screenshots at 1280 and 390 px go to e2e/artifacts/shipping-*.png.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { watch, hydrated } from "./browser-checks.ts";
import { openDatabase, type Database } from "#server/db/client.ts";
import { putShippingTax } from "#server/shipping/index.ts";

const ADDRESS = { "Full name": "Ada Käufer", "Street address": "Hauptstraße 1", City: "Berlin", "Postal code": "10115" };
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

describe("checkout with shipping and tax to a non-default country, in Chromium", () => {
  let e2e: E2E;
  let db: Database;
  let item: { id: string; price: string };

  beforeAll(async () => {
    e2e = await setupE2E(["bloom"], { RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000" });
    db = await openDatabase(e2e.dbUrl);
    const row = await db.prisma.catalogItem.findFirstOrThrow({ where: { title: "Spring Tulip Bouquet", tenant: { slug: "bloom" } }, select: { id: true, price: true, tenantId: true } });
    item = { id: row.id, price: row.price.toFixed(2) };
    await db.prisma.catalogItem.update({ where: { id: row.id }, data: { weightGrams: 1200 } });
    await putShippingTax(db.prisma, { userId: null, kind: "system" }, row.tenantId, {
      version: 0, pricesIncludeTax: false,
      zones: [
        { id: "home", name: "Domestic", countries: ["US"], rates: [{ id: "ground", name: "Ground", kind: "flat", amount: "5.00", minDays: 2, maxDays: 4 }] },
        { id: "eu", name: "Europe", countries: ["DE", "FR"], rates: [
          { id: "std", name: "Standard", kind: "weight", bands: [{ upTo: "1000", amount: "8.00" }, { upTo: "5000", amount: "12.00" }], minDays: 4, maxDays: 8 },
          { id: "express", name: "Express", kind: "flat", amount: "25.00", minDays: 1, maxDays: 2 },
        ] },
      ],
      taxRates: [{ country: "DE", rateBps: 1900 }],
    });
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
  });

  for (const size of ["desktop", "phone"] as const) {
    it(`adds the weight-band rate and 19 % tax for Germany (${size})`, async () => {
      const context = await e2e.browser.newContext({ viewport: VIEWPORTS[size], hasTouch: size === "phone", isMobile: size === "phone" });
      const page = await context.newPage();
      const errors = watch(page);
      try {
        await page.goto(e2e.shopUrl("bloom"));
        await page.evaluate((id) => localStorage.setItem(`cart:v1:${location.host}`, JSON.stringify({ lines: [{ itemId: id, quantity: 1 }] })), item.id);
        await page.goto(`${e2e.shopUrl("bloom")}checkout`);
        await hydrated(page);
        await page.getByTestId("checkout-line").first().waitFor();
        const email = `shipping-${size}@buyer.test`;
        await page.getByLabel("Email").fill(email);
        for (const [label, value] of Object.entries(ADDRESS)) await page.getByLabel(label, { exact: true }).fill(value);
        await page.getByLabel("Country", { exact: true }).selectOption("DE");
        await page.getByTestId("shipping-method-std").waitFor();
        await page.getByTestId("shipping-method-std").check();
        // Independently: 1200 g → the second band, 12.00; tax 19 % of the item price, half-up to cents.
        const cents = BigInt(item.price.replace(".", ""));
        const taxCents = (cents * 1900n * 2n + 10_000n) / 20_000n;
        const fmt = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, "0")}`;
        await expect.poll(() => page.getByTestId("checkout-shipping").innerText()).toContain("12.00");
        await expect.poll(() => page.getByTestId("checkout-tax").innerText()).toContain(fmt(taxCents));
        await expect.poll(() => page.getByTestId("checkout-total").innerText()).toContain(fmt(cents + 1200n + taxCents));
        await page.screenshot({ path: path.join(ARTIFACTS, `shipping-checkout-${size}.png`), fullPage: true });

        await page.getByRole("radio", { name: /invoice/i }).check();
        await page.getByLabel(/no escrow protection/).check();
        await page.getByRole("button", { name: /Place order/ }).click();
        await page.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}$/, { timeout: 15_000 });
        await page.getByTestId("order-shipping").waitFor();
        expect(await page.getByTestId("order-tax").innerText()).toContain(fmt(taxCents));
        await page.screenshot({ path: path.join(ARTIFACTS, `shipping-order-${size}.png`), fullPage: true });
        const order = await db.prisma.order.findFirstOrThrow({ where: { guestEmail: email }, select: { shippingAmount: true, taxAmount: true, total: true, shippingAddress: true } });
        expect([order.shippingAmount.toFixed(2), order.taxAmount.toFixed(2), order.total.toFixed(2)]).toEqual(["12.00", fmt(taxCents), fmt(cents + 1200n + taxCents)]);
        expect(order.shippingAddress).toMatchObject({ country: "DE" });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
