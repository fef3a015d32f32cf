/**
 * Issue 21: the merchant dashboard on a phone. An owner of acme walks every tab (and a catalog item, the CSV import
 * and an order) at 390×844: nothing scrolls sideways — wide tables scroll inside their own box. Every page is also
 * screenshotted at 390×844 and 1280×900 (e2e/artifacts/dashboard-phone-*.png, dashboard-desktop-*.png).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { Client, request } from "#tests/http.ts";
import { hydrated, watch } from "./browser-checks.ts";

const ADDRESS = { name: "Ada Lovelace", line1: "12 Analytical Row", city: "London", postalCode: "N1 9GU", country: "GB" };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** How far the page scrolls sideways, and the elements that stick out past the viewport (to say what to fix). */
function overflow(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    // An element inside a box that scrolls or clips sideways does not widen the page.
    const clipped = (el: Element) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const x = getComputedStyle(p).overflowX;
        if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") return true;
      }
      return false;
    };
    const sticksOut = (el: Element) => el.getBoundingClientRect().right > width + 0.5 && !clipped(el);
    // The innermost ones: their ancestors stick out only because of them.
    const culprits = [...document.body.querySelectorAll("*")]
      .filter((el) => sticksOut(el) && ![...el.children].some(sticksOut))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 80)} → ${Math.round(el.getBoundingClientRect().right)}px`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits };
  });
}

describe("merchant dashboard on a phone", () => {
  let e2e: E2E;
  let tenantId: string;
  let itemId: string;
  let orderId: string;
  let ownerEmail: string;
  let phone: BrowserContext;
  let desktop: BrowserContext;

  async function signedIn(viewport: { width: number; height: number }) {
    const c = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await c.post("/api/auth/login", { email: ownerEmail, password: TEST_PASSWORD })).status).toBe(200);
    const ctx = await e2e.browser.newContext({ viewport });
    await ctx.addCookies([...c.cookies].map(([name, value]) => ({ name, value, url: e2e.platformUrl })));
    return ctx;
  }

  beforeAll(async () => {
    e2e = await setupE2E(["acme"], { PAYMENTS_SANDBOX: "true" });
    const db = await openDatabase(e2e.dbUrl);
    try {
      tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
      await db.prisma.tenantPaymentPolicy.update({ where: { tenantId }, data: { allowedRails: ["escrow", "direct", "manual_invoice"], invoiceInstructions: { accountHolder: "Acme Outdoor Ltd", accountNumber: "GB33 BUKB 2020 1555 5555 55", bankName: "Example Bank", referenceFormat: "Order {reference}", note: "" } } });
      itemId = (await db.prisma.catalogItem.findFirstOrThrow({ where: { tenantId, title: "Trailhead 40L Backpack" }, select: { id: true } })).id;
      const owner = await createUser(db.prisma, { email: "owner@acme-phone.test" });
      await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
      ownerEmail = owner.email;
      // A long routed hostname: it is listed under "Redirecting here" and in its card's header.
      await db.prisma.tenantDomain.create({
        data: { tenantId, hostname: "checkout.acme-outfitters-international-store.test", status: "active", verificationToken: "phone-e2e-token-0123456789abcdef", verifiedAt: new Date() },
      });
    } finally {
      await db.close();
    }
    // A paid escrow order, so the order page has its money summary and ledger postings.
    const host = `acme.${PLATFORM_DOMAIN}`;
    const placed = await request(e2e.app.port, "/api/storefront/checkout", {
      method: "POST", host, headers: { "idempotency-key": `e2e-phone-${Date.now()}` },
      body: { items: [{ itemId, quantity: 1 }], email: "ada@example.test", shippingAddress: ADDRESS, rail: "escrow" },
    });
    expect(placed.status, placed.body).toBe(201);
    orderId = placed.json.data.order.id;
    expect((await request(e2e.app.port, `/api/storefront/orders/${placed.json.data.token}/sandbox-pay`, { method: "POST", host, body: {} })).status).toBe(200);
    phone = await signedIn(PHONE);
    // A pending domain as well, so the Domains tab shows the records to create (long TXT values) open.
    const api = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await api.post("/api/auth/login", { email: ownerEmail, password: TEST_PASSWORD })).status).toBe(200);
    const added = await api.post(`/api/tenants/${tenantId}/domains`, { hostname: "www.acme-outfitters-phone-test.test" });
    expect(added.status, added.body).toBe(201);
    desktop = await signedIn(DESKTOP);
  });
  afterAll(async () => {
    await phone?.close().catch(() => {});
    await desktop?.close().catch(() => {});
    await e2e?.teardown();
  });

  const pages = () => [
    ["overview", ""],
    ["catalog", "/catalog"],
    ["catalog-item", `/catalog/${itemId}`],
    ["import", "/catalog/import"],
    ["orders", "/orders"],
    ["order", `/orders/${orderId}`],
    ["payments", "/payments"],
    ["shipping", "/shipping"],
    ["payouts", "/payouts"],
    ["customers", "/customers"],
    ["notifications", "/notifications"],
    ["domains", "/domains"],
    ["brand", "/brand"],
    ["bot", "/bot"],
    ["team", "/team"],
  ] as const;

  it("every tab the owner sees is walked", async () => {
    const p = await phone.newPage();
    await p.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
    const tabs = await p.getByRole("navigation", { name: "Shop sections" }).getByRole("link").evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    const walked = pages().map(([, suffix]) => `/dashboard/${tenantId}${suffix}`);
    for (const tab of tabs) expect(walked, `tab ${tab} is not walked`).toContain(tab);
    await p.close();
  });

  it("no page scrolls sideways at 390×844, with its <details> closed and open", async () => {
    const p = await phone.newPage();
    const errors = watch(p);
    const wide: string[] = [];
    for (const [name, suffix] of pages()) {
      const res = await p.goto(`${e2e.platformUrl}/dashboard/${tenantId}${suffix}`);
      expect(res?.status(), name).toBe(200);
      await hydrated(p);
      const o = await overflow(p);
      if (o.scrollWidth > o.innerWidth) wide.push(`${name}: ${o.scrollWidth}px > ${o.innerWidth}px (${o.culprits.join("; ")})`);
      await shot(p, `dashboard-phone-${name}`);
      // What is folded away (the raw ledger, an active domain's records) must fit once opened too.
      if (await p.evaluate(() => document.querySelectorAll("details:not([open])").length > 0)) {
        await p.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
        const open = await overflow(p);
        if (open.scrollWidth > open.innerWidth) wide.push(`${name} with its details open: ${open.scrollWidth}px (${open.culprits.join("; ")})`);
        await shot(p, `dashboard-phone-${name}-open`);
      }
    }
    expect(wide).toEqual([]);
    expect(errors).toEqual([]);
    await p.close();
  });

  it("ticking a rail that is not set up warns at once, on save and on the overview (390 and 1280 screenshots)", async () => {
    for (const [ctx, size] of [[phone, "phone"], [desktop, "desktop"]] as const) {
      const p = await ctx.newPage();
      const errors = watch(p);
      await p.goto(`${e2e.platformUrl}/dashboard/${tenantId}/payments`);
      await hydrated(p);
      const box = p.getByRole("checkbox", { name: /External provider/ });
      if (!(await box.isChecked())) await box.check();
      await p.getByText("External provider is allowed but not set up on this platform, so checkout does not offer it to buyers.").waitFor();
      await p.getByRole("button", { name: "Save payment policy" }).click();
      await p.getByText("Payment policy saved, with a warning").waitFor();
      expect((await overflow(p)).scrollWidth).toBeLessThanOrEqual(size === "phone" ? PHONE.width : DESKTOP.width);
      await shot(p, `dashboard-${size}-payments-warning`);
      await p.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
      await hydrated(p);
      await p.getByText("Not offered to buyers", { exact: true }).waitFor();
      await p.getByText("(not offered to buyers)").first().waitFor();
      await shot(p, `dashboard-${size}-overview-warning`);
      expect(errors).toEqual([]);
      await p.close();
    }
  });

  it("the operator's kill switch shows as a banner with its reason (390 and 1280 screenshots)", async () => {
    const db = await openDatabase(e2e.dbUrl);
    const operatorEmail = "ops@acme-phone.test";
    try {
      await createUser(db.prisma, { operator: true, email: operatorEmail });
    } finally {
      await db.close();
    }
    const operator = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await operator.post("/api/auth/login", { email: operatorEmail, password: TEST_PASSWORD })).status).toBe(200);
    expect((await operator.put("/api/ops/money/kill-switch", { tenantId, engaged: true, reason: "Chargeback investigation #118" })).status).toBe(200);
    try {
      for (const [ctx, size] of [[phone, "phone"], [desktop, "desktop"]] as const) {
        const p = await ctx.newPage();
        await p.goto(`${e2e.platformUrl}/dashboard/${tenantId}/orders/${orderId}`);
        await hydrated(p);
        const banner = p.getByTestId("kill-switch-banner");
        await banner.getByText("Payments are paused for this shop").waitFor();
        await banner.getByText(/Chargeback investigation #118/).waitFor();
        expect((await overflow(p)).scrollWidth).toBeLessThanOrEqual(size === "phone" ? PHONE.width : DESKTOP.width);
        await shot(p, `dashboard-${size}-kill-switch`);
        await p.close();
      }
    } finally {
      await operator.put("/api/ops/money/kill-switch", { tenantId, engaged: false, reason: "investigation closed" });
    }
  });

  it("desktop screenshots of the same pages (1280×900)", async () => {
    const p = await desktop.newPage();
    for (const [name, suffix] of pages()) {
      await p.goto(`${e2e.platformUrl}/dashboard/${tenantId}${suffix}`);
      await hydrated(p);
      await shot(p, `dashboard-desktop-${name}`);
    }
    await p.close();
  });
});
