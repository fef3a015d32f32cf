/**
 * Issue 16 points 3 and 4 (ADR 032) against the real app, Postgres, Redis and the fake Bot API: Telegram linking,
 * /orders /order /stats that match the shop's orders, the "Mark shipped" button (linked manager only, re-checked at
 * press time, stale CAS refused), /pause → 409 SHOP_PAUSED and /resume (audited), alerts with a View button, and
 * a Mini App buyer's updates exactly once each — never from another shop's bot.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { request, type Client } from "./http.ts";
import { formPost, signIn } from "./tenant-fixture.ts";
import { ADDRESS, createShop, httpBuyer, newKey } from "./money-fixture.ts";
import { startFakeTelegram, type FakeBot, type FakeTelegram } from "./fake-telegram/server.ts";
import { createTelegramLink, notifyOrderBuyer, notificationJobId, signInitData } from "#server/bots/index.ts";
import { enqueueJob, QUEUE } from "#server/jobs/index.ts";
import { hashSecret } from "#server/secrets/index.ts";
import { freePort, until } from "./wait.ts";

const db = await createTestDatabase();
const prefix = redisPrefix();
let tg: FakeTelegram;
let app: RunningApp;
let redis: Redis;
let queue: Queue;
type Shop = Awaited<ReturnType<typeof createShop>> & { fake: FakeBot; botId: string; owner: Client; ownerId: string };
const shops: Record<"a" | "b", Shop> = {} as never;
const CLAIMANT = 111;
const BUYER = 600;

beforeAll(async () => {
  tg = await startFakeTelegram();
  const port = await freePort();
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost", PORT: String(port), PAYMENTS_SANDBOX: "true",
    TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`, TELEGRAM_TIMEOUT_MS: "5000",
    SECRET_BOX_KEY: randomBytes(32).toString("hex"), JOBS_BACKOFF_BASE_MS: "50", PUBLIC_BASE_URL: "https://dash.example.test",
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000",
  });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  queue = new Queue(QUEUE, { connection: redis, prefix: `${prefix}bull` });
  for (const key of ["a", "b"] as const) {
    const shop = await createShop(db, { rails: ["escrow", "direct"] });
    const owner = await createUser(db.prisma);
    await db.prisma.tenantUserRole.create({ data: { tenantId: shop.tenantId, userId: owner.id, role: "owner" } });
    const client = await signIn(app.port, owner.email);
    const fake = tg.addBot({ username: `shop_${key}_bot` });
    const res = await client.post(`/api/tenants/${shop.tenantId}/bots`, { token: fake.token });
    expect(res.status, res.body).toBe(201);
    const botId = res.json.data.bot.id as string;
    await until(() => Boolean(tg.webhook(fake.id)?.secretToken));
    shops[key] = { ...shop, fake, botId, owner: client, ownerId: owner.id };
  }
  // Shop A's bot is claimed by Telegram user 111 (an admin without a dashboard account), shop B's by 112.
  for (const [key, claimant] of [["a", CLAIMANT], ["b", 112]] as const) {
    const link = (await shops[key].owner.get(`/api/tenants/${shops[key].tenantId}/bots/${shops[key].botId}/claim-link`)).json.data.claimLink as string;
    await say(key, claimant, `/start ${new URL(link).searchParams.get("start")}`);
    await until(async () => (await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: shops[key].botId } })).adminTelegramUserId === String(claimant));
  }
});
afterAll(async () => {
  await queue?.close();
  redis?.disconnect();
  await app?.stop();
  await tg?.close();
});

/** An order alert ("New order #1a2b3c4d — 40.00 USD"): the worker may deliver one late, in the middle of a command's reply. */
const ALERT = / #[0-9a-f]{8} — /;
/** The bot's reply to this command: sent to this chat after the update went in, and not an order alert. */
async function say(shop: "a" | "b", fromId: number, text: string) {
  const before = tg.sentMessages(shops[shop].fake.id).length;
  expect(await tg.sendUpdate(shops[shop].fake.id, tg.messageUpdate({ fromId, text }))).toBe(200);
  return tg.sentMessages(shops[shop].fake.id).slice(before).filter((m) => m.chatId === fromId && !ALERT.test(m.text)).at(-1)!;
}
async function press(shop: "a" | "b", fromId: number, data: string) {
  expect(await tg.sendUpdate(shops[shop].fake.id, tg.callbackUpdate({ fromId, data }))).toBe(200);
  return tg.answeredCallbacks(shops[shop].fake.id).at(-1)!.text ?? "";
}
/** A member of the shop with this role, linked to Telegram through the one-time link. */
async function linkedMember(shop: "a" | "b", role: "owner" | "manager" | "support", telegramId: number) {
  const user = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId: shops[shop].tenantId, userId: user.id, role } });
  const { link } = await createTelegramLink(db.prisma, user.id, shops[shop].tenantId);
  const msg = await say(shop, telegramId, `/start ${new URL(link).searchParams.get("start")}`);
  expect(msg.text).toContain("now linked");
  return user;
}
const cart = (shop: Shop, title = "Lamp") => ({ items: [{ itemId: shop.item(title), quantity: 1 }], email: "b@example.test", shippingAddress: ADDRESS, rail: "escrow" });
async function paidOrder(shop: Shop, headers: Record<string, string> = {}) {
  const res = await request(app.port, "/api/storefront/checkout", { host: `${shop.slug}.localhost`, headers: { "idempotency-key": newKey(), ...headers }, body: cart(shop) });
  expect(res.status, res.body).toBe(201);
  const paid = await httpBuyer(app.port, shop.slug).post(`/api/storefront/orders/${res.json.data.token}/sandbox-pay`);
  expect(paid.status, paid.body).toBe(200);
  return res.json.data.order.id as string;
}
const short = (id: string) => id.slice(0, 8);
/** The checkout page's own form post (Remix's `.data` action URL), as a browser without JS sends it. */
const pageCheckout = (shop: Shop, headers: Record<string, string> = {}) =>
  request(app.port, "/checkout.data", {
    method: "POST", host: `${shop.slug}.localhost`, headers: { origin: `http://${shop.slug}.localhost`, ...headers },
    raw: { contentType: "application/x-www-form-urlencoded", data: new URLSearchParams({ cart: `${shop.item("E-book")}:1`, idempotencyKey: newKey(), email: "p@buyer.test", rail: "escrow" }).toString() },
  });

