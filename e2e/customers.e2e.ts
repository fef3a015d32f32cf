/**
 * Customers and announcements in Chromium (ADR 033): a merchant with a claimed bot opens Customers (screenshots at
 * 1280 and 390 px), composes an announcement with its preview, sends it, watches the progress page count the
 * messages, and the fake Bot API receives one message per opted-in, Telegram-linked customer.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, setupE2E, signInAs, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser } from "#tests/factories.ts";
import { startFakeTelegram, type FakeBot, type FakeTelegram } from "#tests/fake-telegram/server.ts";
import { freePort, until } from "#tests/wait.ts";
import { hydrated, watch } from "./browser-checks.ts";

type Db = Awaited<ReturnType<typeof openDatabase>>;
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `customers-${name}.png`), fullPage: true });

describe("Customers page and announcements", () => {
  let tg: FakeTelegram;
  let e2e: E2E;
  let db: Db;
  let tenantId: string;
  let bot: FakeBot;
  const email = "owner@acme-customers.test";

  beforeAll(async () => {
    tg = await startFakeTelegram();
    const port = await freePort();
    e2e = await setupE2E(["acme"], {
      PORT: String(port), TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_TIMEOUT_MS: "2000", SECRET_BOX_KEY: randomBytes(32).toString("hex"),
    });
    db = await openDatabase(e2e.dbUrl);
    const user = await createUser(db.prisma, { email });
    tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: user.id, role: "owner" } });
    bot = tg.addBot({ username: "acme_news_bot" });
    // Customers as checkout leaves them: two opted in with Telegram, one opted in by email only, one not opted in.
    const rows: Array<[string, string | null, boolean, number, string]> = [
      ["maria@example.test", "7001", true, 4, "182.50"], ["reza@example.test", "7002", true, 1, "40.00"],
      ["lena@example.test", null, true, 2, "75.00"], ["tom@example.test", "7004", false, 1, "19.99"],
    ];
    for (const [mail, chat, optIn, orders, spent] of rows) {
      await db.prisma.customer.create({ data: {
        tenantId, email: mail, emailKey: mail, telegramUserId: chat, marketingOptIn: optIn, ordersCount: orders, paidOrdersCount: orders,
        totalSpent: spent, firstOrderAt: new Date(Date.now() - orders * 86_400_000 * 7), lastOrderAt: new Date(Date.now() - orders * 86_400_000),
      } });
    }
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
    await tg?.close();
  });

  it("the merchant sends an announcement that the fake Bot API receives", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watch(page);
    await signInAs(page, e2e.platformUrl, email);

    // Connect and claim the shop's bot, as the Telegram page does.
    await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}/bot`);
    await hydrated(page);
    await page.getByLabel("Bot token").fill(bot.token);
    await page.getByRole("button", { name: "Connect bot" }).click();
    const claimLink = (await page.getByTestId("claim-link").textContent())!.trim();
    await until(() => Boolean(tg.webhook(bot.id)?.secretToken), "the webhook to be set");
    await tg.sendUpdate(bot.id, tg.messageUpdate({ fromId: 555, text: `/start ${claimLink.split("start=")[1]}` }));
    await until(async () => (await db.prisma.tenantBot.findFirstOrThrow({ where: { tenantId } })).status === "active", "the bot to be claimed");

    await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
    await hydrated(page);
    await page.getByRole("navigation", { name: "Shop sections" }).getByRole("link", { name: "Customers" }).click();
    await page.waitForURL(/\/customers$/);
    await page.getByTestId("customers").getByText("maria@example.test").waitFor();
    await page.getByRole("link", { name: /Total spent/ }).click();
    await page.waitForURL(/sort=spent/);
    // The link changes the URL as the navigation starts; the list is re-sorted only when the loader's answer lands.
    await page.getByTestId("customers").locator("li").first().filter({ hasText: "maria@example.test" }).waitFor();
    await page.getByTestId("announcement-body").fill("Winter sale: 20% off until Sunday.");
    await page.getByTestId("announcement-preview").getByText("/unsubscribe", { exact: false }).waitFor();
    await shot(page, "1280");

    await page.getByTestId("announcement-send").click();
    await page.waitForURL(/\/announcements\//);
    await until(() => tg.sentMessages(bot.id).filter((m) => m.text.startsWith("Winter sale")).length === 2, "the announcement to reach Telegram");
    await page.getByTestId("tg-sent").filter({ hasText: "2" }).waitFor({ timeout: 15_000 });
    const sent = tg.sentMessages(bot.id).filter((m) => m.text.startsWith("Winter sale"));
    expect(sent.map((m) => m.chatId).sort()).toEqual([7001, 7002]);
    await shot(page, "announcement-1280");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}/customers`);
    await hydrated(page);
    await page.getByTestId("customers").getByText("maria@example.test").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "390");
    expect(errors).toEqual([]);
    await context.close();
  });
});
