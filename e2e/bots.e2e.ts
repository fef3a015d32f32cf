/**
 * Telegram bots end to end against the fake Bot API: an owner connects a bot in the dashboard (never seeing the
 * token again), claims it through the fake Telegram, sees it active; the Mini App signs a buyer in from the launch
 * URL's initData and colours Telegram's header; operators see bot health (stale and suspended bots flagged); a
 * revoked bot can be replaced, and a token Telegram rejects shows as a suspended bot. Screenshots: bots-*.png.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { signInitData } from "#server/bots/index.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { startFakeTelegram, type FakeBot, type FakeTelegram } from "#tests/fake-telegram/server.ts";
import { freePort, until } from "#tests/wait.ts";
import { watch, hydrated } from "./browser-checks.ts";

type Db = Awaited<ReturnType<typeof openDatabase>>;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `bots-${name}.png`), fullPage: true });


async function signInAs(browser: Browser, platformUrl: string, email: string, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = watch(page);
  await page.goto(`${platformUrl}/login`);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/(dashboard|ops)/);
  return { context, page, errors };
}

describe("Telegram bot: connect, claim, Mini App sign-in, bot health, revoke", () => {
  let tg: FakeTelegram;
  let e2e: E2E;
  let db: Db;
  let port: number;
  let tenantId: string;
  let ownerEmail: string;
  let operatorEmail: string;
  let managerEmail: string;
  let bot: FakeBot;
  let owner: { context: BrowserContext; page: Page; errors: string[] };
  const secretPart = (token: string) => token.slice(token.indexOf(":") + 1);

  beforeAll(async () => {
    tg = await startFakeTelegram();
    port = await freePort();
    e2e = await setupE2E(["acme"], {
      PORT: String(port),
      TELEGRAM_API_ROOT: tg.url,
      TELEGRAM_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_TIMEOUT_MS: "2000",
      SECRET_BOX_KEY: randomBytes(32).toString("hex"),
    });
    db = await openDatabase(e2e.dbUrl);
    const user = await createUser(db.prisma, { email: "owner@acme-bots.test" });
    ownerEmail = user.email;
    tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: user.id, role: "owner" } });
    operatorEmail = (await createUser(db.prisma, { operator: true, email: "ops@acme-bots.test" })).email;
    const manager = await createUser(db.prisma, { email: "manager@acme-bots.test" });
    managerEmail = manager.email;
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: manager.id, role: "manager" } });
    bot = tg.addBot({ username: "acme_shop_bot", firstName: "Acme Outfitters" });
  });
  afterAll(async () => {
    await owner?.context.close().catch(() => {});
    await db?.close();
    await e2e?.teardown();
    await tg?.close();
  });

  it("an owner connects a bot by its token, claims it through Telegram and sees it active", async () => {
    owner = await signInAs(e2e.browser, e2e.platformUrl, ownerEmail);
    const m = owner.page;
    await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
    await hydrated(m);
    await m.getByRole("navigation", { name: "Shop sections" }).getByRole("link", { name: "Telegram" }).click();
    await m.waitForURL(/\/bot$/);
    await m.getByRole("heading", { name: "Connect a Telegram bot" }).waitFor();
    await shot(m, "1-empty");

    // A token Telegram does not know: the error sits next to the field, and the token is not sent back.
    const unknown = `123456789:${"B".repeat(35)}`;
    const field = m.getByLabel("Bot token");
    await field.fill(unknown);
    expect(await field.getAttribute("type")).toBe("password");
    await m.getByRole("button", { name: "Show" }).click();
    expect(await field.getAttribute("type")).toBe("text");
    await m.getByRole("button", { name: "Connect bot" }).click();
    const fieldError = m.locator(`#${await field.getAttribute("id")}-error`);
    await fieldError.getByText("Telegram does not accept this token").waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await field.inputValue()).toBe("");
    expect(await m.content()).not.toContain(secretPart(unknown));
    await shot(m, "2-invalid-token");

    // The real token: the bot is registered, waiting for its claim, and the token never comes back.
    await field.fill(bot.token);
    await m.getByRole("button", { name: "Connect bot" }).click();
    await m.getByText("@acme_shop_bot is connected").waitFor();
    await m.getByTestId("bot-status").filter({ hasText: "Waiting for claim" }).waitFor();
    const claimLink = (await m.getByTestId("claim-link").textContent())!.trim();
    expect(claimLink).toMatch(/^https:\/\/t\.me\/acme_shop_bot\?start=[A-Za-z0-9_-]+$/);
    expect(await m.getByRole("link", { name: /Open @acme_shop_bot in Telegram/ }).getAttribute("href")).toBe(claimLink);
    await m.getByText("open this link in telegram and press start", { exact: false }).waitFor();
    expect(await m.content()).not.toContain(secretPart(bot.token));
    await until(() => Boolean(tg.webhook(bot.id)?.secretToken), "the webhook to be set");
    await until(() => tg.menuButton(bot.id).type === "web_app", "the menu button to be set");
    await m.reload();
    await hydrated(m);
    await m.getByText("Being set up…").waitFor({ state: "detached" });
    await shot(m, "3-waiting-for-claim");

    // A manager sees the bot read-only: no claim link, no revoke, no register form.
    const mgr = await signInAs(e2e.browser, e2e.platformUrl, managerEmail);
    await mgr.page.goto(`${e2e.platformUrl}/dashboard/${tenantId}/bot`);
    await hydrated(mgr.page);
    await mgr.page.getByTestId("bot-status").filter({ hasText: "Waiting for claim" }).waitFor();
    await mgr.page.getByText("You are seeing it read-only").waitFor();
    expect(await mgr.page.getByTestId("claim-link").count()).toBe(0);
    expect(await mgr.page.getByText("Revoke…").count()).toBe(0);
    expect(await mgr.page.content()).not.toContain(claimLink.split("start=")[1]);
    await shot(mgr.page, "3b-manager-read-only");
    expect(mgr.errors).toEqual([]);
    await mgr.context.close();

    // The owner presses Start in Telegram with the claim token.
    const claimToken = new URL(claimLink).searchParams.get("start")!;
    expect(await tg.sendUpdate(bot.id, tg.messageUpdate({ fromId: 4242, text: `/start ${claimToken}` }))).toBe(200);
    expect(tg.sentMessages(bot.id).at(-1)?.text).toContain("you are its admin");
    await m.reload();
    await hydrated(m);
    await m.getByTestId("bot-status").filter({ hasText: "Active" }).waitFor();
    expect(await m.getByTestId("claim-link").count()).toBe(0);
    await shot(m, "4-active");
    expect(owner.errors).toEqual([]);
  });

  it("the Mini App signs the buyer in from the launch URL and colours Telegram's header", async () => {
    const fields = { auth_date: String(Math.floor(Date.now() / 1000)), query_id: "AAHdF6IQAAAAAN0XohDhrOrc", user: JSON.stringify({ id: 777001, first_name: "Ana", last_name: "Buyer", username: "ana_b" }) };
    const initData = new URLSearchParams({ ...fields, hash: signInitData(fields, bot.token) }).toString();
    const phone = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    // Stand in for the Telegram client's native bridge and record what the page asks of it.
    await phone.addInitScript(() => {
      const w = window as unknown as { __tgEvents: Array<[string, string | null]>; TelegramWebviewProxy?: { postEvent(type: string, data?: string): void } };
      w.__tgEvents = [];
      w.TelegramWebviewProxy = { postEvent: (type: string, data?: string) => w.__tgEvents.push([type, data ?? null]) };
    });
    const b = await phone.newPage();
    const errors = watch(b);
    await b.goto(`http://acme.${PLATFORM_DOMAIN}:${port}/telegram#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppVersion=8.0&tgWebAppPlatform=ios`);
    await hydrated(b);
    await b.getByTestId("telegram-buyer").filter({ hasText: "Signed in as Ana Buyer" }).waitFor();
    const cookies = await phone.cookies(`http://acme.${PLATFORM_DOMAIN}:${port}/`);
    expect(cookies.find((c) => c.name === "sf_buyer")?.httpOnly).toBe(true);
    const events = (await b.evaluate(() => (window as Window & { __tgEvents?: unknown }).__tgEvents)) as Array<[string, string | null]>;
    expect(events).toEqual([
      ["web_app_set_header_color", JSON.stringify({ color: "#14532d" })],
      ["web_app_set_background_color", JSON.stringify({ color: "#ffffff" })],
      ["web_app_ready", null],
    ]);
    await shot(b, "5-mini-app");
    expect(errors).toEqual([]);

    // Outside Telegram (no initData, no bridge) the page stays quiet: no note, no request, no errors.
    const plain = await e2e.browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await plain.newPage();
    const plainErrors = watch(p);
    const sessionCalls: string[] = [];
    p.on("request", (r) => r.url().includes("/telegram/session") && sessionCalls.push(r.url()));
    await p.goto(`http://acme.${PLATFORM_DOMAIN}:${port}/telegram`);
    await hydrated(p);
    await p.getByTestId("shop-name").waitFor();
    expect(await p.getByTestId("telegram-buyer").count()).toBe(0);
    expect(sessionCalls).toEqual([]);
    expect(plainErrors).toEqual([]);
    await Promise.all([phone.close(), plain.close()]);
  });

  it("operators see the bot's health; a bot silent for over 4 hours is flagged stale", async () => {
    await db.prisma.tenantBot.updateMany({ where: { tenantId }, data: { lastWebhookAt: new Date(Date.now() - 5 * 3_600_000) } });
    const ops = await signInAs(e2e.browser, e2e.platformUrl, operatorEmail);
    const o = ops.page;
    await o.goto(`${e2e.platformUrl}/ops`);
    await hydrated(o);
    await o.getByRole("link", { name: "Bot health" }).click();
    await o.waitForURL(/\/ops\/bots$/);
    const row = o.getByTestId("bot-row").filter({ hasText: "@acme_shop_bot" });
    await row.getByRole("link", { name: "acme", exact: true }).waitFor();
    await row.getByText("Active").waitFor();
    await row.getByTestId("stale-flag").waitFor();
    await o.getByRole("link", { name: /Only problems/ }).click();
    await o.waitForURL(/problems=1/);
    await o.getByTestId("bot-row").filter({ hasText: "@acme_shop_bot" }).getByTestId("stale-flag").waitFor();
    await shot(o, "6-ops-bot-health");

    await o.getByTestId("bot-row").getByRole("link", { name: "acme", exact: true }).click();
    await o.waitForURL(/\/ops\/tenants\//);
    const panel = o.locator("#bots");
    await panel.getByText("@acme_shop_bot").waitFor();
    await panel.getByTestId("stale-flag").waitFor();
    await panel.screenshot({ path: path.join(ARTIFACTS, "bots-7-ops-tenant-panel.png") });
    expect(ops.errors).toEqual([]);
    await ops.context.close();
  });

  it("the owner revokes the bot; a replacement whose token Telegram rejects shows as suspended", async () => {
    const m = owner.page;
    await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}/bot`);
    await hydrated(m);
    await m.getByText("Revoke…").click();
    await m.getByText("Revoke @acme_shop_bot?").waitFor();
    await shot(m, "8-revoke-confirm");
    await m.getByRole("button", { name: "Yes, revoke" }).click();
    await m.getByText("Bot revoked.").waitFor();
    await m.getByRole("heading", { name: "Revoked bots" }).waitFor();
    await m.getByRole("heading", { name: "Connect a Telegram bot" }).waitFor();
    await until(() => tg.webhook(bot.id) === null || tg.webhook(bot.id)?.url === "", "the webhook to be deleted");

    // A second bot whose token Telegram refuses once we configure it (revoked in @BotFather meanwhile).
    const second = tg.addBot({ username: "acme_backup_bot" });
    tg.fail("setWebhook", { mode: "401", botId: second.id });
    await m.getByLabel("Bot token").fill(second.token);
    await m.getByRole("button", { name: "Connect bot" }).click();
    await m.getByText("@acme_backup_bot is connected").waitFor();
    await until(async () => (await db.prisma.tenantBot.findFirst({ where: { username: "acme_backup_bot" }, select: { status: true } }))?.status === "suspended", "the bot to be suspended");
    await m.reload();
    await hydrated(m);
    const alert = m.getByRole("alert").filter({ hasText: "This bot is suspended" });
    await alert.getByText("Telegram rejected the token").waitFor();
    await m.getByRole("heading", { name: "Connect a Telegram bot" }).waitFor();
    await shot(m, "9-suspended");
    expect(await m.content()).not.toContain(secretPart(second.token));
    expect(owner.errors).toEqual([]);

    const ops = await signInAs(e2e.browser, e2e.platformUrl, operatorEmail);
    await ops.page.goto(`${e2e.platformUrl}/ops/bots?problems=1`);
    const row = ops.page.getByTestId("bot-row").filter({ hasText: "@acme_backup_bot" });
    await row.getByText("Suspended").waitFor();
    await row.getByText("Telegram rejected the token").waitFor();
    expect(await ops.page.getByTestId("bot-row").filter({ hasText: "@acme_shop_bot" }).count()).toBe(0);
    await shot(ops.page, "10-ops-problems");
    expect(ops.errors).toEqual([]);
    await ops.context.close();
  });
});