describe("linking", () => {
  it("the deep link is single-use and stored hashed; it links the sender's Telegram id to the member", async () => {
    const { link } = await createTelegramLink(db.prisma, shops.a.ownerId, shops.a.tenantId);
    expect(link).toMatch(/^https:\/\/t\.me\/shop_a_bot\?start=link_[A-Za-z0-9_-]+$/);
    const token = new URL(link).searchParams.get("start")!.slice("link_".length);
    const row = await db.prisma.telegramLinkToken.findFirstOrThrow({ where: { tenantId: shops.a.tenantId, userId: shops.a.ownerId } });
    expect(row.tokenHash).toBe(hashSecret(token));
    // Another shop's bot does not know this shop's token.
    expect((await say("b", 401, `/start link_${token}`)).text).toContain("not valid");
    expect((await say("a", 401, `/start link_${token}`)).text).toContain("now linked");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: shops.a.ownerId } })).telegramUserId).toBe("401");
    expect((await say("a", 402, `/start link_${token}`)).text).toContain("not valid");
    expect((await db.prisma.user.findFirst({ where: { telegramUserId: "402" } }))).toBeNull();
  });

  it("an expired link does nothing", async () => {
    const user = await createUser(db.prisma);
    await db.prisma.tenantUserRole.create({ data: { tenantId: shops.a.tenantId, userId: user.id, role: "manager" } });
    const { link } = await createTelegramLink(db.prisma, user.id, shops.a.tenantId, new Date(Date.now() - 16 * 60_000));
    expect((await say("a", 409, `/start ${new URL(link).searchParams.get("start")}`)).text).toContain("not valid");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).telegramUserId).toBeNull();
  });
});

