/** Builders for Telegram Update objects, shaped like the real ones (a message with bot_command entities, a callback query). */
import { randomInt } from "node:crypto";
import type { TelegramUpdate } from "./types.ts";

export const chatType = (id: number) => (id > 0 ? "private" : id < -1_000_000_000_000 ? "supergroup" : "group");

let nextUpdateId = randomInt(100_000_000, 200_000_000);
export const nowSec = () => Math.floor(Date.now() / 1000);
function person(id: number, username?: string, firstName = "Test") {
  return { id, is_bot: false, first_name: firstName, ...(username ? { username } : {}), language_code: "en" };
}
function chatOf(id: number, username?: string, firstName = "Test") {
  return id > 0 ? { id, type: "private", first_name: firstName, ...(username ? { username } : {}) } : { id, type: chatType(id), title: "Test group" };
}

/** A text message update as Telegram sends it; a leading /command gets its `bot_command` entity. */
export function messageUpdate(o: { fromId: number; chatId?: number; text: string; username?: string; firstName?: string; messageId?: number }): TelegramUpdate {
  const chatId = o.chatId ?? o.fromId;
  const message: Record<string, unknown> = {
    message_id: o.messageId ?? randomInt(1, 1_000_000),
    from: person(o.fromId, o.username, o.firstName),
    chat: chatOf(chatId, o.username, o.firstName),
    date: nowSec(),
    text: o.text,
  };
  const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{5,32})?/.exec(o.text);
  if (command) message.entities = [{ offset: 0, length: command[0].length, type: "bot_command" }];
  return { update_id: nextUpdateId++, message };
}

/** A callback_query update (an inline button press on one of the bot's messages). */
export function callbackUpdate(o: { fromId: number; data: string; chatId?: number; id?: string; messageId?: number; username?: string; firstName?: string }): TelegramUpdate {
  const chatId = o.chatId ?? o.fromId;
  return {
    update_id: nextUpdateId++,
    callback_query: {
      id: o.id ?? `${randomInt(1e9, 9e9)}${randomInt(1e9, 9e9)}`,
      from: person(o.fromId, o.username, o.firstName),
      message: { message_id: o.messageId ?? randomInt(1, 1_000_000), chat: chatOf(chatId, o.username, o.firstName), date: nowSec(), text: "…" },
      chat_instance: String(randomInt(1e9, 9e9)),
      data: o.data,
    },
  };
}
