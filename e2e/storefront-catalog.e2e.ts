/**
 * The buyer's storefront in Chromium on every demo shop: catalog, item page, cart and checkout placeholder are
 * accessible (axe: no serious or critical violations), a buyer on a phone and on a desktop can search → open →
 * add to cart → reload and keep the cart, stale carts are repaired, pagination follows the keyset cursor, and each
 * host serves its own SEO tags, robots.txt and sitemap. Any console error (CSP refusal, hydration failure) fails.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContextOptions, Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { get } from "#tests/app.ts";
import { expectAccessible } from "./browser-checks.ts";


const SHOPS = [
  { slug: "acme", name: "Acme Outfitters", primary: "rgb(20, 83, 45)" },
  { slug: "nova", name: "Nova Digital", primary: "rgb(76, 29, 149)" },
  { slug: "bloom", name: "Bloom & Co", primary: "rgb(252, 231, 243)" },
];
const MOBILE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `catalog-${name}.png`), fullPage: true });

/** Console errors and uncaught exceptions; `allow` lists expected ones (the browser logs every 404 it loads). */
function watchConsole(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  return {
    errors,
    unexpected: (allow: RegExp[] = []) => errors.filter((e) => !allow.some((a) => a.test(e))),
  };
}
const RESOURCE_404 = /Failed to load resource: the server responded with a status of 404/;

/** React has hydrated the page (its fiber is attached to the header), so client handlers are live. */
async function waitForHydration(page: Page) {
  await page.waitForFunction(() => {
    const el = document.querySelector("header");
    return Boolean(el && Object.keys(el).some((k) => k.startsWith("__reactFiber")));
  });
}