describe("account page", () => {
  it("Link Telegram gives a one-time deep link to the chosen shop's bot; Unlink clears it", async () => {
    const user = await createUser(db.prisma);
    await db.prisma.tenantUserRole.create({ data: { tenantId: shops.b.tenantId, userId: user.id, role: "manager" } });
    const client = await signIn(app.port, user.email);
    expect((await client.get("/account")).body).toContain('data-testid="telegram-link"');
    const res = await formPost(client, "/account?index", { intent: "linkTelegram", tenantId: shops.b.tenantId }, "/account");
    const link = /https:\/\/t\.me\/shop_b_bot\?start=link_[A-Za-z0-9_-]+/.exec(res.body)?.[0];
    expect(link, res.body.slice(0, 500)).toBeTruthy();
    // Not a member of shop A: no link to its bot.
    const other = await formPost(client, "/account?index", { intent: "linkTelegram", tenantId: shops.a.tenantId }, "/account");
    expect(other.body).not.toContain("shop_a_bot?start=");
    expect((await say("b", 410, `/start ${new URL(link!).searchParams.get("start")}`)).text).toContain("now linked");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).telegramUserId).toBe("410");
    await formPost(client, "/account?index", { intent: "unlinkTelegram" }, "/account");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).telegramUserId).toBeNull();
  });
});

describe("admin commands", () => {
  it("/orders and /stats match the shop's real orders; strangers are told to link first", async () => {
    const a = shops.a;
    const ids = [await paidOrder(a), await paidOrder(a)];
    const unpaid = await request(app.port, "/api/storefront/checkout", { host: `${a.slug}.localhost`, headers: { "idempotency-key": newKey() }, body: cart(a) });
    expect(unpaid.status).toBe(201);
    await paidOrder(shops.b); // never listed by shop A's bot

    const orders = await say("a", CLAIMANT, "/orders");
    const open = await db.prisma.order.findMany({ where: { tenantId: a.tenantId }, orderBy: { createdAt: "desc" } });
    for (const o of open) expect(orders.text).toContain(`#${short(o.id)} · ${o.status.replace(/_/g, " ")}`);
    expect(orders.text.split("\n").filter((l) => l.startsWith("#"))).toHaveLength(3);
    expect(orders.text).toContain("40.00 USD");

    const stats = await say("a", CLAIMANT, "/stats");
    const [sum] = await db.sql.query(`SELECT count(*) FILTER (WHERE paid_at IS NOT NULL)::int AS paid, count(*)::int AS placed,
      coalesce(sum(total) FILTER (WHERE paid_at IS NOT NULL), 0)::numeric(20,2)::text AS gmv FROM orders WHERE tenant_id = $1 AND created_at > now() - interval '7 days'`, [a.tenantId]).then((r) => r.rows);
    expect(stats.text).toContain(`Orders: ${sum.paid} paid of ${sum.placed} placed`);
    expect(stats.text).toContain(`GMV: ${sum.gmv} USD`);
    expect(ids).toHaveLength(2);

    expect((await say("a", 999, "/stats")).text).toContain("link your Telegram account first");
    await linkedMember("a", "support", 403);
    expect((await say("a", 403, "/stats")).text).toBe("Your role in this shop does not allow that.");
  });

  it("/order shows the detail with a Mark shipped button and a dashboard URL button; another shop's order is not found", async () => {
    const a = shops.a;
    const id = await paidOrder(a);
    const msg = await say("a", CLAIMANT, `/order ${short(id)}`);
    expect(msg.text).toContain(`Order #${short(id)}`);
    expect(msg.text).toContain("1 × Lamp");
    expect(msg.replyMarkup).toEqual({ inline_keyboard: [[
      { text: "Mark shipped", callback_data: `ship:${id}` },
      { text: "Open in dashboard", url: `https://dash.example.test/dashboard/${a.tenantId}/orders/${id}` },
    ]] });
    const other = await paidOrder(shops.b);
    expect((await say("a", CLAIMANT, `/order ${short(other)}`)).text).toContain("was not found");
  });

  it("Mark shipped: a linked manager ships; the buyer, another shop's member, a support member and a stale press are refused", async () => {
    const a = shops.a;
    const id = await paidOrder(a);
    const manager = await linkedMember("a", "manager", 404);
    await linkedMember("b", "manager", 405);
    const status = async () => (await db.prisma.order.findUniqueOrThrow({ where: { id } })).status;

    expect(await press("a", 999, `ship:${id}`)).toContain("link your Telegram account first");
    expect(await press("a", 405, `ship:${id}`)).toContain("link your Telegram account first"); // shop B's manager
    expect(await press("a", 403, `ship:${id}`)).toBe("Your role in this shop does not allow that."); // support
    expect(await press("a", CLAIMANT, `ship:${id}`)).toContain("link your Telegram account first"); // no person to audit
    expect(await status()).toBe("escrow_funded");
    // Shop B's bot cannot ship shop A's order even for its own manager.
    expect(await press("b", 405, `ship:${id}`)).toBe("No such order in this shop.");
    expect(await status()).toBe("escrow_funded");

    expect(await press("a", 404, `ship:${id}`)).toBe(`Order #${short(id)} is marked shipped.`);
    expect(await status()).toBe("fulfilling");
    const audit = await db.prisma.auditLog.findFirst({ where: { tenantId: a.tenantId, action: "order.ship", target: `order:${id}` } });
    expect(audit?.actorId).toBe(manager.id);
    expect(await press("a", 404, `ship:${id}`)).toContain("changed meanwhile");
    expect(await status()).toBe("fulfilling");
  });
});

