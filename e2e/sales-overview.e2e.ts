/**
 * ADR 031 in Chromium: an owner of a shop with 60 days of orders sees the sales overview with its charts (screenshots
 * at 390 px and 1280 px: e2e/artifacts/sales-overview-*.png), opens Payouts and downloads the movements CSV, which
 * has one row per ledger movement.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { Client, request } from "#tests/http.ts";
import { seedBulkOrders } from "#tests/sales-seed.ts";

const ADDRESS = { name: "Ada Lovelace", line1: "12 Analytical Row", city: "London", postalCode: "N1 9GU", country: "GB" };

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe("sales overview and payouts in the browser", () => {
  let e2e: E2E;
  let tenantId: string;
  let ownerEmail: string;
  const contexts: BrowserContext[] = [];

  async function signedIn(viewport: { width: number; height: number }) {
    const c = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await c.post("/api/auth/login", { email: ownerEmail, password: TEST_PASSWORD })).status).toBe(200);
    const ctx = await e2e.browser.newContext({ viewport, acceptDownloads: true });
    await ctx.addCookies([...c.cookies].map(([name, value]) => ({ name, value, url: e2e.platformUrl })));
    contexts.push(ctx);
    return ctx;
  }

  beforeAll(async () => {
    e2e = await setupE2E(["acme"], { PAYMENTS_SANDBOX: "true" });
    const db = await openDatabase(e2e.dbUrl);
    let items: string[];
    try {
      tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
      await db.prisma.tenant.update({ where: { id: tenantId }, data: { timeZone: "Europe/Berlin" } });
      await db.prisma.tenantPaymentPolicy.update({ where: { tenantId }, data: { allowedRails: ["escrow", "direct"], escrowRequiredAboveAmount: null, escrowRequiredForCategories: [] } });
      items = (await db.prisma.catalogItem.findMany({ where: { tenantId, archivedAt: null, stock: { not: 0 } }, select: { id: true }, take: 3 })).map((i) => i.id);
      const owner = await createUser(db.prisma, { email: "owner@acme-sales.test" });
      await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
      ownerEmail = owner.email;
    } finally {
      await db.close();
    }
    // Real paid orders (lines and ledger postings), then 60 days of history in bulk.
    const host = `acme.${PLATFORM_DOMAIN}`;
    for (let i = 0; i < 8; i++) {
      const placed = await request(e2e.app.port, "/api/storefront/checkout", {
        method: "POST", host, headers: { "idempotency-key": `e2e-sales-${i}-${Date.now()}` },
        body: { items: [{ itemId: items[i % items.length], quantity: 1 + (i % 2) }], email: "ada@example.test", shippingAddress: ADDRESS, rail: i % 2 ? "direct" : "escrow", acknowledgeNoEscrow: true },
      });
      expect(placed.status, placed.body).toBe(201);
      expect((await request(e2e.app.port, `/api/storefront/orders/${placed.json.data.token}/sandbox-pay`, { method: "POST", host, body: {} })).status).toBe(200);
    }
    const c = new pg.Client({ connectionString: e2e.dbUrl });
    await c.connect();
    try {
      await seedBulkOrders(c, { tenantId, count: 1_200, days: 60, now: new Date() });
    } finally {
      await c.end();
    }
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await e2e?.teardown();
  });

  for (const [name, viewport] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1280, height: 900 }]] as const) {
    it(`shows the figures and charts (${name})`, async () => {
      const page = await (await signedIn(viewport)).newPage();
      await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
      await page.getByTestId("sales-overview").waitFor();
      expect(await page.getByTestId("chart-gmv").isVisible()).toBe(true);
      expect(await page.getByTestId("chart-orders").locator("rect").count()).toBe(30);
      expect(Number(await page.getByTestId("d30-orders").textContent())).toBeGreaterThan(500);
      expect(await page.getByTestId("top-items").locator("li").count()).toBeGreaterThan(0);
      await shot(page, `sales-overview-${name}`);
      await page.getByRole("link", { name: "90 days" }).click();
      await page.waitForURL(/chart=90/);
      await page.getByTestId("chart-orders").locator("rect").nth(89).waitFor();
      expect(await page.getByTestId("chart-orders").locator("rect").count()).toBe(90);
      if (name === "desktop") await shot(page, "sales-overview-desktop-90");
    });
  }

  it("opens Payouts and downloads one CSV row per ledger movement", async () => {
    const page = await (await signedIn({ width: 1280, height: 900 })).newPage();
    await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
    await page.getByRole("link", { name: "Payouts" }).click();
    await page.getByTestId("balance-payable").waitFor();
    expect(await page.getByTestId("movements").locator("tbody tr").count()).toBeGreaterThan(0);
    await shot(page, "payouts-desktop");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("movements-csv").click()]);
    const csv = (await readFile(await download.path())).toString("utf8").trim().split("\r\n");
    const db = await openDatabase(e2e.dbUrl);
    try {
      const [row] = (await db.sql.query(`SELECT count(*)::int AS n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
        WHERE a.tenant_id = $1 AND a.kind IN ('escrow', 'merchant_payable', 'merchant_fee_receivable')`, [tenantId])).rows;
      expect(csv[0]).toBe("time_utc,account,kind,order_id,memo,amount,currency");
      expect(csv.length - 1).toBe(row.n);
    } finally {
      await db.close();
    }
    const phone = await (await signedIn({ width: 390, height: 844 })).newPage();
    await phone.goto(`${e2e.platformUrl}/dashboard/${tenantId}/payouts`);
    await phone.getByTestId("balance-payable").waitFor();
    await shot(phone, "payouts-phone");
  });
});
