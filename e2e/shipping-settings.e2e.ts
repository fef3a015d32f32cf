/**
 * Issue 22 point 2–3 in the dashboard (ADR 045): an owner of acme configures two shipping zones (a flat rate, and a
 * weight-band rate with free shipping over an amount) and a tax rate on the Shipping & tax tab, saves, and a reload
 * shows them; a bad band order is refused beside its field first. Screenshots at 390 and 1280 px go to
 * e2e/artifacts/shipping-settings-*.png.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { hydrated, watch } from "./browser-checks.ts";
import { openDatabase, type Database } from "#server/db/client.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { Client } from "#tests/http.ts";

const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

describe("shipping & tax settings in the dashboard, in Chromium", () => {
  let e2e: E2E;
  let db: Database;
  let tenantId: string;
  const ownerEmail = "owner@acme-shipping.test";

  beforeAll(async () => {
    e2e = await setupE2E(["acme"]);
    db = await openDatabase(e2e.dbUrl);
    tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
    const owner = await createUser(db.prisma, { email: ownerEmail });
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
  });

  async function signedInPage(size: keyof typeof VIEWPORTS) {
    const c = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await c.post("/api/auth/login", { email: ownerEmail, password: TEST_PASSWORD })).status).toBe(200);
    const ctx = await e2e.browser.newContext({ viewport: VIEWPORTS[size] });
    await ctx.addCookies([...c.cookies].map(([name, value]) => ({ name, value, url: e2e.platformUrl })));
    return { ctx, page: await ctx.newPage() };
  }
  const shot = async (page: Page, name: string) => (await page.evaluate(() => window.scrollTo(0, 0)), page.screenshot({ path: path.join(ARTIFACTS, `shipping-settings-${name}.png`), fullPage: true }));
  const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  it("configures two zones and tax, saves, and a reload shows them (1280 px)", async () => {
    const { ctx, page } = await signedInPage("desktop");
    const errors = watch(page);
    try {
      await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
      await hydrated(page);
      const overviewErrors = [...errors];
      await page.getByRole("navigation", { name: "Shop sections" }).getByRole("link", { name: "Shipping & tax" }).click();
      await page.waitForURL(/\/shipping$/);
      expect(overviewErrors, "the overview").toEqual([]);
      await page.reload();
      await hydrated(page);
      expect(errors, "the shipping page loaded on its own").toEqual([]);
      await page.getByText("No shipping zones").waitFor();

      await page.getByRole("button", { name: "Add shipping zone" }).click();
      await page.getByLabel("Zone name").nth(0).fill("Domestic");
      await page.locator("#shipping-zones-0-countries").selectOption("US");
      await page.getByLabel("Shipping price").nth(0).fill("5.00");

      await page.getByRole("button", { name: "Add shipping zone" }).click();
      await page.getByLabel("Zone name").nth(1).fill("Europe");
      await page.locator("#shipping-zones-1-countries").selectOption("DE");
      await page.locator("#shipping-zones-1-countries").selectOption("FR");
      await page.locator("#shipping-zones-1-rates-0-kind").selectOption("weight");
      await page.locator("#shipping-zones-1-rates-0-bands-0-upTo").fill("2000");
      await page.locator("#shipping-zones-1-rates-0-bands-0-amount").fill("9.00");
      await page.getByRole("button", { name: "Add band" }).click();
      // Out of order first: the schema's message appears beside the bands, and nothing is saved.
      await page.locator("#shipping-zones-1-rates-0-bands-1-upTo").fill("1000");
      await page.locator("#shipping-zones-1-rates-0-bands-1-amount").fill("14.00");
      await page.getByRole("button", { name: "Save shipping and tax" }).click();
      await page.getByText("List the bands from the smallest limit up.").waitFor();
      expect(await db.prisma.tenantShippingTax.findUnique({ where: { tenantId } })).toBeNull();
      await page.locator("#shipping-zones-1-rates-0-bands-1-upTo").fill("10000");
      await page.locator("#shipping-zones-1-rates-0-freeOver").fill("150");

      await page.getByRole("radio", { name: /Include tax/ }).check();
      await page.getByRole("button", { name: "Add tax rate" }).click();
      await page.locator("#shipping-taxRates-0-country").selectOption("DE");
      await page.locator("#shipping-taxRates-0-rateBps").fill("19");
      await page.getByRole("button", { name: "Save shipping and tax" }).click();
      await page.getByText("Shipping and tax saved").waitFor();

      const row = await db.prisma.tenantShippingTax.findUniqueOrThrow({ where: { tenantId } });
      expect(row.pricesIncludeTax).toBe(true);
      expect(row.taxRates).toEqual([{ country: "DE", category: null, rateBps: 1900 }]);
      expect((row.zones as Array<{ name: string; countries: string[] }>).map((z) => [z.name, z.countries])).toEqual([["Domestic", ["US"]], ["Europe", ["DE", "FR"]]]);
      expect((row.zones as Array<{ rates: unknown[] }>)[1]!.rates[0]).toMatchObject({ kind: "weight", bands: [{ upTo: "2000", amount: "9.00" }, { upTo: "10000", amount: "14.00" }], freeOver: "150" });

      await page.reload();
      await hydrated(page);
      expect(await page.getByTestId("zone-card").count()).toBe(2);
      expect(await page.getByTestId("zone-country-name").allInnerTexts()).toEqual(["United States US", "Germany DE", "France FR"]);
      expect(await page.locator("#shipping-taxRates-0-rateBps").inputValue()).toBe("19");
      expect(await page.getByRole("radio", { name: /Include tax/ }).isChecked()).toBe(true);
      expect(await pageWidth(page)).toBeLessThanOrEqual(VIEWPORTS.desktop.width);
      await shot(page, "desktop");
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it("shows the saved zones at 390 px without sideways scrolling", async () => {
    const { ctx, page } = await signedInPage("phone");
    const errors = watch(page);
    try {
      await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}/shipping`);
      await hydrated(page);
      expect(await page.getByTestId("zone-card").count()).toBe(2);
      expect(await pageWidth(page)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
      await shot(page, "phone");
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
