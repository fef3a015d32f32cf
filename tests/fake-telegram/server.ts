/**
 * A faithful fake of the Telegram Bot API (core.telegram.org/bots/api) on 127.0.0.1 for tests (STYLE.md §15): real
 * HTTP, the real envelope (`{ ok: true, result }` / `{ ok: false, error_code, description, parameters? }` with the
 * matching status), Telegram's own error descriptions for the methods we call, switchable failures
 * (401 / 429 + retry_after / 5xx / a request that never answers) and a log of every call, so tests can assert
 * exactly-once delivery and retry timing. Differences from Telegram, on purpose: http webhook and Web App URLs are
 * accepted for loopback hosts only, and `X-Idempotency-Key` (which Telegram ignores) is recorded.
 */
import http from "node:http";
import https from "node:https";
import { randomBytes, randomInt } from "node:crypto";
import type { AddressInfo } from "node:net";

import type { AnsweredCallback, CallRecord, FailureOptions, FakeBot, FakeTelegram, FakeWebhook, MenuButton, SentMessage } from "./types.ts";
import { callbackUpdate, chatType, messageUpdate, nowSec } from "./updates.ts";

export * from "./types.ts";
export { messageUpdate, callbackUpdate } from "./updates.ts";
interface BotState extends FakeBot {
  webhook: FakeWebhook;
  defaultMenu: MenuButton;
  chatMenus: Map<number, MenuButton>;
  sent: SentMessage[];
  answered: AnsweredCallback[];
  openCallbacks: Set<string>;
  nextMessageId: number;
}
interface FailureRule extends FailureOptions {
  method: string;
  left: number;
}
type Params = Record<string, unknown>;
type Handler = (bot: BotState, p: Params, call: CallRecord) => { result: unknown; description?: string };

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}
const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);

const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const NOT_BY_DEFAULT = new Set(["chat_member", "message_reaction", "message_reaction_count"]);
const PARSE_MODES = new Set(["html", "markdown", "markdownv2"]);
const BUTTON_KINDS = ["url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay"];
const METHODS = ["getMe", "getWebhookInfo", "setWebhook", "deleteWebhook", "setChatMenuButton", "getChatMenuButton",
  "sendMessage", "answerCallbackQuery"];
const canonical = (m: string) => METHODS.find((x) => x.toLowerCase() === m.toLowerCase()) ?? m;

const isLoopback = (host: string) =>
  host === "127.0.0.1" || host === "[::1]" || host === "localhost" || host.endsWith(".localhost");

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
/** https, or http on a loopback host (the one liberty this fake takes, so tests can use local servers). */
const httpsOrLoopback = (u: URL) => u.protocol === "https:" || (u.protocol === "http:" && isLoopback(u.hostname));

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const bool = (v: unknown) => v === true || v === "true" || v === "1" || v === 1;
/** JSON-typed parameters arrive as values in a JSON body and as JSON strings in query strings and form bodies. */
function jsonParam(v: unknown, what: string): unknown {
  if (typeof v !== "string") return v;
  if (v === "") return undefined;
  try {
    return JSON.parse(v);
  } catch {
    throw badRequest(`can't parse ${what} JSON object`);
  }
}
function chatIdParam(v: unknown): number {
  if (v === undefined || v === null || v === "") throw badRequest("chat_id is empty");
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "string" && /^-?\d{1,16}$/.test(v)) return Number(v);
  throw badRequest("chat not found"); // @channel usernames: the fake knows no channels
}

function checkInlineKeyboard(markup: unknown, chatId: number) {
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray))
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  for (const b of rows.flat() as unknown[]) {
    if (typeof b !== "object" || b === null) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
    const button = b as Record<string, unknown>;
    if (typeof button.text !== "string") throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
    if (!BUTTON_KINDS.some((k) => k in button))
      throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    if ("callback_data" in button) {
      const data = button.callback_data;
      if (typeof data !== "string" || data.length === 0 || Buffer.byteLength(data) > 64) throw badRequest("BUTTON_DATA_INVALID");
    }
    if ("url" in button && (typeof button.url !== "string" || !parseUrl(button.url))) throw badRequest("BUTTON_URL_INVALID");
    if ("web_app" in button) {
      const app = button.web_app as { url?: unknown } | null;
      if (typeof app !== "object" || app === null) throw badRequest('can\'t parse inline keyboard button: Field "web_app" must be of type Object');
      const u = typeof app.url === "string" ? parseUrl(app.url) : null;
      if (!u || !httpsOrLoopback(u))
        throw badRequest(`inline keyboard button Web App URL '${String(app.url)}' is invalid: Only HTTPS links are allowed`);
      if (chatType(chatId) !== "private") throw badRequest("BUTTON_TYPE_INVALID");
    }
  }
}

