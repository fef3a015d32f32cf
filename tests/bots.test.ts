/** Issue 5 against the fake Bot API over real HTTP: registration, webhook isolation, claim, commands, Mini App. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { startFakeTelegram, type FakeBot, type FakeTelegram } from "./fake-telegram/server.ts";
import { signInitData } from "#server/bots/index.ts";
import { freePort, until } from "./wait.ts";

const db = await createTestDatabase();
let tg: FakeTelegram;
let app: RunningApp;
let owner: Client;
let operator: Client;
const shops: Record<string, { tenantId: string; fake: FakeBot; botId: string; registerBody: string }> = {};



beforeAll(async () => {
  tg = await startFakeTelegram();
  const port = await freePort();
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PORT: String(port),
    TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`, TELEGRAM_TIMEOUT_MS: "2000",
    SECRET_BOX_KEY: randomBytes(32).toString("hex"), LOG_LEVEL: "debug",
  });
  owner = await signIn(app.port, (await createUser(db.prisma)).email);
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
  for (const slug of ["botshop", "othershop"]) {
    const tenantId = (await owner.post("/api/tenants", { slug, displayName: `Shop ${slug}` })).json.data.id;
    await operator.post(`/api/tenants/${tenantId}/activate`, { reason: "bot tests" });
    const fake = tg.addBot({ username: `${slug}_bot` });
    const res = await owner.post(`/api/tenants/${tenantId}/bots`, { token: fake.token });
    expect(res.status, res.body).toBe(201);
    shops[slug] = { tenantId, fake, botId: res.json.data.bot.id, registerBody: res.body };
  }
});
afterAll(async () => {
  await app?.stop();
  await tg?.close();
});

const claimTokenOf = async (slug: string) => {
  const link = (await owner.get(`/api/tenants/${shops[slug]!.tenantId}/bots/${shops[slug]!.botId}/claim-link`)).json.data.claimLink as string;
  return new URL(link).searchParams.get("start")!;
};
const lastText = (slug: string) => tg.sentMessages(shops[slug]!.fake.id).at(-1)?.text ?? "";

describe("registration", () => {
  it("checks the token with getMe, stores it sealed, and configures the webhook and menu button in a job", async () => {
    const bad = await owner.post(`/api/tenants/${shops.botshop!.tenantId}/bots`, { token: "not-a-token-at-all-really" });
    expect([bad.status, bad.json.error.code]).toEqual([400, "BOT_TOKEN_INVALID"]);
    const unknown = await owner.post(`/api/tenants/${shops.botshop!.tenantId}/bots`, { token: `123456789:${"A".repeat(35)}` });
    expect([unknown.status, unknown.json.error.code]).toEqual([400, "BOT_TOKEN_INVALID"]);

    const { fake, botId } = shops.botshop!;
    const row = await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: botId } });
    expect(row.encryptedToken).toMatch(/^v1:/);
    expect(row.encryptedToken).not.toContain(fake.token.split(":")[1]);
    await until(() => tg.webhook(fake.id)?.url === `${`http://127.0.0.1:${app.port}`}/api/telegram/webhook/${botId}`);
    await until(() => tg.menuButton(fake.id).type === "web_app");
    expect(JSON.stringify(tg.menuButton(fake.id))).toContain("https://botshop.localhost/telegram");
    // The database refuses a plaintext token outright.
    await expect(db.prisma.tenantBot.update({ where: { id: botId }, data: { encryptedToken: fake.token } })).rejects.toThrow(/tenant_bots_token_sealed_ck/);
  });

  it("never returns or logs the token or the webhook secret; the claim link is for owners and developers only", async () => {
    const { fake, tenantId, botId, registerBody } = shops.botshop!;
    const secret = tg.webhook(fake.id)!.secretToken!;
    const list = await owner.get(`/api/tenants/${tenantId}/bots`);
    for (const body of [registerBody, list.body]) {
      expect(body).not.toContain(fake.token.split(":")[1]);
      expect(body).not.toContain(secret);
    }
    expect(app.logs.join("")).not.toContain(fake.token.split(":")[1]);
    expect(app.logs.join("")).not.toContain(secret);
    const manager = await createUser(db.prisma);
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: manager.id, role: "manager" } });
    const m = await signIn(app.port, manager.email);
    expect((await m.get(`/api/tenants/${tenantId}/bots`)).status).toBe(200);
    expect((await m.get(`/api/tenants/${tenantId}/bots/${botId}/claim-link`)).status).toBe(403);
    const dev = await createUser(db.prisma);
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: dev.id, role: "developer" } });
    const d = await signIn(app.port, dev.email);
    expect((await d.get(`/api/tenants/${tenantId}/bots/${botId}/claim-link`)).json.data.claimLink).toMatch(/^https:\/\/t\.me\/botshop_bot\?start=/);
  });
});

describe("webhook", () => {
  it("refuses a wrong secret, another bot's secret and an unknown bot, processing nothing", async () => {
    const a = shops.botshop!;
    const b = shops.othershop!;
    await until(() => Boolean(tg.webhook(b.fake.id)?.secretToken));
    const post = (botId: string, secret: string) =>
      request(app.port, `/api/telegram/webhook/${botId}`, { headers: { "x-telegram-bot-api-secret-token": secret }, body: tg.messageUpdate({ fromId: 5, text: "/start" }) });
    const before = await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: b.botId } });
    const sentBefore = tg.sentMessages(b.fake.id).length;
    expect((await post(b.botId, "wrong-secret")).status).toBe(401);
    expect((await post(b.botId, tg.webhook(a.fake.id)!.secretToken!)).status).toBe(401);
    expect((await post(crypto.randomUUID(), "x")).status).toBe(404);
    const after = await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: b.botId } });
    expect(after.lastWebhookAt).toEqual(before.lastWebhookAt);
    expect(tg.sentMessages(b.fake.id).length).toBe(sentBefore);
  });

  it("a buyer's /start gets a welcome with an Open shop Mini App button; only this tenant's bot answers", async () => {
    const a = shops.botshop!;
    const otherSent = tg.sentMessages(shops.othershop!.fake.id).length;
    expect(await tg.sendUpdate(a.fake.id, tg.messageUpdate({ fromId: 700, text: "/start" }))).toBe(200);
    const msg = tg.sentMessages(a.fake.id).at(-1)!;
    expect(msg.text).toContain("Welcome to Shop botshop");
    expect(JSON.stringify(msg.replyMarkup)).toContain("https://botshop.localhost/telegram");
    expect(tg.sentMessages(shops.othershop!.fake.id).length).toBe(otherSent);
    expect((await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: a.botId } })).lastWebhookAt).not.toBeNull();
  });
});

describe("claim and commands", () => {
  it("the claim works once; a second /start with the same token changes nothing", async () => {
    const a = shops.botshop!;
    const token = await claimTokenOf("botshop");
    await tg.sendUpdate(a.fake.id, tg.messageUpdate({ fromId: 111, text: `/start ${token}` }));
    expect(lastText("botshop")).toContain("you are its admin");
    let row = await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: a.botId } });
    expect([row.status, row.adminTelegramUserId, row.claimTokenHash]).toEqual(["active", "111", null]);
    await tg.sendUpdate(a.fake.id, tg.messageUpdate({ fromId: 222, text: `/start ${token}` }));
    expect(lastText("botshop")).not.toContain("admin");
    row = await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: a.botId } });
    expect(row.adminTelegramUserId).toBe("111");
    expect((await owner.get(`/api/tenants/${a.tenantId}/bots/${a.botId}/claim-link`)).json.data).toEqual({ claimLink: null, claimed: true });
  });

  it("admins and buyers get different answers; /mute and /unmute toggle notifications", async () => {
    const a = shops.botshop!;
    await tg.sendUpdate(a.fake.id, tg.messageUpdate({ fromId: 333, text: "/stats" }));
    expect(lastText("botshop")).toContain("link your Telegram account first");
    await tg.sendUpdate(a.fake.id, tg.messageUpdate({ fromId: 111, text: "/stats" }));
    expect(lastText("botshop")).toContain("the last 7 days");
    await tg.sendUpdate(a.fake.id, tg.messageUpdate({ fromId: 111, text: "/mute" }));
    expect((await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: a.botId } })).paused).toBe(true);
    await tg.sendUpdate(a.fake.id, tg.messageUpdate({ fromId: 111, text: "/unmute" }));
    expect((await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: a.botId } })).paused).toBe(false);
  });

  it("the 21st command within a minute gets a rate-limited reply", async () => {
    const a = shops.botshop!;
    for (let i = 0; i < 20; i++) await tg.sendUpdate(a.fake.id, tg.messageUpdate({ fromId: 444, text: "/help" }));
    expect(lastText("botshop")).toContain("Welcome");
    await tg.sendUpdate(a.fake.id, tg.messageUpdate({ fromId: 444, text: "/help" }));
    expect(lastText("botshop")).toMatch(/Too many commands/);
  });

  it("a suspended shop's bot webhook is refused", async () => {
    const b = shops.othershop!;
    await operator.post(`/api/tenants/${b.tenantId}/suspend`, { reason: "bot test" });
    expect(await tg.sendUpdate(b.fake.id, tg.messageUpdate({ fromId: 9, text: "/start" }))).toBe(401);
    await operator.post(`/api/tenants/${b.tenantId}/activate`, { reason: "bot test over" });
  });
});

describe("Mini App initData", () => {
  const initData = (token: string, authDate = Math.floor(Date.now() / 1000), user = { id: 555, first_name: "Ana" }) => {
    const fields = { auth_date: String(authDate), query_id: "AAE", user: JSON.stringify(user) };
    return new URLSearchParams({ ...fields, hash: signInitData(fields, token) }).toString();
  };
  const session = (host: string, data: string) => request(app.port, "/api/storefront/telegram/session", { host, body: { initData: data } });

  it("accepts a valid value, again after a reload, and only on its own shop", async () => {
    const token = shops.botshop!.fake.token;
    const data = initData(token);
    const first = await session("botshop.localhost", data);
    expect(first.status, first.body).toBe(200);
    expect(first.json.data.buyer.telegramUserId).toBe("555");
    expect(String(first.headers["set-cookie"])).toMatch(/^sf_buyer=[^;]+; Path=\/; HttpOnly/);
    expect((await session("botshop.localhost", data)).status).toBe(200);
    // Signed by botshop's bot: refused by othershop (whose bot is a different one).
    await db.prisma.tenantBot.update({ where: { id: shops.othershop!.botId }, data: { status: "active", claimedAt: new Date(), adminTelegramUserId: "1", claimTokenHash: null, encryptedClaimToken: null } });
    expect((await session("othershop.localhost", data)).status).toBe(401);
  });

  it("refuses tampered and expired values", async () => {
    const token = shops.botshop!.fake.token;
    const tampered = initData(token).replace("Ana", "Eve");
    expect((await session("botshop.localhost", tampered)).status).toBe(401);
    const old = initData(token, Math.floor(Date.now() / 1000) - 301);
    const res = await session("botshop.localhost", old);
    expect([res.status, res.json.error.code]).toEqual([401, "INIT_DATA_INVALID"]);
  });
});

describe("re-registration", () => {
  it("the same bot can be registered again after a revoke, but not while another shop uses it", async () => {
    const a = shops.botshop!;
    const b = shops.othershop!;
    const taken = await owner.post(`/api/tenants/${b.tenantId}/bots`, { token: a.fake.token });
    expect([taken.status, taken.json.error.code]).toEqual([409, "BOT_TAKEN"]);
    expect((await owner.del(`/api/tenants/${a.tenantId}/bots/${a.botId}`)).status).toBe(200);
    const again = await owner.post(`/api/tenants/${a.tenantId}/bots`, { token: a.fake.token });
    expect(again.status, again.body).toBe(201);
    expect(await db.prisma.tenantBot.count({ where: { telegramBotId: String(a.fake.id) } })).toBe(1);
  });
});
