/**
 * Bot conversations (BOT-4/5): the claim, the buyer's /start with the "Open shop" Mini App button, and the admin
 * commands. Every lookup is within the bot's tenant. Each Telegram user gets 20 commands per minute per bot.
 */
import type { PrismaClient } from "@prisma/client";
import type { RedisClient } from "#server/redis.ts";
import { hashSecret } from "#server/secrets/index.ts";
import { rolesFor } from "#server/auth/index.ts";
import { inTenant, type TenantScope } from "#server/db/index.ts";
import { hit } from "#server/http/index.ts";
import type { SecretBox } from "#server/secrets/index.ts";
import type { TelegramClient } from "./telegram-client.ts";
import { openToken } from "./sealed.ts";
import type { ConversationUpdate } from "./types.ts";

export const COMMANDS_PER_MINUTE = 20;

export interface BotConversationDeps {
  prisma: PrismaClient;
  redis: RedisClient;
  prefix: string;
  box: () => SecretBox;
  telegram: (token: string) => TelegramClient;
  platformDomain: string;
  /** /unsubscribe (ADR 033): opts this Telegram user's customer records in the shop out of announcements. */
  unsubscribe?: (scope: TenantScope, telegramUserId: string) => Promise<number>;
}

/** What a tenant's bot says back: one instance serves every bot's updates, each handled within that bot's tenant. */
export class BotConversation {
  constructor(private deps: BotConversationDeps) {}

  async handle({ bot, update }: ConversationUpdate) {
    const msg = update.message;
    if (!msg?.from || !msg.text || msg.chat.type !== "private") return;
    const client = this.deps.telegram(openToken(this.deps.box(), bot));
    const reply = (text: string, extra: Record<string, unknown> = {}) => client.sendMessage({ chat_id: msg.chat.id, text, ...extra });

    const limit = await hit(this.deps.redis, this.deps.prefix, { name: "bot-cmd", limit: COMMANDS_PER_MINUTE, windowMs: 60_000 }, `${bot.id}:${msg.from.id}`);
    if (!limit.allowed) {
      // One notice per window is enough; later commands in the window are ignored silently.
      if (limit.count === COMMANDS_PER_MINUTE + 1) await reply(`Too many commands. Please wait ${limit.retryAfterSec} seconds.`);
      return;
    }

    const [command, ...args] = msg.text.trim().split(/\s+/);
    const name = (command ?? "").split("@")[0]!.toLowerCase();
    const shopName = (bot.tenant.brand as { displayName?: string })?.displayName ?? bot.tenant.displayName;
    const fromId = String(msg.from.id);

    if (name === "/start" && args[0] && bot.claimTokenHash) {
      if (await this.claim(bot, args[0], fromId)) {
        return void (await reply(`This bot is now connected to ${shopName}, and you are its admin. Send /help to see your commands.`));
      }
    }
    if (name === "/unsubscribe" && this.deps.unsubscribe) {
      await this.deps.unsubscribe({ tenantId: bot.tenantId }, fromId);
      return void (await reply(`You will get no more announcements from ${shopName}. Order updates still come.`));
    }
    const admin = await this.isAdmin(bot, fromId);
    if (name === "/start" || name === "/help") {
      const primaryHost = bot.tenant.domains[0]?.hostname ?? `${bot.tenant.slug}.${this.deps.platformDomain}`;
      const lines = [`Welcome to ${shopName}!`, "Tap “Open shop” to browse and order right here in Telegram."];
      if (admin) lines.push("", "Admin commands: /orders, /order <id>, /stats, /pause, /resume");
      return void (await reply(lines.join("\n"), {
        reply_markup: { inline_keyboard: [[{ text: "Open shop", web_app: { url: `https://${primaryHost}/telegram` } }]] },
      }));
    }
    if (!["/orders", "/order", "/stats", "/pause", "/resume"].includes(name)) {
      return void (await reply("Sorry, I don't know that command. Send /start to open the shop."));
    }
    if (!admin) return void (await reply("That command is for the shop's team."));
    switch (name) {
      case "/orders":
      case "/order":
        // Orders arrive with the checkout; until then there is nothing to list.
        return void (await reply(name === "/order" ? `Order ${args[0] ?? ""} was not found.`.replace("  ", " ") : "No orders yet."));
      case "/stats": {
        const [active, total] = await Promise.all([
          this.deps.prisma.catalogItem.count({ where: { tenantId: bot.tenantId, active: true, archivedAt: null } }),
          this.deps.prisma.catalogItem.count({ where: { tenantId: bot.tenantId } }),
        ]);
        return void (await reply(`${shopName}\nItems on sale: ${active} of ${total}\nOrders: 0\nBot: ${bot.paused ? "paused" : "running"}`));
      }
      case "/pause":
      case "/resume": {
        const paused = name === "/pause";
        await this.deps.prisma.tenantBot.updateMany({ where: { id: bot.id, tenantId: bot.tenantId }, data: { paused } });
        return void (await reply(paused ? "Notifications are paused. Send /resume to turn them back on." : "Notifications are back on."));
      }
    }
  }

  /** Single use: the compare-and-swap on the claim hash lets exactly one /start <token> through. */
  private async claim(bot: TenantScope & { id: string }, token: string, fromId: string) {
    const { count } = await this.deps.prisma.tenantBot.updateMany({
      where: inTenant(bot, { id: bot.id, claimTokenHash: hashSecret(token), status: { in: ["pending" as const, "active" as const] } }),
      data: { claimTokenHash: null, encryptedClaimToken: null, adminTelegramUserId: fromId, claimedAt: new Date(), status: "active" },
    });
    return count === 1;
  }

  /** The claimant, or a member with a linked Telegram id and a role allowed `bots.admin` — of this tenant only. */
  private async isAdmin(bot: ConversationUpdate["bot"], fromId: string) {
    if (bot.adminTelegramUserId === fromId) return true;
    const member = await this.deps.prisma.tenantUserRole.findFirst({
      where: { tenantId: bot.tenantId, role: { in: [...rolesFor("bots.admin")] }, user: { telegramUserId: fromId } },
      select: { id: true },
    });
    return Boolean(member);
  }
}
