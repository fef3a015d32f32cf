/**
 * Issue 6 end to end, on a 390×844 phone and on a desktop: the merchant adds an item with an image in the
 * dashboard; a buyer searches for it, opens it, adds it to the cart, and the cart survives a reload.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { PNG_1x1 } from "#tests/images.ts";
import { watch, hydrated } from "./browser-checks.ts";

const VIEWPORTS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 900 },
];


describe("merchant adds an item with an image; a buyer finds it and keeps it in the cart", () => {
  let e2e: E2E;
  let tenantId: string;
  let email: string;
  beforeAll(async () => {
    e2e = await setupE2E(["acme"]);
    const db = await openDatabase(e2e.dbUrl);
    try {
      const user = await createUser(db.prisma, { email: "owner@acme-e2e.test" });
      email = user.email;
      tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
      await db.prisma.tenantUserRole.create({ data: { tenantId, userId: user.id, role: "owner" } });
    } finally {
      await db.close();
    }
  });
  afterAll(async () => e2e?.teardown());

  for (const vp of VIEWPORTS) {
    it(`works on ${vp.name} (${vp.width}×${vp.height})`, async () => {
      const title = `Glacier Lantern ${vp.name}`;
      const shot = (p: Page, step: string) => p.screenshot({ path: path.join(ARTIFACTS, `catalog-e2e-${vp.name}-${step}.png`), fullPage: true });

      const merchant = await e2e.browser.newContext({ viewport: vp });
      const m = await merchant.newPage();
      const mErrors = watch(m);
      await m.goto(`${e2e.platformUrl}/login`);
      await m.getByLabel("Email").fill(email);
      await m.getByLabel("Password").fill(TEST_PASSWORD);
      await m.getByRole("button", { name: "Sign in" }).click();
      await m.waitForURL(/\/dashboard/);
      await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}/catalog/new`);
      await hydrated(m);
      await m.getByLabel("Title", { exact: true }).fill(title);
      await m.getByLabel("Price", { exact: true }).fill("59.00");
      await m.getByLabel("Stock", { exact: true }).fill("5");
      await m.getByLabel("Category").fill("Lighting");
      // Issue 22 point 6: product data and search-engine fields, in their own cards.
      await m.getByLabel("SKU").fill(`GL-${vp.name}`);
      await m.getByLabel("Compare-at price").fill("79.00");
      await m.getByLabel("Weight").fill("800");
      await m.getByLabel(/^URL/).fill(`Glacier Lantern ${vp.name}!`);
      await m.getByLabel("Page title").fill("Glacier lantern, hand blown");
      await m.getByLabel("Add images").setInputFiles({ name: "lantern.jpg", mimeType: "image/jpeg", buffer: PNG_1x1 });
      await shot(m, "1-merchant-new-item");
      await m.getByRole("button", { name: "Create item" }).click();
      await m.waitForURL(/\/catalog\/[0-9a-f-]{36}/).catch(async () => {
        await shot(m, "debug");
        throw new Error("no redirect after create");
      });
      await m.getByText(/Item created/i).first().waitFor();
      await shot(m, "2-merchant-created");
      expect(mErrors).toEqual([]);

      const buyer = await e2e.browser.newContext({ viewport: vp });
      const b = await buyer.newPage();
      const bErrors = watch(b);
      await b.goto(e2e.shopUrl("acme"));
      await hydrated(b);
      await b.getByRole("searchbox", { name: "Search products" }).fill("glacier");
      await b.getByRole("searchbox", { name: "Search products" }).press("Enter");
      await b.waitForURL(/q=glacier/);
      const link = b.getByRole("link", { name: new RegExp(title) }).first();
      await link.waitFor();
      await shot(b, "3-buyer-search");
      await link.click();
      // The readable URL, normalised from what the merchant typed; the compare-at price struck through.
      await b.waitForURL(new RegExp(`/items/glacier-lantern-${vp.name}$`));
      await hydrated(b);
      expect(await b.getByTestId("item-compare-at").textContent()).toBe("$79.00");
      expect(await b.title()).toContain("Glacier lantern, hand blown");
      const img = b.locator("main img[src^='/media/']").first();
      await img.waitFor();
      expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
      await b.getByRole("button", { name: /Add to cart/ }).click();
      await b.getByTestId("cart-count").filter({ hasText: "1" }).first().waitFor();
      await shot(b, "4-buyer-item");
      await b.goto(new URL("/cart", e2e.shopUrl("acme")).href);
      await b.getByText(title).first().waitFor();
      await b.reload();
      await hydrated(b);
      await b.getByText(title).first().waitFor();
      expect(await b.getByText("$59.00").count()).toBeGreaterThan(0);
      await shot(b, "5-buyer-cart-after-reload");
      expect(bErrors).toEqual([]);
      await Promise.all([merchant.close(), buyer.close()]);
    });
  }
});
