/**
 * Issue 21: no storefront page scrolls sideways on a 390 px phone. For every demo shop: home, every item page, the
 * cart and checkout holding the whole catalog (the longest cart a buyer can make), the order page, and a bad path
 * (the shop's 404). Each asserts document.scrollWidth <= innerWidth; the dashboard and the console have their own walks.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { hydrated } from "./browser-checks.ts";
import { openDatabase, type Database } from "#server/db/client.ts";

const PHONE = { width: 390, height: 844 };

async function expectNoSideways(page: Page, label: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${label}: page is ${scrollWidth} px wide on a ${innerWidth} px screen`).toBeLessThanOrEqual(innerWidth);
}

describe("storefront pages fit a 390 px phone", () => {
  let e2e: E2E;
  let db: Database;

  beforeAll(async () => {
    e2e = await setupE2E(["acme", "bloom", "nova"], { PAYMENTS_SANDBOX: "true", RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000" });
    db = await openDatabase(e2e.dbUrl);
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
  });

  it.each(["acme", "bloom", "nova"])("%s: home, items, a long cart and checkout, the order page and a 404", async (slug) => {
    const context = await e2e.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    try {
      const base = e2e.shopUrl(slug);
      const items = await db.prisma.catalogItem.findMany({ where: { tenant: { slug }, active: true }, select: { id: true, title: true, stock: true } });
      await page.goto(base);
      await hydrated(page);
      await expectNoSideways(page, `${slug} home`);
      for (const item of items) {
        await page.goto(`${base}items/${item.id}`);
        await expectNoSideways(page, `${slug} item ${item.title}`);
      }
      // Every item, two of each where stock allows: long titles and totals side by side.
      const lines = items.map((i) => ({ itemId: i.id, quantity: i.stock === null || i.stock >= 2 ? 2 : 1 }));
      await page.evaluate((l) => localStorage.setItem(`cart:v1:${location.host}`, JSON.stringify({ lines: l })), lines);
      await page.goto(`${base}cart`);
      await page.getByRole("link", { name: /Checkout/ }).waitFor();
      await expectNoSideways(page, `${slug} cart`);
      await page.goto(`${base}checkout`);
      await page.waitForURL(/\/checkout\?cart=/);
      await page.getByTestId("checkout-line").first().waitFor();
      await expectNoSideways(page, `${slug} checkout (${lines.length} lines)`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(ARTIFACTS, `phone-${slug}-checkout.png`), fullPage: true });

      // The order page of a one-line order (the long cart may be over a threshold or out of stock).
      await page.evaluate((l) => localStorage.setItem(`cart:v1:${location.host}`, JSON.stringify({ lines: l })), [lines[0]!]);
      await page.goto(`${base}checkout`);
      await page.getByTestId("checkout-line").first().waitFor();
      await page.getByLabel("Email").fill("phone@buyer.test");
      if ((await page.getByLabel("Street address", { exact: true }).count()) > 0) {
        for (const [label, value] of Object.entries({ "Full name": "Ada Buyer", "Street address": "1 Trail Road", City: "Boulder", "Postal code": "80302", Country: "US" })) {
          await (label === "Country" ? page.getByLabel(label, { exact: true }).selectOption(value) : page.getByLabel(label, { exact: true }).fill(value));
        }
      }
      await page.getByRole("button", { name: /Place order/ }).click();
      await page.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}$/);
      await page.getByTestId("order-status").waitFor();
      await expectNoSideways(page, `${slug} order`);
      await page.screenshot({ path: path.join(ARTIFACTS, `phone-${slug}-order.png`), fullPage: true });

      await page.goto(`${base}no-such-page`);
      await expectNoSideways(page, `${slug} 404`);
    } finally {
      await context.close();
    }
  });
});
