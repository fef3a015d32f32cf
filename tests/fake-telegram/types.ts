/** Public types of the fake Bot API (see server.ts). */
import type { messageUpdate, callbackUpdate } from "./updates.ts";

export type FailureMode = "401" | "429" | "5xx" | "timeout";
export interface FailureOptions {
  mode: FailureMode;
  /** Seconds, sent as `parameters.retry_after` in 429 mode (default 1). */
  retryAfter?: number;
  /** How many matching calls fail before normal behaviour resumes (default: until `clearFailures()`). */
  times?: number;
  /** Only this bot's calls fail (default: every bot). */
  botId?: number;
  /** HTTP status in 5xx mode (default 500, a JSON envelope; other codes answer nginx's HTML page like Telegram's edge). */
  status?: number;
}
export type MenuButton = { type: "commands" } | { type: "default" } | { type: "web_app"; text: string; web_app: { url: string } };
export interface FakeBot {
  token: string;
  id: number;
  username: string;
  firstName: string;
}
export interface FakeWebhook {
  url: string;
  secretToken: string | null;
  /** As last given to setWebhook (Telegram keeps the previous list when the field is omitted); [] = the default set. */
  allowedUpdates: string[];
  maxConnections: number;
  lastErrorDate: number | null;
  lastErrorMessage: string | null;
}
export interface SentMessage {
  messageId: number;
  chatId: number;
  text: string;
  parseMode: string | null;
  replyMarkup: unknown;
  at: number;
  idempotencyKey: string | null;
}
export interface AnsweredCallback {
  callbackQueryId: string;
  text: string | null;
  showAlert: boolean;
  url: string | null;
  at: number;
}
export interface CallRecord {
  /** Canonical method name (Telegram method names are case-insensitive). */
  method: string;
  /** null for an unknown token. */
  botId: number | null;
  /** Date.now() when the request arrived. */
  at: number;
  params: Record<string, unknown>;
  idempotencyKey: string | null;
  /** HTTP status answered; null while held (timeout mode) or never answered. */
  status: number | null;
  failure: FailureMode | null;
}
export type TelegramUpdate = { update_id: number } & Record<string, unknown>;

export interface FakeTelegram {
  /** API root for TELEGRAM_API_ROOT / createTelegramClient({ apiRoot }). */
  url: string;
  addBot(o?: { id?: number; username?: string; firstName?: string }): FakeBot;
  webhook(botId: number): FakeWebhook | null;
  /** The button a chat sees: its own, else the bot's default. */
  menuButton(botId: number, chatId?: number): MenuButton;
  sentMessages(botId: number): SentMessage[];
  answeredCallbacks(botId: number): AnsweredCallback[];
  /** How many sendMessage calls carrying this X-Idempotency-Key were accepted (duplicates included). */
  deliveredCount(idempotencyKey: string): number;
  calls(method?: string): CallRecord[];
  fail(method: string, o: FailureOptions): void;
  clearFailures(botId?: number): void;
  /** POSTs the update to the bot's webhook like Telegram does and returns the HTTP status. */
  sendUpdate(botId: number, update: TelegramUpdate): Promise<number>;
  messageUpdate: typeof messageUpdate;
  callbackUpdate: typeof callbackUpdate;
  close(): Promise<void>;
}