describe("/pause and /resume", () => {
  it("pausing makes checkout refuse with 409 SHOP_PAUSED and the bootstrap say so; resuming restores it; both audited", async () => {
    const a = shops.a;
    const checkout = () => request(app.port, "/api/storefront/checkout", { host: `${a.slug}.localhost`, headers: { "idempotency-key": newKey() }, body: cart(a) });
    const bootstrap = async () => (await request(app.port, "/api/storefront/bootstrap", { host: `${a.slug}.localhost` })).json.data.features.acceptingOrders;
    expect(await bootstrap()).toBe(true);
    const before = await db.prisma.order.count({ where: { tenantId: a.tenantId } });

    expect((await say("a", CLAIMANT, "/pause")).text).toContain("paused");
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: a.tenantId } })).acceptingOrders).toBe(false);
    const refused = await checkout();
    expect([refused.status, refused.json.error.code]).toEqual([409, "SHOP_PAUSED"]);
    expect(refused.json.error.message).toContain("not taking new orders");
    expect(await db.prisma.order.count({ where: { tenantId: a.tenantId } })).toBe(before);
    await until(async () => (await bootstrap()) === false);
    const page = await pageCheckout(a);
    expect(page.status).toBe(409);
    expect(page.body).toContain("not taking new orders");
    expect(await db.prisma.order.count({ where: { tenantId: a.tenantId } })).toBe(before);
    const home = await request(app.port, "/", { host: `${a.slug}.localhost` });
    expect(home.body).toContain('data-testid="paused-banner"');
    expect(home.body).toContain("not taking new orders");
    // Shop B is not paused by shop A's bot.
    expect((await request(app.port, "/api/storefront/checkout", { host: `${shops.b.slug}.localhost`, headers: { "idempotency-key": newKey() }, body: cart(shops.b) })).status).toBe(201);

    expect((await say("a", CLAIMANT, "/resume")).text).toContain("takes orders again");
    expect((await checkout()).status).toBe(201);
    await until(async () => (await bootstrap()) === true);
    expect((await request(app.port, "/", { host: `${a.slug}.localhost` })).body).not.toContain('data-testid="paused-banner"');
    const audit = await db.prisma.auditLog.findMany({ where: { tenantId: a.tenantId, action: { in: ["shop.pause", "shop.resume"] } }, orderBy: { createdAt: "asc" } });
    expect(audit.map((r) => [r.action, (r.details as { telegramUserId?: string }).telegramUserId])).toEqual([["shop.pause", String(CLAIMANT)], ["shop.resume", String(CLAIMANT)]]);
  });

  it("the dashboard toggle pauses and resumes for owners and managers only, audited", async () => {
    const a = shops.a;
    const accepting = async () => (await db.prisma.tenant.findUniqueOrThrow({ where: { id: a.tenantId } })).acceptingOrders;
    const page = await a.owner.get(`/dashboard/${a.tenantId}/bot`);
    expect(page.body).toContain('data-testid="pause-toggle"');
    const support = await createUser(db.prisma);
    await db.prisma.tenantUserRole.create({ data: { tenantId: a.tenantId, userId: support.id, role: "support" } });
    const supportClient = await signIn(app.port, support.email);
    const refused = await formPost(supportClient, `/dashboard/${a.tenantId}/pause`, { accepting: "false" }, `/dashboard/${a.tenantId}/bot`);
    expect(refused.status).toBe(403);
    expect(await accepting()).toBe(true);
    expect((await formPost(a.owner, `/dashboard/${a.tenantId}/pause`, { accepting: "false" }, `/dashboard/${a.tenantId}/bot`)).status).toBe(302);
    expect(await accepting()).toBe(false);
    expect((await formPost(a.owner, `/dashboard/${a.tenantId}/pause`, { accepting: "true" }, `/dashboard/${a.tenantId}/bot`)).status).toBe(302);
    expect(await accepting()).toBe(true);
    const rows = await db.prisma.auditLog.findMany({ where: { tenantId: a.tenantId, actorId: a.ownerId, action: { in: ["shop.pause", "shop.resume"] } } });
    expect(rows.map((r) => r.action).sort()).toEqual(["shop.pause", "shop.resume"]);
  });

  it("/mute and /unmute switch the team's notifications; a buyer cannot pause the shop", async () => {
    const a = shops.a;
    await say("a", CLAIMANT, "/mute");
    expect((await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: a.botId } })).paused).toBe(true);
    await say("a", CLAIMANT, "/unmute");
    expect((await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: a.botId } })).paused).toBe(false);
    expect((await say("a", BUYER, "/pause")).text).toContain("link your Telegram account first");
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: a.tenantId } })).acceptingOrders).toBe(true);
  });
});

