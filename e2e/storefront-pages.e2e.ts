/**
 * Storefront pages telling the buyer the truth and holding still (issue 21): adding past the stock says what was
 * added and why; a bad path inside a shop is the shop's own 404; the Telegram Mini App keeps its compact frame on
 * every page it opens; the item page does not shift after load; no page scrolls sideways on a phone; the live
 * shop's preview on the platform host says it is live and lists its products. Screenshots: pages-*.png.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { expectAccessible, hydrated, watch } from "./browser-checks.ts";
import { openDatabase, type Database } from "#server/db/client.ts";
import { startApp } from "#tests/app.ts";
import { startLatencyProxy } from "./latency-proxy.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const ADDRESS = { name: "Ada Buyer", line1: "1 Trail Road", city: "Boulder", postalCode: "80302", country: "US" };

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `pages-${name}.png`), fullPage: true });
}

const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe("storefront pages", () => {
  let e2e: E2E;
  let db: Database;
  const item = async (title: string) => (await db.prisma.catalogItem.findFirstOrThrow({ where: { title }, select: { id: true } })).id;

  beforeAll(async () => {
    e2e = await setupE2E(["acme", "nova"], { PAYMENTS_SANDBOX: "true" });
    db = await openDatabase(e2e.dbUrl);
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
  });

  it("adding more than the stock allows says how many were added and why", async () => {
    const context = await e2e.browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const errors = watch(page);
    // Canyon 2-Person Tent: 6 in stock.
    await page.goto(`${e2e.shopUrl("acme")}items/${await item("Canyon 2-Person Tent")}`);
    await hydrated(page);
    const quantity = page.getByLabel("Quantity", { exact: true });
    const add = page.getByRole("button", { name: "Add to cart" });
    const status = page.getByTestId("add-to-cart-status");
    await quantity.fill("2");
    await add.click();
    await status.filter({ hasText: "Added 2 to your cart." }).waitFor();
    // 99 asked: the stepper stops at the stock, and only 4 more fit next to the 2 already in the cart.
    await quantity.fill("99");
    expect(await quantity.inputValue()).toBe("6");
    await add.click();
    await status.filter({ hasText: "Added 4 — you now have 6, the most available." }).waitFor();
    await add.click();
    await status.filter({ hasText: "You already have the most we can sell you (6)." }).waitFor();
    expect(await page.getByTestId("cart-count").textContent()).toContain("6");
    await expectAccessible(page, "item page after a capped add");
    await shot(page, "item-capped-add-1280");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a bad path inside a shop is the shop's branded 404 with a way home, and the console stays clean", async () => {
    const context = await e2e.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const errors = watch(page);
    const res = await page.goto(`${e2e.shopUrl("acme")}no-such-page`);
    expect(res?.status()).toBe(404);
    await hydrated(page);
    expect((await page.getByTestId("shop-name").first().textContent())?.trim()).toBe("Acme Outfitters");
    await page.getByRole("heading", { name: "We couldn’t find that" }).waitFor();
    const home = page.getByRole("link", { name: "Back to Acme Outfitters" });
    expect(await home.getAttribute("href")).toBe("/");
    expect(await page.title()).toContain("Acme Outfitters");
    await expectAccessible(page, "shop 404");
    await shot(page, "404-390");
    await page.setViewportSize(DESKTOP);
    await shot(page, "404-1280");
    await home.click();
    await page.getByRole("heading", { name: "Gear for every trail since 1987" }).waitFor();
    // The platform host keeps its plain page; neither logs "You cannot useLoaderData in an errorElement".
    const platform = await page.goto(`${e2e.platformUrl}/no-such-page`);
    expect(platform?.status()).toBe(404);
    await hydrated(page);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("pages opened from the Telegram Mini App keep its compact frame and Telegram's back button", async () => {
    const context = await e2e.browser.newContext({ viewport: PHONE });
    // Stand in for the Telegram client's native bridge and record what the page asks of it.
    await context.addInitScript(() => {
      const w = window as unknown as { __tgEvents: [string, string | null][]; TelegramWebviewProxy: unknown };
      w.__tgEvents = [];
      w.TelegramWebviewProxy = { postEvent: (type: string, data?: string) => w.__tgEvents.push([type, data ?? null]) };
    });
    const page = await context.newPage();
    const errors = watch(page);
    const events = () => page.evaluate(() => (window as unknown as { __tgEvents: [string, string | null][] }).__tgEvents);
    const frame = page.locator('[data-layout="telegram"]');
    await page.goto(`${e2e.shopUrl("acme")}telegram`);
    await hydrated(page);
    await frame.waitFor();
    await page.getByTestId("catalog-grid").getByRole("link", { name: "Canyon 2-Person Tent" }).click();
    await page.waitForURL(/\/items\//);
    await page.getByRole("heading", { name: "Canyon 2-Person Tent", level: 1 }).waitFor();
    expect(await frame.count()).toBe(1);
    expect(await page.locator("footer").count()).toBe(0);
    expect(await page.locator("header").first().evaluate((el) => el.getBoundingClientRect().height)).toBe(48);
    await expect.poll(events).toContainEqual(["web_app_setup_back_button", JSON.stringify({ is_visible: true })]);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await expectAccessible(page, "item page in the Mini App");
    await shot(page, "telegram-item-390");
    // Telegram's back button goes back to the catalog, which hides it again.
    await page.evaluate(() => window.Telegram?.WebView?.receiveEvent?.("back_button_pressed"));
    await page.waitForURL(/\/telegram$/);
    await expect.poll(events).toContainEqual(["web_app_setup_back_button", JSON.stringify({ is_visible: false })]);
    // The cart, and a reload inside the launch, stay compact too.
    await page.getByRole("link", { name: /Cart/ }).click();
    await page.waitForURL(/\/cart$/);
    await page.getByRole("heading", { name: "Your cart" }).waitFor();
    expect(await frame.count()).toBe(1);
    await page.reload();
    await hydrated(page);
    await frame.waitFor();
    expect(errors).toEqual([]);
    await context.close();
    // A buyer on the web (no Mini App launch in this tab) keeps the full layout.
    const web = await e2e.browser.newPage({ viewport: PHONE });
    await web.goto(`${e2e.shopUrl("acme")}items/${await item("Canyon 2-Person Tent")}`);
    await hydrated(web);
    expect(await web.locator('[data-layout="telegram"]').count()).toBe(0);
    expect(await web.locator("footer").count()).toBe(1);
    await web.close();
  });

  it("the item page holds still while it loads at 1280×900: cumulative layout shift under 0.1", async () => {
    // The same database 80 ms further away, so the streamed "You may also like" arrives after the first paint as
    // it does in production; and a browser with real scrollbars (Playwright hides them), as a buyer's Chrome has.
    const dbUrl = new URL(e2e.dbUrl);
    const proxy = await startLatencyProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) }, 80);
    dbUrl.port = String(proxy.port);
    const slow = await startApp({ DATABASE_URL: dbUrl.toString(), REDIS_PREFIX: `e2eslow${Date.now()}:`, PLATFORM_DOMAIN, PAYMENTS_SANDBOX: "true" });
    const browser: Browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      ignoreDefaultArgs: ["--hide-scrollbars"],
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", `--host-resolver-rules=MAP *.${PLATFORM_DOMAIN} 127.0.0.1`],
    });
    try {
      for (const title of ["Backcountry Map Pack", "Canyon 2-Person Tent"]) {
        const context = await browser.newContext({ viewport: DESKTOP });
        const page = await context.newPage();
        const errors = watch(page);
        await page.addInitScript(() => {
          const w = window as unknown as { __cls: number };
          w.__cls = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
              if (!entry.hadRecentInput) w.__cls += entry.value;
            }
          }).observe({ type: "layout-shift", buffered: true });
        });
        await page.goto(`http://acme.${PLATFORM_DOMAIN}:${slow.port}/items/${await item(title)}`, { waitUntil: "load" });
        await hydrated(page);
        await page.getByRole("heading", { name: "You may also like" }).waitFor();
        await page.waitForTimeout(1_000);
        const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
        expect(cls, `CLS of ${title}`).toBeLessThan(0.1);
        await expectAccessible(page, `item page ${title}`);
        expect(errors).toEqual([]);
        await context.close();
      }
    } finally {
      await browser.close();
      await slow.stop();
      await proxy.close();
    }
  });

  it("no storefront page scrolls sideways at 390 px: home, item, cart, order", async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const context = await e2e.browser.newContext({ viewport });
      const page = await context.newPage();
      const errors = watch(page);
      const shop = e2e.shopUrl("acme");
      const tent = await item("Canyon 2-Person Tent");
      const check = async (name: string) => {
        await hydrated(page);
        expect(await sidewaysOverflow(page), `${name} at ${viewport.width}px`).toBeLessThanOrEqual(0);
        await shot(page, `${name}-${viewport.width}`);
      };
      await page.goto(shop);
      await page.getByRole("heading", { name: "Gear for every trail since 1987" }).waitFor();
      await check("home");
      await page.goto(`${shop}items/${tent}`);
      await page.getByRole("heading", { name: "You may also like" }).waitFor();
      await check("item");
      await page.getByRole("button", { name: "Add to cart" }).click();
      await page.getByRole("link", { name: "View cart" }).click();
      await page.getByTestId("cart-line").waitFor();
      await page.getByTestId("cart-subtotal").waitFor();
      // acme's checkout preselects escrow, so the cart may say so (a direct-default shop's may not: tests/escrow-claim.test.ts).
      await page.getByText("Protected by escrow").waitFor();
      await check("cart");
      // An order through the storefront API, as the checkout page places it.
      const placed = await page.evaluate(
        async ({ itemId, address }) => {
          const res = await fetch("/api/storefront/checkout", {
            method: "POST",
            headers: { "Content-Type": "application/json", "Idempotency-Key": `pages-${Date.now()}-${Math.random().toString(36).slice(2)}` },
            body: JSON.stringify({ items: [{ itemId, quantity: 1 }], email: "ada@buyer.test", rail: "escrow", shippingAddress: address }),
          });
          return (await res.json()) as { data: { orderPath: string } };
        },
        { itemId: tent, address: ADDRESS },
      );
      await page.goto(`${shop}${placed.data.orderPath.slice(1)}`);
      await page.getByTestId("order-status").waitFor();
      await check("order");
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it("the live shop's preview says where it is live and lists its products", async () => {
    const operator = await createUser(db.prisma, { operator: true });
    for (const viewport of [PHONE, DESKTOP]) {
      const context = await e2e.browser.newContext({ viewport });
      const page = await context.newPage();
      const errors = watch(page);
      await page.goto(`${e2e.platformUrl}/login`);
      await hydrated(page);
      await page.getByLabel("Email").fill(operator.email);
      await page.getByLabel("Password").fill(TEST_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/(dashboard|ops)/);
      await page.goto(`${e2e.platformUrl}/t/acme`);
      await hydrated(page);
      const banner = page.getByTestId("preview-banner");
      await banner.filter({ hasText: "this shop is live at" }).waitFor();
      expect(await banner.getByRole("link").getAttribute("href")).toBe(e2e.shopUrl("acme"));
      await page.getByTestId("catalog-grid").getByText("Canyon 2-Person Tent").waitFor();
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      await expectAccessible(page, `preview at ${viewport.width}px`);
      await shot(page, `preview-${viewport.width}`);
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});
