/**
 * Issue 16's combined acceptance in Chromium: a merchant whose shop has 60 days of orders sees the overview's charts
 * (screenshots at 390 and 1280 px: e2e/artifacts/merchant-day-*.png), opens Payouts and downloads the movements CSV
 * (one row per ledger movement of this shop, each naming one of its orders), and sends an announcement that the fake
 * Bot API receives once per opted-in, Telegram-linked customer. Patterns from sales-overview and customers e2e.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, setupE2E, signInAs, PLATFORM_DOMAIN, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser } from "#tests/factories.ts";
import { request } from "#tests/http.ts";
import { seedBulkOrders } from "#tests/sales-seed.ts";
import { startFakeTelegram, type FakeBot, type FakeTelegram } from "#tests/fake-telegram/server.ts";
import { freePort, until } from "#tests/wait.ts";
import { hydrated, watch } from "./browser-checks.ts";

type Db = Awaited<ReturnType<typeof openDatabase>>;
const ADDRESS = { name: "Ada Lovelace", line1: "12 Analytical Row", city: "London", postalCode: "N1 9GU", country: "GB" };

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `merchant-day-${name}.png`), fullPage: true });
}

describe("a merchant's day: overview, payouts, announcement", () => {
  let tg: FakeTelegram;
  let e2e: E2E;
  let db: Db;
  let tenantId: string;
  let bot: FakeBot;
  const email = "owner@acme-day.test";

  beforeAll(async () => {
    tg = await startFakeTelegram();
    const port = await freePort();
    e2e = await setupE2E(["acme"], {
      PORT: String(port), PAYMENTS_SANDBOX: "true", TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_TIMEOUT_MS: "2000", SECRET_BOX_KEY: randomBytes(32).toString("hex"),
    });
    db = await openDatabase(e2e.dbUrl);
    tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
    await db.prisma.tenant.update({ where: { id: tenantId }, data: { timeZone: "Europe/Berlin" } });
    await db.prisma.tenantPaymentPolicy.update({ where: { tenantId }, data: { allowedRails: ["escrow", "direct"], escrowRequiredAboveAmount: null, escrowRequiredForCategories: [] } });
    const items = (await db.prisma.catalogItem.findMany({ where: { tenantId, archivedAt: null, stock: { not: 0 } }, select: { id: true }, take: 3 })).map((i) => i.id);
    const owner = await createUser(db.prisma, { email });
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
    // Real paid orders (lines, ledger postings, customers), then 60 days of history in bulk.
    const host = `acme.${PLATFORM_DOMAIN}`;
    for (let i = 0; i < 6; i++) {
      const placed = await request(e2e.app.port, "/api/storefront/checkout", {
        method: "POST", host, headers: { "idempotency-key": `e2e-day-${i}-${Date.now()}` },
        body: { items: [{ itemId: items[i % items.length], quantity: 1 + (i % 2) }], email: `buyer${i}@example.test`, shippingAddress: ADDRESS, rail: i % 2 ? "direct" : "escrow", acknowledgeNoEscrow: true, marketingOptIn: i < 3 },
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
    // Two of the opted-in buyers linked Telegram (as a Mini App checkout does); the third gets email only.
    await db.sql.query(`UPDATE customers SET telegram_user_id = CASE email_key WHEN 'buyer0@example.test' THEN '8001' WHEN 'buyer1@example.test' THEN '8002' END
      WHERE tenant_id = $1 AND email_key IN ('buyer0@example.test', 'buyer1@example.test')`, [tenantId]);
    bot = tg.addBot({ username: "acme_day_bot" });
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
    await tg?.close();
  });

  it("sees the charts, downloads the Payouts CSV, and sends an announcement the Bot API receives", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors = watch(page);
    await signInAs(page, e2e.platformUrl, email);

    // The overview with its charts, at 1280 and 390 px.
    await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
    await page.getByTestId("sales-overview").waitFor();
    expect(await page.getByTestId("chart-gmv").isVisible()).toBe(true);
    expect(await page.getByTestId("chart-orders").locator("rect").count()).toBe(30);
    expect(Number(await page.getByTestId("d30-orders").textContent())).toBeGreaterThan(500);
    expect(await page.getByTestId("top-items").locator("li").count()).toBeGreaterThan(0);
    await shot(page, "overview-1280");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId("chart-orders").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "overview-390");
    await page.setViewportSize({ width: 1280, height: 900 });

    // Payouts: the CSV has one row per ledger movement of this shop, each with one of its orders.
    await page.getByRole("link", { name: "Payouts" }).first().click();
    await page.getByTestId("balance-payable").waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("movements-csv").click()]);
    const csv = (await readFile(await download.path())).toString("utf8").trim().split("\r\n");
    const [{ n }] = (await db.sql.query(`SELECT count(*)::int AS n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
      WHERE a.tenant_id = $1 AND a.kind IN ('escrow', 'merchant_payable', 'merchant_fee_receivable')`, [tenantId])).rows as { n: number }[];
    expect(csv[0]).toBe("time_utc,account,kind,order_id,memo,amount,currency");
    expect(csv.length - 1).toBe(n);
    expect(n).toBeGreaterThan(0);
    const orders = new Set(((await db.sql.query(`SELECT id::text FROM orders WHERE tenant_id = $1`, [tenantId])).rows as { id: string }[]).map((r) => r.id));
    expect(csv.slice(1).every((l) => orders.has(l.split(",")[3]!))).toBe(true);
    await shot(page, "payouts-1280");

    // Connect and claim the shop's bot, then announce to the opted-in customers.
    await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}/bot`);
    await hydrated(page);
    await page.getByLabel("Bot token").fill(bot.token);
    await page.getByRole("button", { name: "Connect bot" }).click();
    const claimLink = (await page.getByTestId("claim-link").textContent())!.trim();
    await until(() => Boolean(tg.webhook(bot.id)?.secretToken), "the webhook to be set");
    await tg.sendUpdate(bot.id, tg.messageUpdate({ fromId: 555, text: `/start ${claimLink.split("start=")[1]}` }));
    await until(async () => (await db.prisma.tenantBot.findFirstOrThrow({ where: { tenantId } })).status === "active", "the bot to be claimed");

    await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}/customers`);
    await hydrated(page);
    await page.getByTestId("customers").getByText("buyer0@example.test").waitFor();
    await page.getByTestId("announcement-body").fill("Spring sale: 15% off this weekend.");
    await page.getByTestId("announcement-preview").getByText("/unsubscribe", { exact: false }).waitFor();
    await page.getByTestId("announcement-send").click();
    await page.waitForURL(/\/announcements\//);
    await until(() => tg.sentMessages(bot.id).filter((m) => m.text.startsWith("Spring sale")).length === 2, "the announcement to reach Telegram");
    await page.getByTestId("tg-sent").filter({ hasText: "2" }).waitFor({ timeout: 15_000 });
    expect(tg.sentMessages(bot.id).filter((m) => m.text.startsWith("Spring sale")).map((m) => m.chatId).sort()).toEqual([8001, 8002]);
    await shot(page, "announcement-1280");
    expect(errors).toEqual([]);
    await context.close();
  });
});
