/**
 * Sending as the shop's bot for bulk messages (announcements, ADR 033): the shop's active bot, its token opened only
 * here, and the same per-bot budget (`bot-send`) the notifications use, so the two together stay under Telegram's
 * limit. A 401 suspends the bot like any other send.
 */
import type { PrismaClient } from "@prisma/client";
import type { RedisClient } from "#server/redis.ts";
import { hit } from "#server/http/index.ts";
import type { SecretBox } from "#server/secrets/index.ts";
import { SENDS_PER_SECOND_PER_BOT } from "./notifications.ts";
import { openToken } from "./sealed.ts";
import type { BotRegistry } from "./registry.ts";
import { TelegramUnauthorizedError, type TelegramClient } from "./telegram-client.ts";

export interface BroadcastDeps {
  prisma: PrismaClient;
  redis: RedisClient;
  prefix: string;
  box: () => SecretBox;
  telegram: (token: string) => TelegramClient;
  registry: BotRegistry;
}

export interface BotSender {
  botId: string;
  /** Waits for a slot in the bot's per-second budget (shared with notifications). */
  slot(): Promise<void>;
  send(chatId: string, text: string, idempotencyKey: string): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The shop's active, unpaused bot as a sender; null when it has none. */
export async function shopBotSender(deps: BroadcastDeps, tenantId: string): Promise<BotSender | null> {
  const bot = await deps.prisma.tenantBot.findFirst({
    where: { tenantId, status: "active" }, select: { id: true, encryptedToken: true }, orderBy: { createdAt: "asc" },
  });
  if (!bot) return null;
  const client = deps.telegram(openToken(deps.box(), bot));
  // The shared budget counts fixed one-second windows, which lets two windows' worth through across a boundary;
  // spacing this sender's calls evenly keeps any rolling second under Telegram's ~30 as well.
  const spacingMs = Math.ceil(1_000 / SENDS_PER_SECOND_PER_BOT);
  let last = 0;
  return {
    botId: bot.id,
    async slot() {
      for (;;) {
        const s = await hit(deps.redis, deps.prefix, { name: "bot-send", limit: SENDS_PER_SECOND_PER_BOT, windowMs: 1_000 }, bot.id);
        if (s.allowed) {
          const wait = last + spacingMs - Date.now();
          if (wait > 0) await sleep(wait);
          last = Date.now();
          return;
        }
        await sleep(Math.max(50, s.retryAfterSec * 1_000));
      }
    },
    async send(chatId, text, idempotencyKey) {
      try {
        await client.sendMessage({ chat_id: Number(chatId), text }, { idempotencyKey });
      } catch (err) {
        if (err instanceof TelegramUnauthorizedError) await deps.registry.recordError(bot.id, err);
        throw err;
      }
    },
  };
}
