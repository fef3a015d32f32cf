/**
 * Issue 14 point 6 in Chromium: a buyer of bloom (whose demo manifest allows manual invoices and carries fictitious
 * bank details) checks out by invoice and sees the merchant's bank details with the order reference and copy buttons,
 * at desktop and phone size; the copy button really puts the reference on the clipboard (pasted back to check).
 * Screenshots go to e2e/artifacts/invoice-*.png.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { watch, expectAccessible, hydrated } from "./browser-checks.ts";
import { openDatabase, type Database } from "#server/db/client.ts";

const ADDRESS = { "Full name": "Ada Buyer", "Street address": "1 Trail Road", City: "Boulder", "Postal code": "80302", Country: "US" };
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

describe("manual invoice: the buyer sees the shop's bank details, in Chromium", () => {
  let e2e: E2E;
  let db: Database;
  let itemId: string;

  beforeAll(async () => {
    e2e = await setupE2E(["bloom"], { RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000" });
    db = await openDatabase(e2e.dbUrl);
    itemId = (await db.prisma.catalogItem.findFirstOrThrow({ where: { title: "Spring Tulip Bouquet", tenant: { slug: "bloom" } }, select: { id: true } })).id;
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
  });

  async function checkoutByInvoice(page: Page, email: string) {
    await page.goto(e2e.shopUrl("bloom"));
    await page.evaluate((id) => localStorage.setItem(`cart:v1:${location.host}`, JSON.stringify({ lines: [{ itemId: id, quantity: 1 }] })), itemId);
    await page.goto(`${e2e.shopUrl("bloom")}checkout`);
    await hydrated(page);
    await page.getByTestId("checkout-line").first().waitFor();
    await page.getByLabel("Email").fill(email);
    for (const [label, value] of Object.entries(ADDRESS)) await (label === "Country" ? page.getByLabel(label, { exact: true }).selectOption(value) : page.getByLabel(label, { exact: true }).fill(value));
    await page.getByRole("radio", { name: /invoice/i }).check();
    await page.getByLabel(/no escrow protection/).check();
    await page.getByRole("button", { name: /Place order/ }).click();
    await page.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}$/, { timeout: 15_000 });
    await page.locator("[data-testid=order-status][data-status=pending_payment]").waitFor();
  }

  for (const size of ["desktop", "phone"] as const) {
    it(`shows the bank details with the reference and copy buttons (${size})`, async () => {
      const context = await e2e.browser.newContext({ viewport: VIEWPORTS[size], hasTouch: size === "phone", isMobile: size === "phone" });
      const page = await context.newPage();
      const errors = watch(page);
      try {
        const email = `invoice-${size}@buyer.test`;
        await checkoutByInvoice(page, email);
        const order = await db.prisma.order.findFirstOrThrow({ where: { guestEmail: email }, select: { id: true, rail: true } });
        expect(order.rail).toBe("manual_invoice");
        const reference = `BLOOM ${order.id.slice(0, 8).toUpperCase()}`;
        const panel = page.getByTestId("invoice-details");
        await panel.waitFor();
        for (const text of ["Bloom & Stem Florists Ltd", "GB33 BUKB 2020 1555 5555 55", "Example Bank (demo)", reference, "these bank details are fictitious"]) {
          await expect(panel.getByText(text, { exact: false }).first().isVisible()).resolves.toBe(true);
        }
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(ARTIFACTS, `invoice-order-${size}.png`), fullPage: true });

        // Copy the reference, then paste it into a scratch field: what the buyer pastes in their banking app.
        const copy = panel.getByRole("button", { name: "Copy reference" });
        await (size === "phone" ? copy.tap() : copy.click());
        await panel.getByText("Copied").waitFor();
        await page.screenshot({ path: path.join(ARTIFACTS, `invoice-copied-${size}.png`) });
        await page.evaluate(() => {
          const t = document.createElement("textarea");
          t.id = "paste-check";
          document.body.appendChild(t);
          t.focus();
        });
        await page.keyboard.press("Control+V");
        await expect(page.locator("#paste-check").inputValue()).resolves.toBe(reference);
        await page.evaluate(() => document.getElementById("paste-check")?.remove());
        await expectAccessible(page, `invoice order page (${size})`);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