function menuButtonParam(v: unknown): MenuButton {
  const b = jsonParam(v, "menu button");
  if (b === undefined) return { type: "default" };
  if (typeof b !== "object" || b === null) throw badRequest("can't parse menu button JSON object");
  const button = b as Record<string, unknown>;
  if (button.type === "commands" || button.type === "default") return { type: button.type };
  if (button.type !== "web_app") throw badRequest("can't parse menu button: MenuButton has unsupported type");
  if (typeof button.text !== "string" || button.text.trim() === "") throw badRequest('can\'t parse menu button: Field "text" must be of type String');
  const app = button.web_app as { url?: unknown } | null;
  if (typeof app !== "object" || app === null || typeof app.url !== "string")
    throw badRequest('can\'t parse menu button: Field "web_app" must be of type Object');
  const u = parseUrl(app.url);
  if (!u || !httpsOrLoopback(u)) throw badRequest(`menu button Web App URL '${app.url}' is invalid: Only HTTPS links are allowed`);
  return { type: "web_app", text: button.text, web_app: { url: app.url } };
}

function botUser(bot: BotState) {
  return { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username };
}

const handlers: Record<string, Handler> = {
  getme: (bot) => ({
    result: { ...botUser(bot), can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false,
      can_connect_to_business: false, has_main_web_app: false },
  }),
  getwebhookinfo: (bot) => {
    const w = bot.webhook;
    const info: Record<string, unknown> = { url: w.url, has_custom_certificate: false, pending_update_count: 0 };
    if (w.url) info.max_connections = w.maxConnections;
    if (w.url && w.allowedUpdates.length) info.allowed_updates = w.allowedUpdates;
    if (w.lastErrorDate !== null) Object.assign(info, { last_error_date: w.lastErrorDate, last_error_message: w.lastErrorMessage });
    return { result: info };
  },
  setwebhook: (bot, p) => {
    const w = bot.webhook;
    const url = str(p.url) ?? "";
    if (url === "") return handlers.deletewebhook!(bot, p, undefined as never); // "Use an empty string to remove webhook integration"
    const u = parseUrl(url);
    if (!u || !u.hostname) throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
    if (!httpsOrLoopback(u)) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    if (!isLoopback(u.hostname) && !["", "443", "80", "88", "8443"].includes(u.port))
      throw badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
    const secret = str(p.secret_token) || null; // an empty secret is no secret, as in Telegram
    if (secret !== null && !SECRET_TOKEN.test(secret)) throw badRequest("secret token contains unallowed characters");
    const allowed = jsonParam(p.allowed_updates, "allowed updates");
    if (allowed !== undefined && (!Array.isArray(allowed) || !allowed.every((x) => typeof x === "string")))
      throw badRequest("can't parse allowed updates");
    const maxConnections = p.max_connections === undefined ? 40 : Number(p.max_connections);
    if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 100) throw badRequest("invalid max_connections");
    const allowedUpdates = (allowed as string[] | undefined) ?? w.allowedUpdates;
    const same = w.url === url && w.secretToken === secret && w.maxConnections === maxConnections
      && JSON.stringify(w.allowedUpdates) === JSON.stringify(allowedUpdates);
    bot.webhook = { ...w, url, secretToken: secret, allowedUpdates, maxConnections };
    if (!same) Object.assign(bot.webhook, { lastErrorDate: null, lastErrorMessage: null });
    return { result: true, description: same ? "Webhook is already set" : "Webhook was set" };
  },
  deletewebhook: (bot) => {
    const had = bot.webhook.url !== "";
    bot.webhook = { ...bot.webhook, url: "", secretToken: null, lastErrorDate: null, lastErrorMessage: null };
    return { result: true, description: had ? "Webhook was deleted" : "Webhook is already deleted" };
  },
  setchatmenubutton: (bot, p) => {
    const button = menuButtonParam(p.menu_button);
    if (p.chat_id === undefined || p.chat_id === "") {
      bot.defaultMenu = button.type === "default" ? { type: "commands" } : button;
    } else {
      const chatId = chatIdParam(p.chat_id);
      if (button.type === "default") bot.chatMenus.delete(chatId);
      else bot.chatMenus.set(chatId, button);
    }
    return { result: true };
  },
  getchatmenubutton: (bot, p) => {
    const chatId = p.chat_id === undefined || p.chat_id === "" ? undefined : chatIdParam(p.chat_id);
    return { result: (chatId !== undefined && bot.chatMenus.get(chatId)) || bot.defaultMenu };
  },
  sendmessage: (bot, p, call) => {
    const chatId = chatIdParam(p.chat_id);
    const text = str(p.text) ?? "";
    if (text.trim() === "") throw badRequest("message text is empty");
    if (text.length > 4096) throw badRequest("message is too long");
    const parseMode = str(p.parse_mode) || null;
    if (parseMode !== null && !PARSE_MODES.has(parseMode.toLowerCase())) throw badRequest("unsupported parse_mode");
    const markup = jsonParam(p.reply_markup, "reply keyboard markup");
    if (markup !== undefined && (typeof markup !== "object" || markup === null)) throw badRequest("can't parse reply keyboard markup JSON object");
    if (markup && "inline_keyboard" in markup) checkInlineKeyboard(markup, chatId);
    const messageId = bot.nextMessageId++;
    bot.sent.push({ messageId, chatId, text, parseMode, replyMarkup: markup ?? null, at: call.at, idempotencyKey: call.idempotencyKey });
    const chat = chatType(chatId) === "private" ? { id: chatId, type: "private", first_name: "Test" } : { id: chatId, type: chatType(chatId), title: "Test group" };
    const message: Record<string, unknown> = { message_id: messageId, from: botUser(bot), chat, date: Math.floor(call.at / 1000), text };
    if (markup && "inline_keyboard" in markup) message.reply_markup = markup;
    return { result: message };
  },
  answercallbackquery: (bot, p, call) => {
    const id = str(p.callback_query_id) ?? "";
    if (!bot.openCallbacks.delete(id)) throw badRequest("query is too old and response timeout expired or query ID is invalid");
    bot.answered.push({ callbackQueryId: id, text: str(p.text) ?? null, showAlert: bool(p.show_alert), url: str(p.url) ?? null, at: call.at });
    return { result: true };
  },
};

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function parseParams(url: URL, contentType: string | undefined, body: string): Params {
  const params: Params = Object.fromEntries(url.searchParams);
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (body === "") return params;
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw badRequest("can't parse JSON encoded request: invalid JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badRequest("can't parse JSON encoded request: expected an Object");
    return { ...params, ...(parsed as Params) };
  }
  if (type === "application/x-www-form-urlencoded") return { ...params, ...Object.fromEntries(new URLSearchParams(body)) };
  throw badRequest(`unsupported Content-Type ${type || "(none)"} in this fake`); // multipart uploads: not needed yet
}

