/**
 * Thin Telegram Bot API client (core.telegram.org/bots/api): a JSON POST to `<apiRoot>/bot<token>/<method>` through
 * undici, with header/body timeouts and an overall deadline, and typed errors. No retries here: callers (BullMQ jobs)
 * own retries, backoff and honouring `retry_after` (docs/security.md reliability 4, 6).
 *
 * The token lives only in this closure. It is never put in an error (errors are built without the request URL, and a
 * transport error that mentions it is replaced by a redacted copy), a log line, or a returned object (docs/security.md 7).
 */
import { inspect } from "node:util";
import { request, type Dispatcher } from "undici";
import { z } from "zod";
import { isTransportError, readCapped, type CircuitBreaker } from "#server/http/index.ts";

export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  can_join_groups?: boolean;
  can_read_all_group_messages?: boolean;
  supports_inline_queries?: boolean;
  has_main_web_app?: boolean;
}
export interface TelegramChat {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  title?: string;
  username?: string;
  first_name?: string;
}
export interface WebAppInfo {
  url: string;
}
export type InlineKeyboardButton = { text: string } & ({ url: string } | { callback_data: string } | { web_app: WebAppInfo });
export interface InlineKeyboardMarkup {
  inline_keyboard: InlineKeyboardButton[][];
}
export interface TelegramMessage {
  message_id: number;
  date: number;
  chat: TelegramChat;
  from?: TelegramUser;
  text?: string;
  reply_markup?: InlineKeyboardMarkup;
}
export type MenuButton = { type: "commands" } | { type: "default" } | { type: "web_app"; text: string; web_app: WebAppInfo };

export interface SetWebhookParams {
  url: string;
  /** Sent back by Telegram in `X-Telegram-Bot-Api-Secret-Token`; 1-256 of [A-Za-z0-9_-]. */
  secret_token?: string;
  allowed_updates?: string[];
  drop_pending_updates?: boolean;
  max_connections?: number;
}
export interface DeleteWebhookParams {
  drop_pending_updates?: boolean;
}
export interface SetChatMenuButtonParams {
  /** Omit to set the bot's default button. */
  chat_id?: number;
  /** Omit to reset to the default. */
  menu_button?: MenuButton;
}
export interface SendMessageParams {
  chat_id: number | string;
  text: string;
  parse_mode?: "HTML" | "MarkdownV2" | "Markdown";
  reply_markup?: InlineKeyboardMarkup;
  link_preview_options?: { is_disabled?: boolean };
  disable_notification?: boolean;
  protect_content?: boolean;
}
export interface AnswerCallbackQueryParams {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
}

export interface TelegramClientOptions {
  /** e.g. https://api.telegram.org (env TELEGRAM_API_ROOT; a fake's URL in tests). */
  apiRoot: string;
  token: string;
  /** Bounds the whole call: connect, headers and body (default 10 s). */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Shared by every bot's client: the Bot API's outage is everyone's (server/http/circuit-breaker.ts). */
  breaker?: CircuitBreaker;
}
export interface TelegramClient {
  readonly botId: number;
  getMe(): Promise<TelegramUser>;
  setWebhook(params: SetWebhookParams): Promise<true>;
  deleteWebhook(params?: DeleteWebhookParams): Promise<true>;
  setChatMenuButton(params?: SetChatMenuButtonParams): Promise<true>;
  /** `idempotencyKey` travels as `X-Idempotency-Key` (Telegram ignores it; our fake records it). */
  sendMessage(params: SendMessageParams, options?: { idempotencyKey?: string }): Promise<TelegramMessage>;
  answerCallbackQuery(params: AnswerCallbackQueryParams): Promise<true>;
}