describe("buyer storefront: catalog, item page, cart", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await setupE2E();
  });
  afterAll(async () => {
    await e2e?.teardown();
  });

  it("catalog, item page, cart and checkout are accessible and branded on every demo shop", async () => {
    for (const shop of SHOPS) {
      for (const [device, options] of [["desktop", DESKTOP], ["mobile", MOBILE]] as const) {
        const context = await e2e.browser.newContext(options);
        const page = await context.newPage();
        const log = watchConsole(page);
        try {
          expect((await page.goto(e2e.shopUrl(shop.slug)))?.status()).toBe(200);
          await waitForHydration(page);
          expect((await page.getByTestId("shop-name").first().textContent())?.trim()).toBe(shop.name);
          expect(await page.locator("header").first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(shop.primary);
          expect(await page.getByTestId("catalog-grid").getByRole("listitem").count()).toBeGreaterThan(3);
          await expectAccessible(page, `${shop.slug} catalog (${device})`);
          await shot(page, `${shop.slug}-${device}-1-home`);

          await page.getByTestId("catalog-grid").getByRole("link").first().click();
          await page.waitForURL(/\/items\/[^/?#]+$/);
          await page.getByRole("button", { name: "Add to cart" }).waitFor();
          await expectAccessible(page, `${shop.slug} item page (${device})`);
          await shot(page, `${shop.slug}-${device}-2-item`);

          await page.getByRole("button", { name: "Add to cart" }).click();
          await page.getByText(/Added 1 to your cart/).waitFor();
          await page.getByRole("link", { name: "View cart" }).click();
          await page.waitForURL(/\/cart$/);
          await page.getByTestId("cart-line").first().waitFor();
          await expectAccessible(page, `${shop.slug} cart (${device})`);
          await shot(page, `${shop.slug}-${device}-3-cart`);

          await page.getByRole("link", { name: /Checkout/ }).click();
          await page.getByRole("heading", { name: "Checkout", exact: true }).waitFor();
          await page.getByTestId("checkout-line").first().waitFor();
          await expectAccessible(page, `${shop.slug} checkout (${device})`);
          if (device === "desktop") await shot(page, `${shop.slug}-${device}-4-checkout`);
          expect(log.unexpected()).toEqual([]);
        } finally {
          await context.close();
        }
      }
    }
  }, 180_000); // a walk over every shop × two devices × four pages with accessibility checks: a deadline, not a timing assertion

  for (const [device, options] of [["mobile", MOBILE], ["desktop", DESKTOP]] as const) {
    it(`a buyer on ${device} searches, opens an item, adds it to the cart and still has it after a reload`, async () => {
      const context = await e2e.browser.newContext(options);
      const page = await context.newPage();
      const log = watchConsole(page);
      try {
        await page.goto(e2e.shopUrl("acme"));
        await waitForHydration(page);
        await page.getByRole("searchbox", { name: "Search products" }).fill("tent");
        await page.getByRole("searchbox", { name: "Search products" }).press("Enter");
        await page.waitForURL(/\?q=tent$/);
        await page.getByRole("heading", { name: "Results for “tent”" }).waitFor();
        const results = page.getByTestId("catalog-grid").getByRole("link");
        expect(await results.allTextContents()).toEqual(["Canyon 2-Person Tent"]);
        await shot(page, `flow-${device}-1-search`);

        await results.first().click();
        await page.waitForURL(/\/items\/[^/?#]+$/);
        await page.getByRole("heading", { level: 1, name: "Canyon 2-Person Tent" }).waitFor();
        expect(await page.getByTestId("item-price").textContent()).toBe("$349.00");
        await page.getByText("In stock").waitFor();
        await page.getByText("Up to 6 per order.").waitFor();
        const quantity = page.getByRole("spinbutton", { name: "Quantity" });
        // The stepper stops at the stock (6).
        for (let i = 0; i < 8; i++) if (await page.getByRole("button", { name: "Increase quantity" }).isEnabled()) await page.getByRole("button", { name: "Increase quantity" }).click();
        expect(await quantity.inputValue()).toBe("6");
        await page.getByRole("button", { name: "Decrease quantity" }).click();
        await page.getByRole("button", { name: "Decrease quantity" }).click();
        await page.getByRole("button", { name: "Decrease quantity" }).click();
        await page.getByRole("button", { name: "Decrease quantity" }).click();
        expect(await quantity.inputValue()).toBe("2");
        await page.getByRole("button", { name: "Add to cart" }).click();
        await page.getByText(/Added 2 to your cart/).waitFor();
        expect(await page.getByTestId("cart-count").textContent()).toBe("2 items");
        await shot(page, `flow-${device}-2-added`);

        await page.getByRole("link", { name: "View cart" }).click();
        await page.waitForURL(/\/cart$/);
        const line = page.getByTestId("cart-line");
        await line.first().waitFor();
        expect(await line.count()).toBe(1);
        expect(await line.getByRole("link", { name: "Canyon 2-Person Tent" }).count()).toBe(1);
        expect(await page.getByTestId("cart-subtotal").textContent()).toBe("$698.00");

        await page.reload();
        await waitForHydration(page);
        await line.first().waitFor();
        expect(await line.count()).toBe(1);
        expect(await line.getByRole("link", { name: "Canyon 2-Person Tent" }).count()).toBe(1);
        expect(await page.getByRole("spinbutton", { name: "Quantity of Canyon 2-Person Tent" }).inputValue()).toBe("2");
        expect(await page.getByTestId("cart-subtotal").textContent()).toBe("$698.00");
        expect(await page.getByTestId("cart-count").textContent()).toBe("2 items");
        await shot(page, `flow-${device}-3-cart-after-reload`);

        // Quantities change the subtotal exactly; removing the last line empties the cart.
        await page.getByRole("button", { name: "Increase quantity of Canyon 2-Person Tent" }).click();
        expect(await page.getByTestId("cart-subtotal").textContent()).toBe("$1,047.00");
        await page.getByRole("button", { name: /Remove/ }).click();
        await page.getByText("Your cart is empty.").waitFor();
        expect(log.unexpected()).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it("adds to the cart through the plain form before JavaScript has loaded", async () => {
    const context = await e2e.browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(`${e2e.shopUrl("bloom")}?q=vase`);
      await page.getByTestId("catalog-grid").getByRole("link", { name: "Ceramic Bud Vase" }).click();
      await page.waitForURL(/\/items\//);
      expect(await page.getByTestId("item-price").textContent()).toBe("€24.00");
      await page.getByRole("button", { name: "Add to cart" }).click();
      await page.waitForURL(/\/cart\?add=[0-9a-f-]{36}&qty=1$/);
    } finally {
      await context.close();
    }
    // The same URL with JavaScript: the line lands in the cart and the URL is cleaned so a reload adds nothing.
    const js = await e2e.browser.newContext(DESKTOP);
    const p = await js.newPage();
    const log = watchConsole(p);
    try {
      const item = JSON.parse((await get(e2e.app, `bloom.${PLATFORM_DOMAIN}`, "/api/storefront/catalog?q=vase")).body);
      await p.goto(`${e2e.shopUrl("bloom")}cart?add=${item.data.items[0].id}&qty=3`);
      await p.waitForURL(/\/cart$/);
      await p.getByTestId("cart-line").first().waitFor();
      expect(await p.getByTestId("cart-subtotal").textContent()).toBe("€72.00");
      await p.reload();
      await p.getByTestId("cart-line").first().waitFor();
      expect(await p.getByTestId("cart-subtotal").textContent()).toBe("€72.00");
      expect(log.unexpected()).toEqual([]);
    } finally {
      await js.close();
    }
  });

  it("repairs a stale cart: gone items dropped, prices refreshed, quantities clamped to stock", async () => {
    const context = await e2e.browser.newContext(DESKTOP);
    const page = await context.newPage();
    const log = watchConsole(page);
    try {
      await page.goto(e2e.shopUrl("acme"));
      const catalog = JSON.parse((await get(e2e.app, `acme.${PLATFORM_DOMAIN}`, "/api/storefront/catalog?q=tent")).body);
      const tent = catalog.data.items[0];
      await page.evaluate(
        ({ tentId, goneId }) => {
          const line = (itemId: string, quantity: number, title: string, price: string) => ({ itemId, quantity, title, price, currency: "USD", imageUrl: null, imageAlt: null, maxQuantity: null });
          localStorage.setItem(`cart:v1:${location.host}`, JSON.stringify({ lines: [line(goneId, 1, "Discontinued Lantern", "10.00"), line(tentId, 50, "Canyon 2-Person Tent", "300.00")] }));
        },
        { tentId: tent.id, goneId: randomUUID() },
      );
      await page.goto(`${e2e.shopUrl("acme")}cart`);
      await page.getByText("Discontinued Lantern is no longer available and was removed from your cart.").waitFor();
      await page.getByText("The price of Canyon 2-Person Tent changed from $300.00 to $349.00.").waitFor();
      await page.getByText("Only 6 of Canyon 2-Person Tent are available, so your cart now holds 6.").waitFor();
      expect(await page.getByTestId("cart-line").count()).toBe(1);
      expect(await page.getByTestId("cart-subtotal").textContent()).toBe("$2,094.00");
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem(`cart:v1:${location.host}`) ?? "null"));
      expect(stored.lines).toMatchObject([{ itemId: tent.id, quantity: 6, price: "349", maxQuantity: 6 }]);
      await shot(page, "stale-cart-repaired");
      // The only error is the browser's own log line for the gone item's 404.
      expect(log.unexpected([RESOURCE_404])).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows a friendly branded 404 for unknown and inactive items, and a no-results state", async () => {
    const db = await openDatabase(e2e.dbUrl);
    let inactiveId: string;
    try {
      const item = await db.prisma.catalogItem.findFirstOrThrow({ where: { tenant: { slug: "nova" }, title: "Motion Presets Pack" }, select: { id: true } });
      await db.prisma.catalogItem.update({ where: { id: item.id }, data: { active: false } });
      inactiveId = item.id;
    } finally {
      await db.close();
    }
    const context = await e2e.browser.newContext(MOBILE);
    const page = await context.newPage();
    const log = watchConsole(page);
    try {
      for (const id of [randomUUID(), inactiveId, "not-a-uuid"]) {
        expect((await page.goto(`${e2e.shopUrl("nova")}items/${id}`))?.status()).toBe(404);
        await page.getByRole("heading", { name: "We couldn’t find that" }).waitFor();
        expect(await page.locator("header").first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(76, 29, 149)");
      }
      await waitForHydration(page);
      await expectAccessible(page, "nova 404");
      await shot(page, "nova-404");
      const sitemap = await get(e2e.app, `nova.${PLATFORM_DOMAIN}`, "/sitemap.xml");
      expect(sitemap.body).not.toContain(inactiveId);

      await page.goto(`${e2e.shopUrl("nova")}?q=zeppelin`);
      await page.getByText("No products match “zeppelin”.").waitFor();
      await expectAccessible(page, "nova no results");
      await shot(page, "nova-no-results");
      expect(log.unexpected([RESOURCE_404])).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("serves the Telegram Mini App layout: safe-area viewport, compact header, two columns", async () => {
    for (const shop of SHOPS) {
      const context = await e2e.browser.newContext(MOBILE);
      const page = await context.newPage();
      const log = watchConsole(page);
      try {
        expect((await page.goto(`${e2e.shopUrl(shop.slug)}telegram`))?.status()).toBe(200);
        await waitForHydration(page);
        expect(await page.locator('meta[name="viewport"]').getAttribute("content")).toContain("viewport-fit=cover");
        expect(await page.locator('meta[name="viewport"]').count()).toBe(1);
        const columns = await page.getByTestId("catalog-grid").evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(" ").length);
        expect(columns).toBe(2);
        const headerHeight = await page.locator("header").first().evaluate((el) => el.getBoundingClientRect().height);
        expect(headerHeight).toBeLessThanOrEqual(64);
        expect(await page.locator("#hero-heading").count()).toBe(0);
        await expectAccessible(page, `${shop.slug} telegram`);
        await shot(page, `${shop.slug}-telegram`);
        expect(log.unexpected()).toEqual([]);
      } finally {
        await context.close();
      }
    }
  });

  it("gives each shop host its own title, og tags, canonical, robots.txt and sitemap; the platform host has no storefront", async () => {
    const acme = `acme.${PLATFORM_DOMAIN}`;
    const home = await get(e2e.app, acme, "/");
    expect(home.body).toContain("<title>Acme Outfitters — Gear for every trail since 1987</title>");
    expect(home.body).toContain('<link rel="canonical" href="https://acme.shop.test/"/>');
    expect(home.body).toContain('<meta property="og:url" content="https://acme.shop.test/"/>');
    expect(home.body).toContain('<meta property="og:title" content="Acme Outfitters"/>');

    const sitemap = await get(e2e.app, acme, "/sitemap.xml");
    expect(sitemap.status).toBe(200);
    expect(sitemap.headers["content-type"]).toBe("application/xml; charset=utf-8");
    const locs = [...sitemap.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
    expect(locs[0]).toBe("https://acme.shop.test/");
    expect(locs.slice(1)).toHaveLength(7);
    for (const loc of locs.slice(1)) expect(loc).toMatch(/^https:\/\/acme\.shop\.test\/items\/[a-z0-9-]+$/);
    expect(sitemap.body).toMatch(/<lastmod>\d{4}-\d\d-\d\dT/);
    // Only this shop's items.
    const nova = await get(e2e.app, `nova.${PLATFORM_DOMAIN}`, "/sitemap.xml");
    for (const loc of locs.slice(1)) expect(nova.body).not.toContain(loc.split("/items/")[1]);

    const itemPath = new URL(locs[1]!).pathname;
    const item = await get(e2e.app, acme, itemPath);
    expect(item.status).toBe(200);
    expect(item.body).toContain(`<link rel="canonical" href="https://acme.shop.test${itemPath}"/>`);
    expect(item.body).toContain('<meta property="og:type" content="product"/>');
    expect(item.body).toMatch(/<title>[^<]+ · Acme Outfitters<\/title>/);
    expect(item.body).toMatch(/<meta property="og:description" content="[^"]+"\/>/);

    const robots = await get(e2e.app, acme, "/robots.txt");
    expect(robots.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(robots.body).toContain("Allow: /");
    expect(robots.body).toContain("Sitemap: https://acme.shop.test/sitemap.xml");
    expect(robots.body).not.toContain("Disallow");

    const platformRobots = await get(e2e.app, PLATFORM_DOMAIN, "/robots.txt");
    for (const path of ["/dashboard", "/ops", "/t/", "/account"]) expect(platformRobots.body).toContain(`Disallow: ${path}`);
    expect((await get(e2e.app, PLATFORM_DOMAIN, "/")).status).toBe(200);
    for (const path of ["/cart", "/checkout", "/telegram", "/sitemap.xml", itemPath]) {
      expect((await get(e2e.app, PLATFORM_DOMAIN, path)).status, path).toBe(404);
    }
  });

  it("pages through a large catalog with the keyset cursor, keeping the search and the category", async () => {
    const db = await openDatabase(e2e.dbUrl);
    try {
      const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "bloom" }, select: { id: true } });
      // One statement: every row gets the same created_at, so the id tie-break is what keeps pages apart.
      await db.prisma.catalogItem.createMany({
        data: Array.from({ length: 30 }, (_, i) => ({
          tenantId: tenant.id,
          title: `Wildflower Stem ${String(i + 1).padStart(2, "0")}`,
          description: "A single seasonal stem.",
          price: "3.50",
          category: "Stems",
          stock: null,
        })),
      });
    } finally {
      await db.close();
    }
    const context = await e2e.browser.newContext(DESKTOP);
    const page = await context.newPage();
    const log = watchConsole(page);
    try {
      await page.goto(`${e2e.shopUrl("bloom")}?category=Stems&q=wildflower`);
      await waitForHydration(page);
      expect(await page.getByRole("link", { name: /^Stems/ }).getAttribute("aria-current")).toBe("page");
      const seen: string[] = [];
      const grid = page.getByTestId("catalog-grid").getByRole("link");
      for (const expected of [12, 12, 6]) {
        await grid.first().waitFor();
        const titles = await grid.allTextContents();
        expect(titles).toHaveLength(expected);
        seen.push(...titles);
        const more = page.getByRole("link", { name: /More products/ });
        if (expected === 6) {
          expect(await more.count()).toBe(0);
          break;
        }
        const href = new URL((await more.getAttribute("href"))!, page.url());
        expect(href.searchParams.get("q")).toBe("wildflower");
        expect(href.searchParams.get("category")).toBe("Stems");
        expect(href.searchParams.get("cursor")).toBeTruthy();
        await more.click();
        await page.waitForURL((u) => u.searchParams.get("cursor") === href.searchParams.get("cursor"));
        await page.getByRole("link", { name: /Back to start/ }).waitFor();
      }
      expect(new Set(seen).size).toBe(30);
      await shot(page, "bloom-last-page");
      expect(log.unexpected()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
