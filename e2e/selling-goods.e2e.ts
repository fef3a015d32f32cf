/**
 * Issue 22's combined acceptance in Chromium: a buyer of acme checks out a physical item and a digital item to Germany
 * (not the shop's first shipping country) with a chosen shipping method and German tax, pays into escrow (sandbox),
 * opens the digital content and downloads the file from the order page (bytes checked). The owner marks the order
 * shipped with DHL and a tracking number (the buyer sees the link built from DHL's template), confirms delivery with
 * the buyer's code and refunds the digital line with a reason: the refund shows on both pages and in order_refunds,
 * the escrow row and the ledger. Screenshots at 1280 and 390 px go to e2e/artifacts/selling-*.png.
 */
import http from "node:http";
import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { watch, hydrated } from "./browser-checks.ts";
import { openDatabase, type Database } from "#server/db/client.ts";
import { putShippingTax } from "#server/shipping/index.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { Client } from "#tests/http.ts";

const ADDRESS = { "Full name": "Ada Käufer", "Street address": "Hauptstraße 1", City: "Berlin", "Postal code": "10115" };
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const PHYSICAL = "Trailhead 40L Backpack";
const DIGITAL = "Backcountry Map Pack";
const FILE = Buffer.from("Backcountry map pack: trail 1 to trail 40, contour lines every 20 m.\n".repeat(3000));
const TRACKING = "JD0146000039SE";
const REASON = "The map pack was not the region the buyer wanted";