describe("alerts and buyer updates", () => {
  const initData = (token: string, userId: number) => {
    const fields = { auth_date: String(Math.floor(Date.now() / 1000)), query_id: "AAE", user: JSON.stringify({ id: userId, first_name: "Bea" }) };
    return new URLSearchParams({ ...fields, hash: signInitData(fields, token) }).toString();
  };
  async function miniAppCookie(shop: Shop, userId: number) {
    const res = await request(app.port, "/api/storefront/telegram/session", { host: `${shop.slug}.localhost`, body: { initData: initData(shop.fake.token, userId) } });
    expect(res.status, res.body).toBe(200);
    return String(res.headers["set-cookie"]).split(";")[0]!;
  }
  const toBuyer = (shop: Shop, chat = BUYER) => tg.sentMessages(shop.fake.id).filter((m) => m.chatId === chat);

  it("new order and paid alerts reach every linked admin with a View button", async () => {
    const a = shops.a;
    const id = await paidOrder(a);
    const url = `https://dash.example.test/dashboard/${a.tenantId}/orders/${id}`;
    for (const chat of [CLAIMANT, 401, 404]) {
      await until(() => tg.sentMessages(a.fake.id).some((m) => m.chatId === chat && m.text.startsWith(`Order paid #${short(id)}`)));
      await until(() => tg.sentMessages(a.fake.id).some((m) => m.chatId === chat && m.text.startsWith(`New order #${short(id)}`)));
      const alert = tg.sentMessages(a.fake.id).find((m) => m.chatId === chat && m.text.startsWith(`New order #${short(id)}`));
      expect(alert?.replyMarkup).toEqual({ inline_keyboard: [[{ text: "View", url }]] });
    }
    expect(tg.sentMessages(a.fake.id).some((m) => m.chatId === 403 && m.text.includes(short(id)))).toBe(false); // support
  });

  it("a Mini App buyer is linked to the order and gets paid and shipped once each, even when a send is retried", async () => {
    const a = shops.a;
    const cookie = await miniAppCookie(a, BUYER);
    const placed = await request(app.port, "/api/storefront/checkout", { host: `${a.slug}.localhost`, headers: { "idempotency-key": newKey(), cookie }, body: cart(a) });
    expect(placed.status, placed.body).toBe(201);
    const id = placed.json.data.order.id as string;
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id } })).buyerTelegramUserId).toBe(String(BUYER));
    await until(() => tg.sentMessages(a.fake.id).filter((m) => m.text.startsWith(`New order #${short(id)}`)).length === 3);
    // Every send of the payment's messages (3 team alerts, the buyer's update) is first refused with 429 retry_after.
    tg.fail("sendMessage", { mode: "429", retryAfter: 1, times: 4, botId: a.fake.id });
    expect((await httpBuyer(app.port, a.slug).post(`/api/storefront/orders/${placed.json.data.token}/sandbox-pay`)).status).toBe(200);
    await until(() => toBuyer(a).some((m) => m.text.includes("Payment received")));
    expect(tg.calls("sendMessage").some((c) => String(c.params.chat_id) === String(BUYER) && c.status === 429)).toBe(true);
    expect(await press("a", 404, `ship:${id}`)).toContain("marked shipped");
    await until(() => toBuyer(a).some((m) => m.text.includes("Shipped")));

    // The event published again, and a duplicate job for the same (order, event): nothing more is sent.
    expect(await notifyOrderBuyer({ prisma: db.prisma, queue }, a.tenantId, id, "paid")).toEqual({ queued: 0 });
    const text = toBuyer(a).find((m) => m.text.includes("Payment received"))!.text;
    await enqueueJob(queue, "bots.notify", { tenantId: a.tenantId, botId: a.botId, chatId: String(BUYER), eventId: `buyer.paid:${id}`, text, buyerUpdate: { orderId: id, event: "paid" } },
      { jobId: `${notificationJobId(`buyer.paid:${id}`, a.botId, String(BUYER))}-again` });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(toBuyer(a).filter((m) => m.text.includes("Payment received") && m.text.includes(short(id)))).toHaveLength(1);
    expect(toBuyer(a).filter((m) => m.text.includes("Shipped") && m.text.includes(short(id)))).toHaveLength(1);
    expect(await db.prisma.orderBuyerUpdate.count({ where: { orderId: id } })).toBe(2);

    // The buyer's /orders lists their own orders in this shop only.
    const mine = await say("a", BUYER, "/orders");
    expect(mine.text).toContain(`#${short(id)}`);
    expect(mine.text.split("\n").filter((l) => l.startsWith("#"))).toHaveLength(1);
    expect((await say("b", BUYER, "/orders")).text).toBe("You have no orders in this shop yet.");
    expect(toBuyer(shops.b).some((m) => m.text.includes(short(id)))).toBe(false);
  });

  it("the checkout page links the Mini App buyer too", async () => {
    const cookie = await miniAppCookie(shops.a, 602);
    const res = await pageCheckout(shops.a, { cookie });
    expect(res.status, res.body.slice(0, 300)).toBe(200);
    const order = await db.prisma.order.findFirstOrThrow({ where: { tenantId: shops.a.tenantId }, orderBy: { createdAt: "desc" } });
    expect(order.buyerTelegramUserId).toBe("602");
  });

  it("a buyer session of shop A does not link an order in shop B", async () => {
    const cookie = await miniAppCookie(shops.a, 601);
    const id = await paidOrder(shops.b, { cookie });
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id } })).buyerTelegramUserId).toBeNull();
  });
});
