/**
 * Bot conversations (BOT-4/5, ADR 032): the claim, Telegram linking (/start link_<token>), the buyer's /start with
 * the "Open shop" Mini App button, the command table (commands.ts) and inline button presses (callbacks.ts).
 * Every lookup is within the bot's tenant. Each Telegram user gets 20 commands or presses per minute per bot.
 */
import type { PrismaClient } from "@prisma/client";
import type { RedisClient } from "#server/redis.ts";
import { hashSecret } from "#server/secrets/index.ts";
import { inTenant, type TenantScope } from "#server/db/index.ts";
import { hit } from "#server/http/index.ts";
import type { SecretBox } from "#server/secrets/index.ts";
import type { TelegramClient } from "./telegram-client.ts";
import { openToken } from "./sealed.ts";
import type { ConversationUpdate } from "./types.ts";
import { COMMANDS, type CommandDeps } from "./commands.ts";
import { handleCallback, type CallbackDeps } from "./callbacks.ts";
import { allowed, refusal, speakerOf } from "./team-member.ts";
import { consumeTelegramLink, LINK_PREFIX } from "./linking.ts";

export const COMMANDS_PER_MINUTE = 20;

export interface BotConversationDeps extends CommandDeps, Pick<CallbackDeps, "ship"> {
  prisma: PrismaClient;
  redis: RedisClient;
  prefix: string;
  box: () => SecretBox;
  telegram: (token: string) => TelegramClient;
  platformDomain: string;
}

const LINKED: Record<Awaited<ReturnType<typeof consumeTelegramLink>>, string> = {
  linked: "Your Telegram account is now linked to your dashboard account. Send /help to see your commands.",
  invalid: "This link is not valid any more (used or expired). Make a new one on your account page.",
  taken: "This Telegram account is already linked to another dashboard account. Unlink it there first.",
};

/** What a tenant's bot says back: one instance serves every bot's updates, each handled within that bot's tenant. */
export class BotConversation {
  constructor(private deps: BotConversationDeps) {}

  async handle({ bot, update }: ConversationUpdate) {
    if (update.callback_query) return this.press(bot, update.callback_query);
    const msg = update.message;
    if (!msg?.from || !msg.text || msg.chat.type !== "private") return;
    const client = this.deps.telegram(openToken(this.deps.box(), bot));
    const reply = (text: string, extra: Record<string, unknown> = {}) => client.sendMessage({ chat_id: msg.chat.id, text, ...extra });
    const fromId = String(msg.from.id);

    const limit = await this.limit(bot.id, fromId);
    if (!limit.allowed) {
      // One notice per window is enough; later commands in the window are ignored silently.
      if (limit.count === COMMANDS_PER_MINUTE + 1) await reply(`Too many commands. Please wait ${limit.retryAfterSec} seconds.`);
      return;
    }

    const [command, ...args] = msg.text.trim().split(/\s+/);
    const name = (command ?? "").split("@")[0]!.toLowerCase();
    const shopName = (bot.tenant.brand as { displayName?: string })?.displayName ?? bot.tenant.displayName;

    if (name === "/start" && args[0]?.startsWith(LINK_PREFIX)) {
      return void (await reply(LINKED[await consumeTelegramLink(this.deps.prisma, bot.tenantId, args[0].slice(LINK_PREFIX.length), fromId)]));
    }
    if (name === "/start" && args[0] && bot.claimTokenHash) {
      if (await this.claim(bot, args[0], fromId)) {
        return void (await reply(`This bot is now connected to ${shopName}, and you are its admin. Send /help to see your commands.`));
      }
    }
    const speaker = await speakerOf(this.deps.prisma, bot, fromId);
    if (name === "/start" || name === "/help") {
      const primaryHost = bot.tenant.domains[0]?.hostname ?? `${bot.tenant.slug}.${this.deps.platformDomain}`;
      const lines = [`Welcome to ${shopName}!`, "Tap “Open shop” to browse and order right here in Telegram.", "Send /orders to see your orders."];
      if (allowed(speaker, "bots.admin")) lines.push("", `Admin commands: ${Object.keys(COMMANDS).filter((c) => COMMANDS[c]!.team).join(", ")}`);
      return void (await reply(lines.join("\n"), {
        reply_markup: { inline_keyboard: [[{ text: "Open shop", web_app: { url: `https://${primaryHost}/telegram` } }]] },
      }));
    }
    const cmd = COMMANDS[name];
    if (!cmd) return void (await reply("Sorry, I don't know that command. Send /start to open the shop."));
    if (cmd.action && !allowed(speaker, cmd.action)) return void (await reply(refusal(speaker)));
    await cmd.run(this.deps, { bot, fromId, args, speaker, shopName, reply });
  }

  private limit(botId: string, fromId: string) {
    return hit(this.deps.redis, this.deps.prefix, { name: "bot-cmd", limit: COMMANDS_PER_MINUTE, windowMs: 60_000 }, `${botId}:${fromId}`);
  }

  private async press(bot: ConversationUpdate["bot"], query: NonNullable<ConversationUpdate["update"]["callback_query"]>) {
    const client = this.deps.telegram(openToken(this.deps.box(), bot));
    const fromId = String(query.from.id);
    const limit = await this.limit(bot.id, fromId);
    const text = limit.allowed ? await handleCallback(this.deps, bot, fromId, query.data ?? "") : `Too many requests. Please wait ${limit.retryAfterSec} seconds.`;
    await client.answerCallbackQuery({ callback_query_id: query.id, text, show_alert: true });
  }

  /** Single use: the compare-and-swap on the claim hash lets exactly one /start <token> through. */
  private async claim(bot: TenantScope & { id: string }, token: string, fromId: string) {
    const { count } = await this.deps.prisma.tenantBot.updateMany({
      where: inTenant(bot, { id: bot.id, claimTokenHash: hashSecret(token), status: { in: ["pending" as const, "active" as const] } }),
      data: { claimTokenHash: null, encryptedClaimToken: null, adminTelegramUserId: fromId, claimedAt: new Date(), status: "active" },
    });
    return count === 1;
  }
}
