/**
 * The bot's commands as a table (ADR 032): name → who may run it and what it does. Other features add rows here
 * (e.g. /unsubscribe) without touching the dispatcher in conversation.ts.
 */
import type { PrismaClient } from "@prisma/client";
import type { TenantAction } from "#server/auth/index.ts";
import type { AuditActor } from "#server/audit/index.ts";
import { setAcceptingOrders } from "#server/tenancy/index.ts";
import { formatAmount } from "#server/catalog/index.ts";
import type { SalesOverview } from "#server/reports/index.ts";
import type { TenantScope } from "#server/db/index.ts";
import type { ConversationUpdate } from "./types.ts";
import { allowed, type Speaker } from "./team-member.ts";
import { buyerOrdersText, dashboardOrderUrl, findOrderByShortId, openOrdersText, orderDetail } from "./shop-orders.ts";

export interface CommandDeps {
  prisma: PrismaClient;
  /** The sales overview (server/reports): /stats reads the dashboard's own figures. */
  overview(tenantId: string): Promise<SalesOverview>;
  dashboardOrigin(): string;
  /** Tell every instance's tenant cache that the shop changed (accepting_orders is part of the resolved tenant). */
  tenancyChanged(reason: string): Promise<void>;
  /** /unsubscribe (ADR 033): opts this Telegram user's customer records in the shop out of announcements. */
  unsubscribe(scope: TenantScope, telegramUserId: string): Promise<number>;
}

export interface CommandContext {
  bot: ConversationUpdate["bot"];
  fromId: string;
  args: string[];
  speaker: Speaker;
  shopName: string;
  reply(text: string, extra?: Record<string, unknown>): Promise<unknown>;
}

export interface BotCommand {
  /** Null: anyone (the command answers per speaker); else the permission a linked member needs (the claimant passes). */
  action: TenantAction | null;
  /** Listed in /help for the team. */
  team: boolean;
  run(deps: CommandDeps, ctx: CommandContext): Promise<void>;
}

export const actorOf = (s: Speaker): AuditActor => (s.kind === "member" ? { userId: s.userId, kind: "user" } : { userId: null, kind: "system" });
const isTeam = (s: Speaker) => allowed(s, "bots.admin");

function pause(accepting: boolean): BotCommand {
  return {
    action: "shop.pause",
    team: true,
    async run(deps, { bot, fromId, speaker, reply }) {
      const changed = await setAcceptingOrders(deps.prisma, actorOf(speaker), bot.tenantId, accepting, { via: "bot", telegramUserId: fromId });
      if (changed) await deps.tenancyChanged(accepting ? "shop resumed" : "shop paused");
      const text = accepting
        ? changed ? "The shop takes orders again." : "The shop was already taking orders."
        : changed ? "The shop is paused: checkout refuses new orders until you send /resume." : "The shop was already paused. Send /resume to take orders again.";
      await reply(text);
    },
  };
}

function mute(paused: boolean): BotCommand {
  return {
    action: "bots.admin",
    team: true,
    async run(deps, { bot, reply }) {
      await deps.prisma.tenantBot.updateMany({ where: { id: bot.id, tenantId: bot.tenantId }, data: { paused } });
      await reply(paused ? "Notifications are muted. Send /unmute to turn them back on." : "Notifications are back on.");
    },
  };
}

function statsText(shopName: string, overview: SalesOverview) {
  const lines = [`${shopName}: the last 7 days`];
  if (!overview.currencies.length) lines.push("Orders: 0", "GMV: 0");
  for (const c of overview.currencies) {
    const f = c.periods.d7.current;
    lines.push(`Orders: ${f.orders} paid of ${f.checkouts} placed`, `GMV: ${formatAmount(f.gmv, c.currency)} ${c.currency}`);
  }
  return lines.join("\n");
}

export const COMMANDS: Record<string, BotCommand> = {
  "/orders": {
    action: null,
    team: true,
    async run(deps, { bot, fromId, speaker, reply }) {
      // The team sees the shop's open orders; anyone else (a buyer) only their own orders in this shop.
      await reply(isTeam(speaker) ? await openOrdersText(deps.prisma, bot.tenantId) : await buyerOrdersText(deps.prisma, bot.tenantId, fromId));
    },
  },
  "/order": {
    action: "bots.admin",
    team: true,
    async run(deps, { bot, args, reply }) {
      const order = args[0] ? await findOrderByShortId(deps.prisma, bot.tenantId, args[0]) : null;
      if (!order) return void (await reply(args[0] ? `Order ${args[0]} was not found. Use the 8-character id from /orders.` : "Send /order <id>, e.g. /order 1a2b3c4d."));
      const { text, reply_markup } = orderDetail(order, dashboardOrderUrl(deps.dashboardOrigin(), bot.tenantId, order.id));
      await reply(text, { reply_markup });
    },
  },
  "/stats": {
    action: "bots.admin",
    team: true,
    async run(deps, { bot, shopName, reply }) {
      await reply(statsText(shopName, await deps.overview(bot.tenantId)));
    },
  },
  "/pause": pause(false),
  "/resume": pause(true),
  "/unsubscribe": {
    action: null,
    team: false,
    async run(deps, { bot, fromId, shopName, reply }) {
      await deps.unsubscribe({ tenantId: bot.tenantId }, fromId);
      await reply(`You will get no more announcements from ${shopName}. Order updates still come.`);
    },
  },
  "/mute": mute(true),
  "/unmute": mute(false),
};
