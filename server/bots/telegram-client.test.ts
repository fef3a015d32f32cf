import http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "#tests/fake-telegram/server.ts";
import { caught } from "#tests/caught.ts";
import {
  createTelegramClient,
  parseBotToken,
  TelegramBadRequestError,
  TelegramRateLimitError,
  TelegramServerError,
  TelegramTimeoutError,
  TelegramUnauthorizedError,
  TelegramUnavailableError,
} from "#server/bots/telegram-client.ts";
import { CircuitBreaker } from "#server/http/index.ts";

let fake: FakeTelegram;
beforeAll(async () => {
  fake = await startFakeTelegram();
});
afterAll(async () => {
  await fake.close();
});

const clientFor = (token: string, timeoutMs?: number) => createTelegramClient({ apiRoot: fake.url, token, timeoutMs });


/** Every 8-character window of the token's secret part, searched in everything an error can print. */
function expectNoSecret(err: Error, token: string) {
  const secret = token.split(":")[1]!;
  const printed = [err.message, err.stack ?? "", JSON.stringify(err), inspect(err, { depth: 6 })].join("\n");
  for (let i = 0; i + 8 <= secret.length; i++) expect(printed).not.toContain(secret.slice(i, i + 8));
}

describe("parseBotToken", () => {
  it("accepts <digits>:<secret> and refuses anything else", () => {
    const bot = fake.addBot();
    expect(parseBotToken(bot.token)).toEqual({ botId: bot.id });
    expect(parseBotToken("123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789_-")).toEqual({ botId: 123456 });
    for (const bad of ["", "123456", "1234:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789", "123456:short", "abc:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789",
      "123456:ABCdefGHIjklMNOpqrSTUvwxYZ01234/../x", " 123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"])
      expect(parseBotToken(bad)).toBeNull();
  });

  it("refuses to build a client on a malformed token, without echoing it", () => {
    const err = (() => {
      try {
        createTelegramClient({ apiRoot: fake.url, token: "123456:not/a-token-secret-value" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(TypeError);
    expect(err!.message).not.toContain("not/a-token");
  });
});

describe("Telegram client against the fake Bot API", () => {
  it("getMe returns the bot", async () => {
    const bot = fake.addBot({ username: "shop_one_bot", firstName: "Shop One" });
    const client = clientFor(bot.token);
    expect(client.botId).toBe(bot.id);
    const me = await client.getMe();
    expect(me).toMatchObject({ id: bot.id, is_bot: true, username: "shop_one_bot", first_name: "Shop One" });
  });

  it("a wrong token is TelegramUnauthorizedError and nothing in the error carries the token", async () => {
    const bot = fake.addBot();
    const wrong = `${bot.id}:${"x".repeat(35)}`;
    const err = await caught(clientFor(wrong).getMe());
    expect(err).toBeInstanceOf(TelegramUnauthorizedError);
    expect(err).toMatchObject({ method: "getMe", status: 401, errorCode: 401, description: "Unauthorized" });
    expectNoSecret(err, wrong);
    expect(fake.calls("getMe").at(-1)).toMatchObject({ botId: null, status: 401 });
  });

  it("a revoked token (401 mode) is TelegramUnauthorizedError", async () => {
    const bot = fake.addBot();
    fake.fail("getMe", { mode: "401", botId: bot.id });
    const err = await caught(clientFor(bot.token).getMe());
    expect(err).toBeInstanceOf(TelegramUnauthorizedError);
    expectNoSecret(err, bot.token);
    fake.clearFailures(bot.id);
    await expect(clientFor(bot.token).getMe()).resolves.toMatchObject({ id: bot.id });
  });

  it("429 is TelegramRateLimitError with retryAfterSec from parameters.retry_after", async () => {
    const bot = fake.addBot();
    fake.fail("sendMessage", { mode: "429", retryAfter: 7, botId: bot.id, times: 1 });
    const err = await caught(clientFor(bot.token).sendMessage({ chat_id: 42, text: "hi" }));
    expect(err).toBeInstanceOf(TelegramRateLimitError);
    expect(err).toMatchObject({ status: 429, retryAfterSec: 7, description: "Too Many Requests: retry after 7" });
    expectNoSecret(err, bot.token);
    expect(fake.sentMessages(bot.id)).toHaveLength(0);
  });

  it("5xx is TelegramServerError, for a JSON envelope and for the edge's HTML page", async () => {
    const bot = fake.addBot();
    const client = clientFor(bot.token);
    fake.fail("*", { mode: "5xx", botId: bot.id, times: 1 });
    const err = await caught(client.getMe());
    expect(err).toBeInstanceOf(TelegramServerError);
    expect(err).toMatchObject({ status: 500, description: "Internal Server Error" });
    fake.fail("getMe", { mode: "5xx", status: 502, botId: bot.id, times: 1 });
    const html = await caught(client.getMe());
    expect(html).toBeInstanceOf(TelegramServerError);
    expect(html).toMatchObject({ status: 502, description: null });
    expectNoSecret(html, bot.token);
  });

  it("a failure scoped to one bot leaves other bots alone; a global one hits everybody", async () => {
    const a = fake.addBot();
    const b = fake.addBot();
    fake.fail("*", { mode: "5xx", botId: a.id });
    await expect(clientFor(a.token).getMe()).rejects.toBeInstanceOf(TelegramServerError);
    await expect(clientFor(b.token).getMe()).resolves.toMatchObject({ id: b.id });
    fake.clearFailures(a.id);
    fake.fail("getMe", { mode: "5xx", times: 2 });
    await expect(clientFor(a.token).getMe()).rejects.toBeInstanceOf(TelegramServerError);
    await expect(clientFor(b.token).getMe()).rejects.toBeInstanceOf(TelegramServerError);
    await expect(clientFor(a.token).getMe()).resolves.toMatchObject({ id: a.id });
  });

  it("a held request is TelegramTimeoutError after timeoutMs, with the undici cause kept", async () => {
    const bot = fake.addBot();
    fake.fail("sendMessage", { mode: "timeout", botId: bot.id, times: 1 });
    const started = Date.now();
    const err = await caught(clientFor(bot.token, 300).sendMessage({ chat_id: 42, text: "hi" }, { idempotencyKey: "held-1" }));
    expect(err).toBeInstanceOf(TelegramTimeoutError);
    expect(Date.now() - started).toBeLessThan(5_000); // loose: the point is that it does not wait for the default 10 s
    expect(err.cause).toBeInstanceOf(Error);
    expectNoSecret(err, bot.token);
    expect(fake.calls("sendMessage").find((c) => c.idempotencyKey === "held-1")).toMatchObject({ failure: "timeout", status: null });
    expect(fake.deliveredCount("held-1")).toBe(0);
  });

  it("a refused connection is TelegramTimeoutError with ECONNREFUSED as the cause", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const bot = fake.addBot();
    const err = await caught(createTelegramClient({ apiRoot: `http://127.0.0.1:${port}`, token: bot.token, timeoutMs: 2_000 }).getMe());
    expect(err).toBeInstanceOf(TelegramTimeoutError);
    expect(inspect(err.cause)).toContain("ECONNREFUSED");
    expectNoSecret(err, bot.token);
  });

  it("setWebhook stores url, secret and allowed updates; deleteWebhook removes them", async () => {
    const bot = fake.addBot();
    const client = clientFor(bot.token);
    const url = `http://127.0.0.1:9/api/telegram/webhook/${bot.id}`;
    await expect(client.setWebhook({ url, secret_token: "s3cret_-x", allowed_updates: ["message", "callback_query"], drop_pending_updates: true }))
      .resolves.toBe(true);
    expect(fake.webhook(bot.id)).toMatchObject({ url, secretToken: "s3cret_-x", allowedUpdates: ["message", "callback_query"] });
    expect(fake.calls("setWebhook").at(-1)!.params).toMatchObject({ drop_pending_updates: true });
    await expect(client.deleteWebhook()).resolves.toBe(true);
    expect(fake.webhook(bot.id)).toBeNull();
  });

  it("setWebhook refuses what Telegram refuses", async () => {
    const bot = fake.addBot();
    const client = clientFor(bot.token);
    const badSecret = await caught(client.setWebhook({ url: "https://shop.example.com/hook", secret_token: "no spaces!" }));
    expect(badSecret).toBeInstanceOf(TelegramBadRequestError);
    expect(badSecret).toMatchObject({ status: 400, description: "Bad Request: secret token contains unallowed characters" });
    const plainHttp = await caught(client.setWebhook({ url: "http://shop.example.com/hook" }));
    expect(plainHttp).toMatchObject({ description: "Bad Request: bad webhook: An HTTPS URL must be provided for webhook" });
    expect(fake.webhook(bot.id)).toBeNull();
  });

  it("setChatMenuButton sets the default button and a per-chat one", async () => {
    const bot = fake.addBot();
    const client = clientFor(bot.token);
    const shop = { type: "web_app" as const, text: "Open shop", web_app: { url: "https://shop.example.com/telegram" } };
    expect(fake.menuButton(bot.id)).toEqual({ type: "commands" });
    await expect(client.setChatMenuButton({ menu_button: shop })).resolves.toBe(true);
    await client.setChatMenuButton({ chat_id: 555, menu_button: { type: "commands" } });
    expect(fake.menuButton(bot.id)).toEqual(shop);
    expect(fake.menuButton(bot.id, 555)).toEqual({ type: "commands" });
    expect(fake.menuButton(bot.id, 556)).toEqual(shop);
    const insecure = await caught(client.setChatMenuButton({ menu_button: { ...shop, web_app: { url: "http://shop.example.com/telegram" } } }));
    expect(insecure).toBeInstanceOf(TelegramBadRequestError);
  });

  it("sendMessage records the message with its idempotency key; empty text is refused", async () => {
    const bot = fake.addBot();
    const client = clientFor(bot.token);
    const reply_markup = { inline_keyboard: [[{ text: "Open shop", web_app: { url: "https://shop.example.com/telegram" } }], [{ text: "Orders", callback_data: "orders" }]] };
    const message = await client.sendMessage({ chat_id: 1001, text: "<b>Welcome</b>", parse_mode: "HTML", reply_markup }, { idempotencyKey: "order-1:new" });
    expect(message).toMatchObject({ chat: { id: 1001, type: "private" }, text: "<b>Welcome</b>" });
    expect(fake.sentMessages(bot.id)).toEqual([
      expect.objectContaining({ messageId: message.message_id, chatId: 1001, text: "<b>Welcome</b>", replyMarkup: reply_markup, idempotencyKey: "order-1:new" }),
    ]);
    expect(fake.deliveredCount("order-1:new")).toBe(1);

    const empty = await caught(client.sendMessage({ chat_id: 1001, text: "  " }, { idempotencyKey: "order-1:empty" }));
    expect(empty).toBeInstanceOf(TelegramBadRequestError);
    expect(empty).toMatchObject({ status: 400, description: "Bad Request: message text is empty" });
    expect(fake.deliveredCount("order-1:empty")).toBe(0);
    const noData = await caught(client.sendMessage({ chat_id: 1001, text: "x", reply_markup: { inline_keyboard: [[{ text: "bare" } as never]] } }));
    expect(noData).toMatchObject({ description: "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard" });
  });

  it("failures with times: 2 fail twice, then the call goes through exactly once", async () => {
    const bot = fake.addBot();
    const client = clientFor(bot.token);
    fake.fail("sendMessage", { mode: "5xx", times: 2, botId: bot.id });
    const send = () => client.sendMessage({ chat_id: 7, text: "New order #1" }, { idempotencyKey: "evt-42" });
    await expect(send()).rejects.toBeInstanceOf(TelegramServerError);
    await expect(send()).rejects.toBeInstanceOf(TelegramServerError);
    await expect(send()).resolves.toMatchObject({ text: "New order #1" });
    const attempts = fake.calls("sendMessage").filter((c) => c.idempotencyKey === "evt-42");
    expect(attempts.map((c) => c.status)).toEqual([500, 500, 200]);
    expect(attempts.map((c) => c.at)).toEqual([...attempts.map((c) => c.at)].sort((x, y) => x - y));
    expect(fake.deliveredCount("evt-42")).toBe(1);
  });
});

describe("fake Telegram delivering updates", () => {
  let hook: http.Server;
  let hookUrl: string;
  const received: { headers: http.IncomingHttpHeaders; body: unknown }[] = [];
  const answerWith: { client?: ReturnType<typeof createTelegramClient> } = {};

  beforeAll(async () => {
    hook = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", async () => {
        const body = JSON.parse(raw) as { callback_query?: { id: string } };
        received.push({ headers: req.headers, body });
        if (req.headers["x-telegram-bot-api-secret-token"] !== "hook-secret") return res.writeHead(401).end();
        if (body.callback_query && answerWith.client) await answerWith.client.answerCallbackQuery({ callback_query_id: body.callback_query.id, text: "ok" });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/api/telegram/webhook`;
  });
  afterAll(async () => {
    hook.closeAllConnections();
    await new Promise<void>((resolve) => hook.close(() => resolve()));
  });

  it("sendUpdate POSTs the update with the bot's secret header and returns the status", async () => {
    const bot = fake.addBot();
    await clientFor(bot.token).setWebhook({ url: hookUrl, secret_token: "hook-secret" });
    const update = fake.messageUpdate({ fromId: 3001, chatId: 3001, text: "/start claim-abc", username: "buyer" });
    expect(await fake.sendUpdate(bot.id, update)).toBe(200);
    const got = received.at(-1)!;
    expect(got.headers["x-telegram-bot-api-secret-token"]).toBe("hook-secret");
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.body).toEqual(update);
    expect(got.body).toMatchObject({ message: { from: { id: 3001, username: "buyer" }, chat: { id: 3001, type: "private" },
      entities: [{ type: "bot_command", offset: 0, length: 6 }] } });
  });

  it("a wrong secret is answered 401 by the webhook and reported as the webhook's last error", async () => {
    const bot = fake.addBot();
    await clientFor(bot.token).setWebhook({ url: hookUrl, secret_token: "another-secret" });
    expect(await fake.sendUpdate(bot.id, fake.messageUpdate({ fromId: 1, text: "hi" }))).toBe(401);
    expect(fake.webhook(bot.id)).toMatchObject({ lastErrorMessage: "Wrong response from the webhook: 401 Unauthorized" });
  });

  it("a delivered callback query can be answered once", async () => {
    const bot = fake.addBot();
    const client = clientFor(bot.token);
    answerWith.client = client;
    await client.setWebhook({ url: hookUrl, secret_token: "hook-secret", allowed_updates: ["message", "callback_query"] });
    const update = fake.callbackUpdate({ fromId: 3002, data: "orders" });
    expect(await fake.sendUpdate(bot.id, update)).toBe(200);
    const id = (update.callback_query as { id: string }).id;
    expect(fake.answeredCallbacks(bot.id)).toEqual([expect.objectContaining({ callbackQueryId: id, text: "ok" })]);
    const again = await caught(client.answerCallbackQuery({ callback_query_id: id }));
    expect(again).toBeInstanceOf(TelegramBadRequestError);
    expect(again).toMatchObject({ description: "Bad Request: query is too old and response timeout expired or query ID is invalid" });
    answerWith.client = undefined;
  });
});

describe("circuit breaker (docs/security.md Reliability 6)", () => {
  it("after the Bot API fails twice in a row, calls fail at once without reaching it; after the cooldown one call tries again", async () => {
    const bot = fake.addBot();
    const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 300 });
    const client = createTelegramClient({ apiRoot: fake.url, token: bot.token, breaker });
    const reached = () => fake.calls("getMe").filter((c) => c.botId === bot.id).length;
    fake.fail("getMe", { mode: "5xx", botId: bot.id });
    try {
      for (let i = 0; i < 2; i++) expect(await caught(client.getMe())).toBeInstanceOf(TelegramServerError);
      const refused = await caught(client.getMe());
      expect(refused).toBeInstanceOf(TelegramUnavailableError);
      expect(refused).toBeInstanceOf(TelegramTimeoutError); // handled like the outage it stands for
      expect((refused as TelegramUnavailableError).retryAfterMs).toBeGreaterThan(0);
      expectNoSecret(refused as Error, bot.token);
      expect(reached()).toBe(2);
    } finally {
      fake.clearFailures(bot.id);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.getMe()).id).toBe(bot.id);
    expect(reached()).toBe(3);
    expect(breaker.state).toBe("closed");
  });

  it("a 401 or 429 is an answer, not an outage: the circuit stays closed", async () => {
    const bot = fake.addBot();
    const breaker = new CircuitBreaker({ failures: 1, cooldownMs: 60_000 });
    const client = createTelegramClient({ apiRoot: fake.url, token: bot.token, breaker });
    fake.fail("getMe", { mode: "429", botId: bot.id, times: 1 });
    expect(await caught(client.getMe())).toBeInstanceOf(TelegramRateLimitError);
    expect(breaker.state).toBe("closed");
    expect((await client.getMe()).id).toBe(bot.id);
  });
});
