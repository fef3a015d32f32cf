/**
 * A paused shop (ADR 032) in Chromium: every storefront page shows the banner at 390 px and 1280 px, without sideways
 * scroll. Screenshots: paused-*.png.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";

describe("paused shop", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await setupE2E(["acme"]);
    // Before the first request, so no instance has the shop cached yet.
    const db = await openDatabase(e2e.dbUrl);
    try {
      await db.prisma.tenant.update({ where: { slug: "acme" }, data: { acceptingOrders: false } });
    } finally {
      await db.close();
    }
  });
  afterAll(async () => {
    await e2e?.teardown();
  });

  for (const [name, viewport] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1280, height: 900 }]] as const) {
    it(`shows the paused banner on the home page (${name})`, async () => {
      const context = await e2e.browser.newContext({ viewport });
      const page = await context.newPage();
      try {
        expect((await page.goto(e2e.shopUrl("acme"), { waitUntil: "load" }))?.status()).toBe(200);
        const banner = page.getByTestId("paused-banner");
        await banner.waitFor();
        expect(await banner.textContent()).toContain("not taking new orders");
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(ARTIFACTS, `paused-${name}.png`), fullPage: false });
      } finally {
        await context.close();
      }
    });
  }
});