const cents = (amount: string) => BigInt(amount.replace(".", ""));
const fmt = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, "0")}`;
/** 19 % of a line, half-up to cents (exclusive prices): computed here, not by the app. */
const tax19 = (c: bigint) => (c * 1900n * 2n + 10_000n) / 20_000n;

/** Full-page, from the top (a sticky header is not painted over the middle). */
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `selling-${name}.png`), fullPage: true });
}

describe("selling goods end to end: shipping, tax, digital download, tracking, refund", () => {
  let e2e: E2E;
  let db: Database;
  let tenantId: string;
  const items: Record<string, { id: string; price: string }> = {};
  const ownerEmail = "owner@acme-selling.test";
  let owner: Client;

  /** The raw-body upload the dashboard's file input sends (a PUT with the owner's session cookie). */
  function upload(itemId: string, bytes: Buffer, name: string) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({
        host: "127.0.0.1", port: e2e.app.port, method: "PUT", path: `/api/tenants/${tenantId}/catalog/items/${itemId}/digital/file`,
        headers: { host: PLATFORM_DOMAIN, origin: `http://${PLATFORM_DOMAIN}`, cookie: owner.cookieHeader(), "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(name) },
      }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      req.end(bytes);
    });
  }

  /** A browser context signed in as the owner (through the login API; the sign-in page has its own e2e). */
  async function ownerContext(size: keyof typeof VIEWPORTS) {
    const ctx = await e2e.browser.newContext({ viewport: VIEWPORTS[size], hasTouch: size === "phone", isMobile: size === "phone" });
    await ctx.addCookies([...owner.cookies].map(([name, value]) => ({ name, value, url: e2e.platformUrl })));
    return ctx;
  }

  /** The cart in localStorage, then the checkout filled in for Germany with the Express method. */
  async function fillCheckout(page: Page, email: string) {
    await page.goto(e2e.shopUrl("acme"));
    const lines = [{ itemId: items[PHYSICAL]!.id, quantity: 1 }, { itemId: items[DIGITAL]!.id, quantity: 1 }];
    await page.evaluate((l) => localStorage.setItem(`cart:v1:${location.host}`, JSON.stringify({ lines: l })), lines);
    await page.goto(`${e2e.shopUrl("acme")}checkout`);
    await hydrated(page);
    await expect.poll(() => page.getByTestId("checkout-line").count()).toBe(2);
    await page.getByLabel("Email").fill(email);
    for (const [label, value] of Object.entries(ADDRESS)) await page.getByLabel(label, { exact: true }).fill(value);
    await page.getByLabel("Country", { exact: true }).selectOption("DE");
    await page.getByTestId("shipping-method-express").waitFor();
    // A controlled radio: the choice is re-quoted on the server and comes back checked.
    await page.getByTestId("shipping-method-express").click();
    await expect.poll(() => page.getByTestId("shipping-method-express").isChecked()).toBe(true);
  }

  beforeAll(async () => {
    e2e = await setupE2E(["acme"], {
      PAYMENTS_SANDBOX: "true", RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000",
      DIGITAL_DIR: mkdtempSync(path.join(tmpdir(), "e2e-digital-")),
    });
    db = await openDatabase(e2e.dbUrl);
    tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
    for (const title of [PHYSICAL, DIGITAL]) {
      const row = await db.prisma.catalogItem.findFirstOrThrow({ where: { tenantId, title }, select: { id: true, price: true } });
      items[title] = { id: row.id, price: row.price.toFixed(2) };
    }
    await db.prisma.catalogItem.update({ where: { id: items[PHYSICAL]!.id }, data: { weightGrams: 1800 } });
    await putShippingTax(db.prisma, { userId: null, kind: "system" }, tenantId, {
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
    const user = await createUser(db.prisma, { email: ownerEmail });
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: user.id, role: "owner" } });
    owner = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await owner.post("/api/auth/login", { email: ownerEmail, password: TEST_PASSWORD })).status).toBe(200);
    // The digital item's file, as the dashboard's item page uploads it (ADR 039).
    const up = await upload(items[DIGITAL]!.id, FILE, "backcountry-maps.pdf");
    expect(up.status, up.body).toBe(200);
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
  });

  it("checkout to Germany with Express and 19 % tax, download, ship with DHL tracking, refund the digital line", async () => {
    const physical = cents(items[PHYSICAL]!.price);
    const digital = cents(items[DIGITAL]!.price);
    const shipping = 2500n;
    const tax = tax19(physical) + tax19(digital);
    const total = physical + digital + shipping + tax;
    const contexts: BrowserContext[] = [];
    try {
      // --- The buyer checks out (1280 px), screenshots the phone checkout too.
      const buyerCtx = await e2e.browser.newContext({ viewport: VIEWPORTS.desktop });
      contexts.push(buyerCtx);
      const b = await buyerCtx.newPage();
      const buyerErrors = watch(b);
      const email = "ada@selling-buyer.test";
      await fillCheckout(b, email);
      await expect.poll(() => b.getByTestId("checkout-shipping").innerText()).toContain("25.00");
      await expect.poll(() => b.getByTestId("checkout-tax").innerText()).toContain(fmt(tax));
      await expect.poll(() => b.getByTestId("checkout-total").innerText()).toContain(fmt(total));
      await shot(b, "checkout-desktop");

      const phoneCtx = await e2e.browser.newContext({ viewport: VIEWPORTS.phone, hasTouch: true, isMobile: true });
      contexts.push(phoneCtx);
      const pc = await phoneCtx.newPage();
      await fillCheckout(pc, "phone@selling-buyer.test");
      await expect.poll(() => pc.getByTestId("checkout-total").innerText()).toContain(fmt(total));
      expect(await pc.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(pc, "checkout-phone");
      await phoneCtx.close();

      // Escrow is acme's default rail: the buyer is protected, the content opens on the buyer's word.
      await expect(b.getByRole("radio", { name: /Escrow/ }).isChecked()).resolves.toBe(true);
      await b.getByRole("button", { name: /Place order/ }).click();
      await b.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}$/, { timeout: 15_000 });
      const orderUrl = b.url();
      await hydrated(b);
      const order = await db.prisma.order.findFirstOrThrow({
        where: { guestEmail: email, tenantId },
        select: { id: true, rail: true, shippingAmount: true, taxAmount: true, total: true, shippingAddress: true, lines: { select: { id: true, title: true } } },
      });
      expect(order.rail).toBe("escrow");
      expect([order.shippingAmount.toFixed(2), order.taxAmount.toFixed(2), order.total.toFixed(2)]).toEqual([fmt(shipping), fmt(tax), fmt(total)]);
      expect(order.shippingAddress).toMatchObject({ country: "DE" });
      const digitalLine = order.lines.find((l) => l.title === DIGITAL)!;

      await b.getByRole("button", { name: /Pay with sandbox/ }).click();
      await expect.poll(() => b.getByTestId("order-status").getAttribute("data-status"), { timeout: 15_000 }).toBe("escrow_funded");

      // --- The buyer opens the content (on escrow this is the digital delivery confirmation) and downloads the file.
      await b.getByRole("button", { name: "Open my content" }).click();
      const link = b.getByTestId("digital-download");
      await link.waitFor({ timeout: 15_000 });
      const downloadHref = (await link.getAttribute("href"))!;
      const [download] = await Promise.all([b.waitForEvent("download"), link.click()]);
      expect(download.suggestedFilename()).toBe("backcountry-maps.pdf");
      expect((await readFile((await download.path())!)).equals(FILE)).toBe(true);
      const grant = await db.prisma.digitalGrant.findFirstOrThrow({ where: { tenantId, orderId: order.id }, select: { downloads: true, openedAt: true } });
      expect(grant.downloads).toBe(1);
      expect(grant.openedAt).not.toBeNull();

      // --- The owner marks it shipped with DHL and a tracking number.
      const mCtx = await ownerContext("desktop");
      contexts.push(mCtx);
      const m = await mCtx.newPage();
      const merchantErrors = watch(m);
      const merchantUrl = `${e2e.platformUrl}/dashboard/${tenantId}/orders/${order.id}`;
      await m.goto(merchantUrl);
      await hydrated(m);
      await m.getByTestId("digital-downloads").getByText(/1 of 5 downloads used/).waitFor();
      await m.getByLabel("Carrier", { exact: true }).selectOption("dhl");
      await m.getByLabel("Tracking number").fill(TRACKING);
      await m.getByRole("button", { name: "Mark shipped" }).click();
      await m.getByText(/Marked shipped/).waitFor();
      await m.getByLabel("Delivery code").waitFor();

      // The buyer's page shows the carrier, the number, the link from DHL's template and the ship-to address.
      await b.reload();
      await hydrated(b);
      await b.getByTestId("tracking-link").waitFor();
      expect(await b.getByTestId("tracking-carrier").innerText()).toBe("DHL Express");
      expect(await b.getByTestId("tracking-number").innerText()).toBe(TRACKING);
      expect(await b.getByTestId("tracking-link").getAttribute("href")).toBe(`https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=${TRACKING}`);
      expect(await b.getByTestId("ship-to").innerText()).toMatch(/Hauptstraße 1[\s\S]*Berlin[\s\S]*Germany/);
      const code = (await b.getByTestId("delivery-code").innerText()).trim();
      expect(code).toMatch(/^\d{6}$/);

      // --- Delivery with the buyer's code, then the owner refunds the digital line with a reason.
      await m.getByLabel("Delivery code").fill(code);
      await m.getByRole("button", { name: "Confirm delivery" }).click();
      await m.getByText("Delivery confirmed.").waitFor();
      await m.getByTestId("refund-form").waitFor();
      await m.locator(`#refund-qty-${digitalLine.id}`).fill("1");
      await m.getByLabel("Reason").fill(REASON);
      await m.getByRole("button", { name: "Refund", exact: true }).click();
      await m.getByText("Refunded. The buyer is told by mail.").waitFor();
      const refundList = m.getByTestId("refund-list");
      await refundList.waitFor();
      expect(await refundList.innerText()).toContain(fmt(digital));
      expect(await refundList.innerText()).toContain(REASON);
      expect(await refundList.innerText()).toContain("From the escrow hold");
      await shot(m, "merchant-order-desktop");

      // In the database: one refund row from the hold, its posting, and the escrow's refunded part.
      const refunds = await db.prisma.orderRefund.findMany({ where: { tenantId, orderId: order.id } });
      expect(refunds).toHaveLength(1);
      expect([refunds[0]!.amount.toFixed(2), refunds[0]!.source, refunds[0]!.reason]).toEqual([fmt(digital), "hold", REASON]);
      expect(refunds[0]!.lines).toEqual([expect.objectContaining({ lineId: digitalLine.id, quantity: 1 })]);
      const posting = await db.prisma.ledgerPosting.findUniqueOrThrow({ where: { idempotencyKey: `merchant-refund:${refunds[0]!.id}` }, include: { entries: true } });
      expect(posting.orderId).toBe(order.id);
      expect(posting.entries.map((e) => e.amount.abs().toFixed(2))).toEqual([fmt(digital), fmt(digital)]);
      const after = await db.prisma.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true, refundedAmount: true } });
      expect([after.status, after.refundedAmount.toFixed(2)]).toEqual(["delivered", fmt(digital)]);
      const escrow = await db.prisma.escrow.findFirstOrThrow({ where: { tenantId, orderId: order.id }, select: { status: true, refundedAmount: true } });
      expect([escrow.status, escrow.refundedAmount.toFixed(2)]).toEqual(["held", fmt(digital)]);
      expect(await db.prisma.auditLog.count({ where: { tenantId, action: "order.refund" } })).toBe(1);

      // --- The buyer's page shows the refund next to the download and the tracking.
      await b.reload();
      await hydrated(b);
      await b.getByTestId("refunds").waitFor();
      expect(await b.getByTestId("refund-amount").first().innerText()).toContain(fmt(digital));
      await b.getByTestId("digital-content").waitFor();
      // The refunded digital line is taken back: no download link any more, and the old one is refused.
      await b.getByTestId("digital-refunded").waitFor();
      expect(await b.getByTestId("digital-download").count()).toBe(0);
      expect(await b.evaluate(async (href) => (await fetch(href)).status, downloadHref)).toBe(403);
      await b.getByTestId("tracking-link").waitFor();
      await shot(b, "buyer-order-desktop");
      expect(buyerErrors).toEqual([]);
      expect(merchantErrors).toEqual([]);

      // --- The same pages on a phone: nothing scrolls sideways.
      const bp = await e2e.browser.newContext({ viewport: VIEWPORTS.phone, hasTouch: true, isMobile: true });
      contexts.push(bp);
      const bpPage = await bp.newPage();
      await bpPage.goto(orderUrl);
      await hydrated(bpPage);
      await bpPage.getByTestId("refunds").waitFor();
      expect(await bpPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(bpPage, "buyer-order-phone");
      const mp = await ownerContext("phone");
      contexts.push(mp);
      const mpPage = await mp.newPage();
      await mpPage.goto(merchantUrl);
      await hydrated(mpPage);
      await mpPage.getByTestId("refund-list").waitFor();
      expect(await mpPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(mpPage, "merchant-order-phone");
    } finally {
      for (const c of contexts) await c.close().catch(() => {});
    }
  });
});
