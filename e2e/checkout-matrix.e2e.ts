/**
 * The checkout matrix (issue 21): every demo shop × cart kind (digital only, physical only, mixed) × every rail the
 * shop offers, at a phone (390×844) and a desktop (1280×900) size, through the real checkout page in Chromium.
 * Each run ends on the buyer's order page with the status that rail leads to: escrow and direct are paid through the
 * sandbox (escrow_funded / paid), a manual invoice stays pending_payment with its instructions shown.
 *
 * acme and bloom use strict disclosure (direct and invoice need the no-escrow acknowledgement), nova plain; nova is a
 * digital-only shop (it sells nothing physical, so only its digital cart exists).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { hydrated, watch } from "./browser-checks.ts";
import { openDatabase, type Database } from "#server/db/client.ts";

type CartKind = "digital" | "physical" | "mixed";
type Rail = "escrow" | "direct" | "manual_invoice";

/** What each demo shop sells and offers (tenants/demo/*.json); cheap items keep direct under acme's escrow threshold. */
const SHOPS: Record<string, { carts: Partial<Record<CartKind, string[]>>; rails: Rail[]; strict: boolean }> = {
  acme: {
    carts: { digital: ["Backcountry Map Pack"], physical: ["Merino Trail Socks"], mixed: ["Merino Trail Socks", "Backcountry Map Pack"] },
    rails: ["escrow", "direct"],
    strict: true,
  },
  bloom: {
    carts: { digital: ["Flower Care Guide"], physical: ["Dried Lavender Bundle"], mixed: ["Dried Lavender Bundle", "Flower Care Guide"] },
    rails: ["escrow", "manual_invoice"],
    strict: true, // the policy's default disclosure mode
  },
  nova: { carts: { digital: ["Nova UI Kit", "Icon Set: Orbit"] }, rails: ["escrow"], strict: false },
};

const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;
const RAIL_LABEL: Record<Rail, RegExp> = { escrow: /^Escrow/, direct: /^Direct payment/, manual_invoice: /invoice/i };
const AFTER_PAY: Record<Rail, string> = { escrow: "escrow_funded", direct: "paid", manual_invoice: "pending_payment" };
const ADDRESS = { "Full name": "Ada Buyer", "Street address": "1 Trail Road", City: "Boulder", "Postal code": "80302", Country: "US" };

const cases = Object.entries(SHOPS).flatMap(([slug, shop]) =>
  (Object.keys(shop.carts) as CartKind[]).flatMap((cart) =>
    shop.rails.flatMap((rail) => (Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]).map((size) => ({ slug, cart, rail, size }))),
  ),
);

