/**
 * Issue 21 in Chromium: an operator visits every console page on a 390 × 844 phone and none scrolls sideways
 * (document scrollWidth ≤ the window's width; wide tables scroll inside their own box), then on a 1280 × 900
 * desktop; each page is screenshotted at both sizes (e2e/artifacts/ops-*.png). The data makes the pages wide: a
 * dispute, a custom domain, a bot with a long error, audit rows. Last, the operator signs out from the console.
 */
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { SecretBox } from "#server/secrets/index.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { Client, request } from "#tests/http.ts";
import { watch, hydrated } from "./browser-checks.ts";

const ADDRESS = { name: "Ada Lovelace", line1: "12 Analytical Row", city: "London", postalCode: "N1 9GU", country: "GB" };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `ops-${name}.png`), fullPage: true });
}

/** How far the page is wider than the window, and the widest elements sticking out (for the failure message). */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    // Only elements that widen the page: one inside a box that clips or scrolls sideways does not, unless it is
    // absolutely positioned with no positioned ancestor inside that box (e.g. an sr-only label), which escapes it.
    const clipped = (el: Element) => {
      let escapes = getComputedStyle(el).position === "absolute";
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.position !== "static") escapes = false;
        if (style.overflowX !== "visible" && !escapes) return true;
      }
      return false;
    };
    const culprits = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !clipped(el))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 4).join(".")} → ${Math.round(el.getBoundingClientRect().right)}`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits };
  });
}

describe("operator console on a phone and a desktop", () => {
  let e2e: E2E;
  let tenantId: string;
  let domainId: string;
  let orderId: string;
  let operatorEmail: string;

  beforeAll(async () => {
    // No worker (MODE=web): no scheduled reconciliation runs, so the money page shows its overdue warning, as it
    // would when every worker is down; the 30-minute interval is what its schedule sentence must say.
    e2e = await setupE2E(["acme", "nova"], { PAYMENTS_SANDBOX: "true", MODE: "web", RECONCILE_EVERY_MS: "1800000" });
    const db = await openDatabase(e2e.dbUrl);
    try {
      tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
      await db.prisma.tenantPaymentPolicy.update({ where: { tenantId }, data: { allowedRails: ["escrow", "direct", "manual_invoice"], invoiceInstructions: { accountHolder: "Acme Outdoor Ltd", accountNumber: "GB33 BUKB 2020 1555 5555 55", bankName: "Example Bank", referenceFormat: "Order {reference}", note: "" } } });
      const item = await db.prisma.catalogItem.findFirstOrThrow({ where: { tenantId, kind: "physical" }, select: { id: true } });
      operatorEmail = (await createUser(db.prisma, { operator: true, email: "operator.with.a.rather.long.address@ops-console-e2e.test" })).email;
      const domain = await db.prisma.tenantDomain.create({
        data: {
          tenantId, hostname: "a-rather-long-custom-domain-name.shop-example.test", verificationToken: "x".repeat(22), status: "active",
          verifiedAt: new Date(), tlsStatus: "issued", tlsNotAfter: new Date(Date.now() + 40 * 86_400_000),
        },
      });
      domainId = domain.id;
      const box = new SecretBox(randomBytes(32));
      const botId = randomUUID();
      await db.prisma.tenantBot.create({
        data: {
          id: botId, tenantId, telegramBotId: "987654321", username: "acme_outdoor_notifications_bot", status: "active", claimedAt: new Date(),
          adminTelegramUserId: "4242", lastWebhookAt: new Date(Date.now() - 6 * 3_600_000), lastErrorAt: new Date(),
          lastError: "Bad Request: chat not found (the admin blocked the bot or deleted the chat; sendMessage refused)",
          encryptedToken: box.seal("1:token", `tenant_bots.token:${botId}`), encryptedWebhookSecret: box.seal("wh", `tenant_bots.webhook_secret:${botId}`),
        },
      });

      const host = `acme.${PLATFORM_DOMAIN}`;
      const placed = await request(e2e.app.port, "/api/storefront/checkout", {
        method: "POST", host, headers: { "idempotency-key": `e2e-ops-${Date.now()}` },
        body: { items: [{ itemId: item.id, quantity: 1 }], email: "grace.hopper.long.email@example.test", shippingAddress: ADDRESS, rail: "escrow" },
      });
      expect(placed.status, placed.body).toBe(201);
      const { token, order } = placed.json.data as { token: string; order: { id: string } };
      orderId = order.id;
      expect((await request(e2e.app.port, `/api/storefront/orders/${token}/sandbox-pay`, { method: "POST", host, body: {} })).status).toBe(200);
      const reason = "The jacket arrived with a torn sleeve, the zip is broken and the seller has not answered three emails in a week.";
      expect((await request(e2e.app.port, `/api/storefront/orders/${token}/dispute`, { method: "POST", host, body: { reason } })).status).toBe(201);
    } finally {
      await db.close();
    }
  });
  afterAll(async () => e2e?.teardown());

  /** A browser context signed in as the operator through the login API (the sign-in page has its own e2e). */
  async function signedIn(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const c = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await c.post("/api/auth/login", { email: operatorEmail, password: TEST_PASSWORD })).status).toBe(200);
    const ctx = await e2e.browser.newContext({ viewport });
    await ctx.addCookies([...c.cookies].map(([name, value]) => ({ name, value, url: e2e.platformUrl })));
    return ctx;
  }

  const pages = () => [
    { name: "home", path: "/ops" },
    { name: "tenant", path: `/ops/tenants/${tenantId}` },
    { name: "domains", path: "/ops/domains" },
    { name: "domain", path: `/ops/domains/${domainId}` },
    { name: "bots", path: "/ops/bots" },
    { name: "money", path: "/ops/money" },
    { name: "disputes", path: "/ops/disputes" },
    { name: "order", path: `/ops/tenants/${tenantId}/orders/${orderId}` },
    { name: "audit", path: "/ops/audit" },
  ];

  it("no console page scrolls sideways at 390 px; screenshots at 390 and 1280", async () => {
    for (const [label, viewport] of [["phone", PHONE], ["desktop", DESKTOP]] as const) {
      const ctx = await signedIn(viewport);
      const page = await ctx.newPage();
      const errors = watch(page);
      for (const p of pages()) {
        const res = await page.goto(`${e2e.platformUrl}${p.path}`);
        expect(res?.status(), p.path).toBe(200);
        await hydrated(page);
        const o = await overflow(page);
        expect(o.scrollWidth, `${p.path} at ${viewport.width} px: ${o.culprits.join(" | ")}`).toBeLessThanOrEqual(o.innerWidth);
        if (p.name === "money") {
          await page.getByText("It runs every 30 minutes on one worker").waitFor();
          await page.getByTestId("reconciliation-overdue").waitFor();
        }
        await shot(page, `${p.name}-${label}`);
      }
      expect(errors).toEqual([]);
      await ctx.close();
    }
  });

  it("a refund needs its confirm box: without JavaScript the first submit refunds nothing, with it the box is asked for", async () => {
    const orderStatus = async () => {
      const db = await openDatabase(e2e.dbUrl);
      try {
        return (await db.prisma.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } })).status;
      } finally {
        await db.close();
      }
    };
    const noJs = await e2e.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const c = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await c.post("/api/auth/login", { email: operatorEmail, password: TEST_PASSWORD })).status).toBe(200);
    await noJs.addCookies([...c.cookies].map(([name, value]) => ({ name, value, url: e2e.platformUrl })));
    const plain = await noJs.newPage();
    await plain.goto(`${e2e.platformUrl}/ops/disputes`);
    await plain.getByLabel(/^Note/).fill("Buyer sent photos of the damage.");
    await plain.getByRole("button", { name: "Refund buyer" }).click();
    await plain.getByText("a refund cannot be undone. Nothing was changed.").waitFor();
    expect(await orderStatus()).toBe("disputed");
    await shot(plain, "disputes-refund-refused-phone");
    await noJs.close();

    const ctx = await signedIn(DESKTOP);
    const page = await ctx.newPage();
    await page.goto(`${e2e.platformUrl}/ops/disputes`);
    await hydrated(page);
    await page.getByLabel(/^Note/).fill("Buyer sent photos of the damage.");
    await page.getByRole("button", { name: "Refund buyer" }).click();
    await page.getByRole("alert").getByText("Nothing was changed.").waitFor();
    expect(await orderStatus()).toBe("disputed");
    await page.getByRole("checkbox", { name: /Yes, refund the buyer/ }).check();
    await page.getByRole("button", { name: "Refund buyer" }).click();
    await page.getByText("Dispute resolved").waitFor();
    expect(await orderStatus()).toBe("refunded");
    await shot(page, "disputes-refunded-desktop");
    await ctx.close();
  });

  it("the operator signs out from the console on a phone", async () => {
    const ctx = await signedIn(PHONE);
    const page = await ctx.newPage();
    await page.goto(`${e2e.platformUrl}/ops/money`);
    await hydrated(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${e2e.platformUrl}/ops`);
    await page.waitForURL(/\/login\?redirectTo=%2Fops/);
    await ctx.close();
  });
});