interface ErrorDetails {
  status?: number | null;
  errorCode?: number | null;
  description?: string | null;
  cause?: unknown;
}
/** Base of every error this client throws; carries the method name, never the token or URL. */
export class TelegramError extends Error {
  readonly method: string;
  readonly status: number | null;
  readonly errorCode: number | null;
  readonly description: string | null;
  constructor(method: string, message: string, details: ErrorDetails = {}) {
    super(`Telegram ${method}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.method = method;
    this.status = details.status ?? null;
    this.errorCode = details.errorCode ?? null;
    this.description = details.description ?? null;
  }
}
/** 401: the token is wrong or revoked. */
export class TelegramUnauthorizedError extends TelegramError {}
/** 429: wait `retryAfterSec` (Telegram's `parameters.retry_after`) before calling again. */
export class TelegramRateLimitError extends TelegramError {
  readonly retryAfterSec: number | null;
  constructor(method: string, message: string, details: ErrorDetails & { retryAfterSec: number | null }) {
    super(method, message, details);
    this.retryAfterSec = details.retryAfterSec;
  }
}
/** 5xx, or an answer that is not the Bot API envelope. */
export class TelegramServerError extends TelegramError {}
/** Other 4xx (400 bad parameters, 403 blocked by the user, …); `description` is Telegram's text. */
export class TelegramBadRequestError extends TelegramError {
  readonly parameters: Record<string, unknown> | null;
  constructor(method: string, message: string, details: ErrorDetails & { parameters?: Record<string, unknown> | null }) {
    super(method, message, details);
    this.parameters = details.parameters ?? null;
  }
}
/** No answer in time, or the connection failed; `cause` is the underlying (undici / socket) error. */
export class TelegramTimeoutError extends TelegramError {}
/** Not called: the Bot API kept failing and the circuit is open; try again after `retryAfterMs`. */
export class TelegramUnavailableError extends TelegramTimeoutError {
  readonly retryAfterMs: number;
  constructor(method: string, retryAfterMs: number) {
    super(method, `not called: the Bot API keeps failing; next try in ${Math.ceil(retryAfterMs / 1000)} s (circuit open)`, {});
    this.retryAfterMs = retryAfterMs;
  }
}

const BOT_TOKEN = /^(\d{5,20}):[A-Za-z0-9_-]{30,50}$/;
/** Checks the shape `<bot id>:<secret>`; the bot id is public (it is the bot's user id). */
export function parseBotToken(token: string): { botId: number } | null {
  const m = BOT_TOKEN.exec(token);
  if (!m) return null;
  const botId = Number(m[1]);
  return Number.isSafeInteger(botId) ? { botId } : null; // Telegram ids fit in 52 bits
}

const envelopeSchema = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().int().optional(),
  description: z.string().optional(),
  parameters: z.looseObject({ retry_after: z.number().optional() }).optional(),
});
const trueSchema = z.literal(true);
const userSchema = z.looseObject({ id: z.number().int(), is_bot: z.boolean(), first_name: z.string(), username: z.string().optional() });
const messageSchema = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: z.looseObject({ id: z.number().int(), type: z.string() }),
  text: z.string().optional(),
});

const MAX_RESPONSE_BYTES = 1024 * 1024;

export function createTelegramClient({ apiRoot, token, timeoutMs = 10_000, dispatcher, breaker }: TelegramClientOptions): TelegramClient {
  const parsed = parseBotToken(token);
  if (!parsed) throw new TypeError("createTelegramClient: token is not a Telegram bot token"); // no token in the message
  const secret = token.slice(token.indexOf(":") + 1);
  const root = apiRoot.replace(/\/+$/, "");
  if (!/^https?:\/\//.test(root)) throw new TypeError("createTelegramClient: apiRoot must be an http(s) URL");

  const redact = (s: string) => s.split(secret).join("[redacted]");
  /** Keeps the underlying error unless something in it mentions the secret (e.g. a URL); then a redacted copy. */
  function safeCause(err: unknown): unknown {
    if (!inspect(err, { depth: 4 }).includes(secret)) return err;
    const e = err as { message?: unknown; code?: unknown; name?: unknown };
    return Object.assign(new Error(redact(String(e.message ?? "error"))), { name: String(e.name ?? "Error"), code: e.code });
  }

  const readBody = (body: Dispatcher.ResponseData["body"]) => readCapped(body, MAX_RESPONSE_BYTES);

  function failure(method: string, status: number, text: string | null): TelegramError {
    let env: z.infer<typeof envelopeSchema> | undefined;
    try {
      const r = envelopeSchema.safeParse(JSON.parse(text ?? ""));
      if (r.success) env = r.data;
    } catch {
      /* not JSON: an HTML error page from the edge */
    }
    const errorCode = env?.error_code ?? null;
    const description = env?.description === undefined ? null : redact(env.description);
    const code = status >= 400 ? status : errorCode ?? status;
    const d = { status, errorCode, description };
    const message = description ?? `HTTP ${status}`;
    if (code === 401) return new TelegramUnauthorizedError(method, message, d);
    if (code === 429) {
      const fromBody = env?.parameters?.retry_after;
      return new TelegramRateLimitError(method, message, { ...d, retryAfterSec: typeof fromBody === "number" ? fromBody : null });
    }
    if (code >= 400 && code < 500) return new TelegramBadRequestError(method, message, { ...d, parameters: env?.parameters ?? null });
    return new TelegramServerError(method, status >= 500 ? message : `unexpected response (HTTP ${status})`, d);
  }

  function call<T>(method: string, params: object, schema: z.ZodType<T>, headers: Record<string, string> = {}): Promise<T> {
    if (!breaker) return callOnce(method, params, schema, headers);
    return breaker.run(
      () => callOnce(method, params, schema, headers),
      (err) => err instanceof TelegramTimeoutError || err instanceof TelegramServerError,
      (ms) => new TelegramUnavailableError(method, ms),
    );
  }

  async function callOnce<T>(method: string, params: object, schema: z.ZodType<T>, headers: Record<string, string> = {}): Promise<T> {
    let status: number;
    let text: string | null;
    try {
      const res = await request(`${root}/bot${token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body: JSON.stringify(params),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        ...(dispatcher ? { dispatcher } : {}),
      });
      status = res.statusCode;
      text = await readBody(res.body);
    } catch (err) {
      const cause = safeCause(err);
      if (isTransportError(err)) throw new TelegramTimeoutError(method, "no answer in time or connection failed", { cause });
      throw new TelegramError(method, "request failed", { cause });
    }
    if (text === null) throw new TelegramServerError(method, "answer larger than 1 MiB", { status });
    if (status !== 200) throw failure(method, status, text);
    let env: z.infer<typeof envelopeSchema>;
    try {
      env = envelopeSchema.parse(JSON.parse(text));
    } catch {
      throw new TelegramServerError(method, "answer is not the Bot API envelope", { status });
    }
    if (!env.ok) throw failure(method, status, text);
    const result = env.result;
    const checked = schema.safeParse(result);
    if (!checked.success) throw new TelegramServerError(method, "result does not match the Bot API", { status });
    return checked.data;
  }

  return {
    botId: parsed.botId,
    getMe: () => call("getMe", {}, userSchema) as Promise<TelegramUser>,
    setWebhook: (p) => call("setWebhook", p, trueSchema),
    deleteWebhook: (p = {}) => call("deleteWebhook", p, trueSchema),
    setChatMenuButton: (p = {}) => call("setChatMenuButton", p, trueSchema),
    sendMessage: (p, o = {}) =>
      call("sendMessage", p, messageSchema, o.idempotencyKey ? { "x-idempotency-key": o.idempotencyKey } : {}) as Promise<TelegramMessage>,
    answerCallbackQuery: (p) => call("answerCallbackQuery", p, trueSchema),
  };
}