describe("checkout matrix: every demo shop × cart kind × rail, at phone and desktop size", () => {
  let e2e: E2E;
  let db: Database;
  const itemIds = new Map<string, string>();

  beforeAll(async () => {
    // Every run comes from one loopback address: the per-IP storefront and checkout limits would stop the matrix.
    e2e = await setupE2E(["acme", "bloom", "nova"], { PAYMENTS_SANDBOX: "true", RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000" });
    db = await openDatabase(e2e.dbUrl);
    for (const item of await db.prisma.catalogItem.findMany({ select: { id: true, title: true, tenant: { select: { slug: true } } } })) {
      itemIds.set(`${item.tenant.slug}/${item.title}`, item.id);
    }
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
  });

  /** The cart as the item pages would leave it: lines in localStorage under the shop's host key. */
  async function fillCart(page: Page, slug: string, titles: string[]) {
    await page.goto(e2e.shopUrl(slug));
    const lines = titles.map((t) => {
      const itemId = itemIds.get(`${slug}/${t}`);
      if (!itemId) throw new Error(`no demo item ${slug}/${t}`);
      return { itemId, quantity: 1 };
    });
    await page.evaluate((l) => localStorage.setItem(`cart:v1:${location.host}`, JSON.stringify({ lines: l })), lines);
  }

  it.each(cases)("$slug · $cart cart · $rail · $size", async ({ slug, cart, rail, size }) => {
    const shop = SHOPS[slug]!;
    const context = await e2e.browser.newContext({ viewport: VIEWPORTS[size] });
    const page = await context.newPage();
    const errors = watch(page);
    try {
      await fillCart(page, slug, shop.carts[cart]!);
      await page.goto(`${e2e.shopUrl(slug)}checkout`);
      await hydrated(page);
      await page.waitForURL(/\/checkout\?cart=/);
      await page.getByTestId("checkout-line").first().waitFor();
      await expect(page.getByTestId("checkout-line").count()).resolves.toBe(shop.carts[cart]!.length);
      await page.getByLabel("Email").fill("matrix@buyer.test");

      // Only carts with something to ship ask for an address.
      const addressShown = (await page.getByLabel("Street address", { exact: true }).count()) > 0;
      expect(addressShown).toBe(cart !== "digital");
      if (addressShown) for (const [label, value] of Object.entries(ADDRESS)) await (label === "Country" ? page.getByLabel(label, { exact: true }).selectOption(value) : page.getByLabel(label, { exact: true }).fill(value));

      const radio = page.getByRole("radio", { name: RAIL_LABEL[rail] });
      if ((await page.getByRole("radio").count()) > 1) await radio.check();
      await expect(radio.isChecked()).resolves.toBe(true);
      if (shop.strict && rail !== "escrow") await page.getByLabel(/no escrow protection/).check();

      await page.getByRole("button", { name: /Place order/ }).click();
      await page.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}$/, { timeout: 15_000 }).catch(async (err: Error) => {
        // Say what the buyer saw instead of only "timed out".
        const alerts = await page.getByRole("alert").allTextContents();
        await page.screenshot({ path: path.join(ARTIFACTS, `matrix-failed-${slug}-${cart}-${rail}-${size}.png`), fullPage: true });
        throw new Error(`no order page after "Place order"; the page shows: ${JSON.stringify(alerts)} (${err.message})`);
      });
      await page.locator("[data-testid=order-status][data-status=pending_payment]").waitFor();

      if (rail === "manual_invoice") await page.getByText(/invoice/i).first().waitFor();
      else await page.getByRole("button", { name: /Pay with sandbox/ }).click();
      await page.locator(`[data-testid=order-status][data-status=${AFTER_PAY[rail]}]`).waitFor({ timeout: 15_000 });

      const order = await db.prisma.order.findFirstOrThrow({ where: { guestEmail: "matrix@buyer.test", tenant: { slug } }, orderBy: { createdAt: "desc" } });
      expect(order.rail).toBe(rail);
      expect(order.requiresShipping).toBe(cart !== "digital");
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(ARTIFACTS, `matrix-${slug}-${cart}-${rail}-${size}.png`), fullPage: true });
      expect(errors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: path.join(ARTIFACTS, `matrix-failed-${slug}-${cart}-${rail}-${size}.png`), fullPage: true }).catch(() => {});
      const serverErrors = e2e.app.logs.join("").split("\n").filter((l) => /"level":(40|50|60)|"status":5/.test(l)).slice(-4).concat(e2e.app.logs.join("").split("\n").filter((l) => !l.startsWith("{")).slice(-15));
      throw new Error(`${(err as Error).message}\nbrowser errors: ${JSON.stringify(errors)}\nserver errors: ${serverErrors.join("\n")}`, { cause: err });
    } finally {
      await context.close();
    }
  });

  it("a refusal with no field of its own appears above the button, focused, and nothing is written", async () => {
    const context = await e2e.browser.newContext({ viewport: VIEWPORTS.phone });
    const page = await context.newPage();
    const tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "nova" } })).id;
    try {
      await fillCart(page, "nova", ["Nova UI Kit"]);
      await page.goto(`${e2e.shopUrl("nova")}checkout`);
      await hydrated(page);
      await page.getByTestId("checkout-line").first().waitFor();
      await page.getByLabel("Email").fill("paused@buyer.test");
      // The operator pauses the shop's money while the buyer fills in the form: the refusal belongs to no field.
      await db.prisma.killSwitch.upsert({ where: { tenantId }, create: { tenantId, engaged: true, reason: "e2e" }, update: { engaged: true } });
      const before = await db.prisma.order.count({ where: { tenantId } });
      await page.getByRole("button", { name: /Place order/ }).click();
      const summary = page.getByTestId("checkout-errors");
      await summary.waitFor();
      await expect(summary.textContent()).resolves.toContain("Payments are paused");
      await expect(summary.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      // Above the button, not at the top of a long form.
      const [box, button] = await Promise.all([summary.boundingBox(), page.getByRole("button", { name: /Place order/ }).boundingBox()]);
      expect(box!.y).toBeLessThan(button!.y);
      expect(await db.prisma.order.count({ where: { tenantId } })).toBe(before);
      await page.screenshot({ path: path.join(ARTIFACTS, "matrix-refusal-summary.png"), fullPage: true });
    } finally {
      await db.prisma.killSwitch.update({ where: { tenantId }, data: { engaged: false } });
      await context.close();
    }
  });
});
