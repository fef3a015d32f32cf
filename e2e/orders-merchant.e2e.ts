/**
 * Issue 7's merchant and operator pages in Chromium, with orders created through the storefront API: the list, an
 * escrow order shipped and its buyer's code entered in the browser, the release appearing without a reload, a
 * manual invoice marked paid, the disputes queue and the money console (kill switch on and off, reconciliation).
 * Every page is axe-checked and screenshotted (e2e/artifacts/orders-*.png).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { Client, request } from "#tests/http.ts";
import { watch, expectAccessible, hydrated } from "./browser-checks.ts";

const ADDRESS = { name: "Ada Lovelace", line1: "12 Analytical Row", city: "London", postalCode: "N1 9GU", country: "GB" };

/** Full-page, from the top (a sticky header is not painted over the middle). */
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `orders-${name}.png`), fullPage: true });
}

describe("merchant orders and the money console", () => {
  let e2e: E2E;
  let tenantId: string;
  let items: Map<string, string>;
  let ownerEmail: string;
  let operatorEmail: string;
  let key = 0;

  const shopHost = `acme.${PLATFORM_DOMAIN}`;
  const api = (p: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(e2e.app.port, p, { method: body === undefined ? "GET" : "POST", host: shopHost, headers, body });
  async function checkout(titles: Array<[string, number]>, extra: Record<string, unknown>) {
    const res = await api("/api/storefront/checkout", {
      items: titles.map(([t, quantity]) => ({ itemId: items.get(t)!, quantity })), shippingAddress: ADDRESS, ...extra,
    }, { "idempotency-key": `e2e-orders-${Date.now()}-${++key}` });
    expect(res.status, res.body).toBe(201);
    return res.json.data as { token: string; order: { id: string } };
  }
  const pay = async (token: string) => expect((await api(`/api/storefront/orders/${token}/sandbox-pay`, {})).status).toBe(200);

  /** A browser context signed in as `email` (through the login API; the sign-in page has its own e2e). */
  async function signedIn(email: string, viewport: { width: number; height: number }) {
    const c = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await c.post("/api/auth/login", { email, password: TEST_PASSWORD })).status).toBe(200);
    const ctx = await e2e.browser.newContext({ viewport });
    await ctx.addCookies([...c.cookies].map(([name, value]) => ({ name, value, url: e2e.platformUrl })));
    return ctx;
  }

  beforeAll(async () => {
    // A short grace period: the release happens while the merchant's page is open.
    e2e = await setupE2E(["acme"], { PAYMENTS_SANDBOX: "true", RELEASE_GRACE_MS: "4000" });
    const db = await openDatabase(e2e.dbUrl);
    try {
      tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
      await db.prisma.tenantPaymentPolicy.update({ where: { tenantId }, data: { allowedRails: ["escrow", "direct", "manual_invoice"], invoiceInstructions: { accountHolder: "Acme Outdoor Ltd", accountNumber: "GB33 BUKB 2020 1555 5555 55", bankName: "Example Bank", referenceFormat: "Order {reference}", note: "" } } });
      const rows = await db.prisma.catalogItem.findMany({ where: { tenantId }, select: { id: true, title: true } });
      items = new Map(rows.map((r) => [r.title, r.id]));
      const owner = await createUser(db.prisma, { email: "owner@acme-orders.test" });
      await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
      ownerEmail = owner.email;
      operatorEmail = (await createUser(db.prisma, { operator: true, email: "ops@orders-e2e.test" })).email;
    } finally {
      await db.close();
    }
  });
  afterAll(async () => e2e?.teardown());

  it("merchant: list, ship, code, release without a reload, invoice marked paid; operator: disputes and money", async () => {
    const disputed = await checkout([["Summit Down Jacket", 1]], { email: "grace@example.test", rail: "escrow" });
    await pay(disputed.token);
    expect((await api(`/api/storefront/orders/${disputed.token}/dispute`, { reason: "The jacket arrived with a torn sleeve and the seller does not answer." })).status).toBe(201);
    await checkout([["Merino Trail Socks", 3]], { email: "linus@example.test", rail: "direct", acknowledgeNoEscrow: true });
    const invoice = await checkout([["Backcountry Map Pack", 2]], { email: "barbara@example.test", rail: "manual_invoice", acknowledgeNoEscrow: true });
    const main = await checkout([["Trailhead 40L Backpack", 1], ["Ridge Trekking Poles (pair)", 2]], { email: "ada@example.test", rail: "escrow" });
    await pay(main.token);

    const ctx = await signedIn(ownerEmail, { width: 1280, height: 900 });
    const m = await ctx.newPage();
    const errors = watch(m);
    await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
    await m.getByRole("navigation", { name: "Shop sections" }).getByRole("link", { name: "Orders" }).click();
    await m.waitForURL(/\/orders$/);
    await hydrated(m);
    await expect.poll(() => m.getByTestId("order-row").count()).toBe(4);
    await expectAccessible(m, "orders list");
    await shot(m, "1-list");

    await m.getByLabel("Status").selectOption("escrow_funded");
    await m.getByRole("button", { name: "Filter" }).click();
    await m.waitForURL(/status=escrow_funded/);
    await m.getByTestId("order-row").first().waitFor();
    expect(await m.getByTestId("order-row").count()).toBe(1);
    await shot(m, "2-list-filtered");

    await m.getByRole("link", { name: /from ada@example\.test/ }).click();
    await m.waitForURL(new RegExp(`/orders/${main.order.id}$`));
    await hydrated(m);
    await m.getByRole("heading", { name: "Ledger" }).waitFor();
    await expectAccessible(m, "order detail (paid)");
    await shot(m, "3-detail-paid");

    await m.getByRole("button", { name: "Mark shipped" }).click();
    await m.getByLabel("Delivery code").waitFor();
    const code = (await api(`/api/storefront/orders/${main.token}`)).json.data.deliveryCode.code as string;
    expect(await m.content()).not.toMatch(new RegExp(`(?<![\\w-])${code}(?![\\w-])`));
    await m.getByLabel("Delivery code").fill(code === "000000" ? "111111" : "000000");
    await m.getByRole("button", { name: "Confirm delivery" }).click();
    await m.getByText("That code is not valid for this order").waitFor();
    await expectAccessible(m, "order detail (wrong code)");
    await shot(m, "4-wrong-code");

    await m.getByLabel("Delivery code").fill(code);
    await m.getByRole("button", { name: "Confirm delivery" }).click();
    await m.getByText("Delivery confirmed.").waitFor();
    await shot(m, "5-delivered");
    // The release job runs after the grace period; the page refreshes itself and shows it.
    await m.getByTestId("escrow").getByText("Released").waitFor({ timeout: 20_000 });
    await m.locator('[data-testid="ledger-posting"][data-kind="release"]').waitFor();
    await expect.poll(() => m.getByTestId("order-status").textContent()).toBe("Completed");
    await expectAccessible(m, "order detail (released)");
    await shot(m, "6-released");

    await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}/orders/${invoice.order.id}`);
    await hydrated(m);
    await m.getByLabel("Evidence note").fill("Bank transfer received 2026-11-23, reference ACME-7731");
    await shot(m, "7-invoice");
    await m.getByRole("button", { name: "Mark paid" }).click();
    await m.getByText("Marked paid.").waitFor();
    await expect.poll(() => m.getByTestId("order-status").textContent()).toBe("Paid");
    // The fee of an invoice order is owed and billed monthly, not paid out (ADR 025): the ledger says so in words.
    await expect.poll(() => m.locator('[data-testid="ledger-posting"][data-kind="fee"]').textContent()).toMatch(/platform fee, billed on your monthly statement/);
    await shot(m, "8-invoice-paid");
    expect(errors).toEqual([]);

    const phone = await signedIn(ownerEmail, { width: 390, height: 844 });
    const p = await phone.newPage();
    await p.goto(`${e2e.platformUrl}/dashboard/${tenantId}/orders`);
    await hydrated(p);
    // Nothing on the phone scrolls sideways: the header (shop switcher, account links) and the list fit 390 px.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(p, "9-phone-list");
    await p.goto(`${e2e.platformUrl}/dashboard/${tenantId}/orders/${main.order.id}`);
    await hydrated(p);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(p, "10-phone-detail");
    await phone.close();
    await ctx.close();

    const opsCtx = await signedIn(operatorEmail, { width: 1280, height: 900 });
    const o = await opsCtx.newPage();
    const opsErrors = watch(o);
    await o.goto(`${e2e.platformUrl}/ops/disputes`);
    await hydrated(o);
    await o.getByTestId("open-dispute").waitFor();
    await expectAccessible(o, "ops disputes");
    await shot(o, "11-ops-disputes");
    await o.getByLabel(/^Note/).fill("Photos confirm the damage; refunding the buyer.");
    // A refund needs its confirm box (issue 21); the server refuses one without it.
    await o.getByRole("checkbox", { name: /Yes, refund the buyer/ }).check();
    await o.getByRole("button", { name: "Refund buyer" }).click();
    await o.getByText("Dispute resolved").waitFor();
    await o.getByTestId("resolved-dispute").waitFor();
    await shot(o, "12-ops-disputes-resolved");

    await o.goto(`${e2e.platformUrl}/ops/money`);
    await hydrated(o);
    await o.getByRole("button", { name: "Run reconciliation now" }).click();
    await o.getByText("Reconciliation finished: no violations.").waitFor();
    await expectAccessible(o, "ops money");
    await shot(o, "13-ops-money");
    const global = o.getByTestId("kill-switch-global");
    await global.getByLabel(/^Reason/).fill("Incident drill: payouts paused");
    await global.getByRole("button", { name: "Turn kill switch on" }).click();
    await expect.poll(() => global.getAttribute("data-state")).toBe("on");
    const pause = o.getByRole("textbox", { name: /^Shop address/ });
    await pause.fill("acme");
    await o.getByRole("textbox", { name: /^Reason/ }).last().fill("Refund pattern under review");
    await o.getByRole("button", { name: "Turn on for this shop" }).click();
    await o.getByTestId("kill-switch-tenants").waitFor();
    // Off the button: the console's danger button is lighter on hover (ops/layout.tsx), which axe would measure.
    await o.mouse.move(0, 0);
    await expectAccessible(o, "ops money (kill switch on)");
    await shot(o, "14-ops-money-kill-on");
    expect((await request(e2e.app.port, "/readyz")).json.killSwitch.global).toBe(true);
    await global.getByLabel(/^Reason/).fill("Drill over");
    await global.getByRole("button", { name: "Turn kill switch off" }).click();
    await expect.poll(() => global.getAttribute("data-state")).toBe("off");

    // OPS-1: the shop's health on its tenant page: today's orders and the requests its buyers just made.
    await o.goto(`${e2e.platformUrl}/ops/tenants/${tenantId}`);
    await hydrated(o);
    await expect.poll(() => o.getByTestId("health-last-order").textContent()).toMatch(/in the last 24 h/);
    expect(await o.getByTestId("health-last-order").textContent()).not.toContain("None yet");
    await expectAccessible(o, "ops tenant health");
    await shot(o, "15-ops-tenant-health");
    expect(opsErrors).toEqual([]);
    await opsCtx.close();
  });
});
