import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";

const SHOPS = [
  { slug: "acme", name: "Acme Outfitters", primary: "rgb(20, 83, 45)" }, // #14532d
  { slug: "nova", name: "Nova Digital", primary: "rgb(76, 29, 149)" }, // #4c1d95
];

describe("storefront branding per tenant host", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await setupE2E();
  });
  afterAll(async () => {
    await e2e?.teardown();
  });

  it("shows each shop's own brand name and primary colour", async () => {
    const seen: { name: string; primary: string }[] = [];
    for (const shop of SHOPS) {
      const page = await e2e.browser.newPage();
      // CSP violations and hydration failures surface as console errors: the page must have none.
      const consoleErrors: string[] = [];
      page.on("console", (msg) => msg.type() === "error" && consoleErrors.push(msg.text()));
      page.on("pageerror", (err) => consoleErrors.push(err.message));
      try {
        const res = await page.goto(e2e.shopUrl(shop.slug), { waitUntil: "load" });
        expect(res?.status()).toBe(200);
        const name = (await page.getByTestId("shop-name").first().textContent())?.trim() ?? "";
        const primary = await page.locator("header").first().evaluate((el) => getComputedStyle(el).backgroundColor);
        await page.screenshot({ path: path.join(ARTIFACTS, `${shop.slug}.png`), fullPage: true });
        expect(name).toBe(shop.name);
        expect(primary).toBe(shop.primary);
        await page.waitForFunction(() => (window as Window & { __remixContext?: unknown }).__remixContext !== undefined);
        expect(consoleErrors).toEqual([]);
        seen.push({ name, primary });
      } finally {
        await page.close();
      }
    }
    expect(seen[0]!.name).not.toBe(seen[1]!.name);
    expect(seen[0]!.primary).not.toBe(seen[1]!.primary);
  });
});