function postJson(target: string, body: string, headers: Record<string, string>, track: Set<http.ClientRequest>): Promise<number> {
  const u = new URL(target);
  const lib = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    track.add(req);
    req.on("close", () => track.delete(req));
    req.on("timeout", () => req.destroy(new Error("webhook did not answer within 10 s")));
    req.on("error", reject);
    req.end(body);
  });
}

export async function startFakeTelegram(): Promise<FakeTelegram> {
  const bots = new Map<number, BotState>();
  const byToken = new Map<string, BotState>();
  const callLog: CallRecord[] = [];
  let failures: FailureRule[] = [];
  const outgoing = new Set<http.ClientRequest>();

  const mustBot = (id: number) => {
    const bot = bots.get(id);
    if (!bot) throw new Error(`fake-telegram: unknown bot ${id}`);
    return bot;
  };

  function takeFailure(botId: number, method: string): FailureRule | undefined {
    const m = method.toLowerCase();
    const rule = failures.find((r) => r.botId === botId && (r.method === "*" || r.method === m))
      ?? failures.find((r) => r.botId === undefined && (r.method === "*" || r.method === m));
    if (rule && --rule.left <= 0) failures = failures.filter((r) => r !== rule);
    return rule;
  }

  function answer(res: http.ServerResponse, call: CallRecord | null, status: number, body: unknown, contentType = "application/json") {
    if (call) call.status = status;
    res.writeHead(status, { "content-type": contentType });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  }
  const answerError = (res: http.ServerResponse, call: CallRecord | null, e: ApiError) =>
    answer(res, call, e.code, { ok: false, error_code: e.code, description: e.description, ...(e.parameters ? { parameters: e.parameters } : {}) });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = await readBody(req);
    const route = /^\/bot([^/]*)\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (!route) return answerError(res, null, new ApiError(404, "Not Found"));
    const bot = byToken.get(decodeURIComponent(route[1]!));
    const header = req.headers["x-idempotency-key"];
    const call: CallRecord = { method: canonical(route[2]!), botId: bot?.id ?? null, at: Date.now(), params: {},
      idempotencyKey: typeof header === "string" ? header : null, status: null, failure: null };
    callLog.push(call);
    try {
      call.params = parseParams(url, req.headers["content-type"], body);
    } catch (e) {
      if (bot) return answerError(res, call, e as ApiError);
    }
    if (!bot) return answerError(res, call, new ApiError(401, "Unauthorized"));
    const rule = takeFailure(bot.id, call.method);
    if (rule) {
      call.failure = rule.mode;
      if (rule.mode === "timeout") return; // hold the socket; close() destroys it
      if (rule.mode === "401") return answerError(res, call, new ApiError(401, "Unauthorized"));
      if (rule.mode === "429") {
        const after = rule.retryAfter ?? 1;
        return answerError(res, call, new ApiError(429, `Too Many Requests: retry after ${after}`, { retry_after: after }));
      }
      const status = rule.status ?? 500;
      if (status === 500) return answerError(res, call, new ApiError(500, "Internal Server Error"));
      const reason = http.STATUS_CODES[status] ?? "Error";
      return answer(res, call, status, `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`, "text/html");
    }
    const handler = handlers[call.method.toLowerCase()];
    if (!handler) return answerError(res, call, new ApiError(404, "Not Found"));
    try {
      const { result, description } = handler(bot, call.params, call);
      answer(res, call, 200, { ok: true, result, ...(description ? { description } : {}) });
    } catch (e) {
      if (e instanceof ApiError) return answerError(res, call, e);
      throw e;
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) answerError(res, null, new ApiError(500, "Internal Server Error"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    addBot(o = {}) {
      let id = o.id ?? randomInt(1_000_000_000, 9_000_000_000);
      while (o.id === undefined && bots.has(id)) id = randomInt(1_000_000_000, 9_000_000_000);
      if (bots.has(id)) throw new Error(`fake-telegram: bot ${id} exists`);
      const secret = Array.from(randomBytes(35), (b) => TOKEN_ALPHABET[b & 63]).join("");
      const bot: BotState = {
        token: `${id}:${secret}`, id, username: o.username ?? `test_${id}_bot`, firstName: o.firstName ?? "Test Shop Bot",
        webhook: { url: "", secretToken: null, allowedUpdates: [], maxConnections: 40, lastErrorDate: null, lastErrorMessage: null },
        defaultMenu: { type: "commands" }, chatMenus: new Map(), sent: [], answered: [], openCallbacks: new Set(), nextMessageId: 1,
      };
      bots.set(id, bot);
      byToken.set(bot.token, bot);
      return { token: bot.token, id, username: bot.username, firstName: bot.firstName };
    },
    webhook: (botId) => {
      const w = mustBot(botId).webhook;
      return w.url ? { ...w, allowedUpdates: [...w.allowedUpdates] } : null;
    },
    menuButton: (botId, chatId) => {
      const bot = mustBot(botId);
      return (chatId !== undefined && bot.chatMenus.get(chatId)) || bot.defaultMenu;
    },
    sentMessages: (botId) => [...mustBot(botId).sent],
    answeredCallbacks: (botId) => [...mustBot(botId).answered],
    deliveredCount: (key) => [...bots.values()].reduce((n, b) => n + b.sent.filter((m) => m.idempotencyKey === key).length, 0),
    calls: (method) => callLog.filter((c) => method === undefined || c.method.toLowerCase() === method.toLowerCase()),
    fail(method, o) {
      failures.push({ ...o, method: method === "*" ? "*" : method.toLowerCase(), left: o.times ?? Infinity });
    },
    clearFailures(botId) {
      failures = botId === undefined ? [] : failures.filter((r) => r.botId !== botId);
    },
    async sendUpdate(botId, update) {
      const bot = mustBot(botId);
      const hook = bot.webhook;
      if (!hook.url) throw new Error(`fake-telegram: bot ${botId} has no webhook`);
      const type = Object.keys(update).find((k) => k !== "update_id") ?? "";
      const allowed = hook.allowedUpdates.length ? hook.allowedUpdates.includes(type) : !NOT_BY_DEFAULT.has(type);
      if (!allowed) throw new Error(`fake-telegram: Telegram would not deliver a ${type} update to bot ${botId} (allowed_updates)`);
      const query = update.callback_query as { id?: unknown } | undefined;
      if (typeof query?.id === "string") bot.openCallbacks.add(query.id);
      const headers: Record<string, string> = hook.secretToken ? { "x-telegram-bot-api-secret-token": hook.secretToken } : {};
      try {
        const status = await postJson(hook.url, JSON.stringify(update), headers, outgoing);
        if (status < 200 || status > 299)
          Object.assign(hook, { lastErrorDate: nowSec(), lastErrorMessage: `Wrong response from the webhook: ${status} ${http.STATUS_CODES[status] ?? ""}`.trim() });
        return status;
      } catch (e) {
        Object.assign(hook, { lastErrorDate: nowSec(), lastErrorMessage: (e as Error).message });
        throw e;
      }
    },
    messageUpdate,
    callbackUpdate,
    async close() {
      for (const req of outgoing) req.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
