/**
 * Buyer updates through the shop's bot (ADR 032): a Mini App buyer linked to an order (orders.buyer_telegram_user_id)
 * is told when it is paid, shipped, delivered or disputed. One bots.notify job per (order, event), from this order's
 * own shop's bot to this order's own buyer; delivery writes the order_buyer_updates marker in the transaction around
 * the send, so a retried or re-published event sends nothing twice.
 */
import type { PrismaClient } from "@prisma/client";
import type { Queue } from "bullmq";
import { formatAmount } from "#server/catalog/index.ts";
import { enqueueJob } from "#server/jobs/index.ts";
import { notificationJobId } from "./notifications.ts";

export const BUYER_EVENTS = { paid: "Payment received", shipped: "Shipped", delivered: "Delivered", disputed: "A dispute was opened" } as const;
export type BuyerEvent = keyof typeof BUYER_EVENTS;
const isBuyerEvent = (k: string): k is BuyerEvent => k in BUYER_EVENTS;

export async function notifyOrderBuyer(deps: { prisma: PrismaClient; queue: Queue }, tenantId: string, orderId: string, kind: string, detail?: string) {
  if (!isBuyerEvent(kind)) return { queued: 0 };
  const order = await deps.prisma.order.findFirst({
    where: { tenantId, id: orderId, buyerTelegramUserId: { not: null } },
    select: { buyerTelegramUserId: true, total: true, currency: true, tenant: { select: { displayName: true } } },
  });
  if (!order) return { queued: 0 };
  const seen = await deps.prisma.orderBuyerUpdate.findFirst({ where: { tenantId, orderId, event: kind }, select: { event: true } });
  if (seen) return { queued: 0 };
  // Buyers hear from the bot they shopped through; muting (/mute) silences the team's alerts, not these.
  const bot = await deps.prisma.tenantBot.findFirst({ where: { tenantId, status: "active" }, select: { id: true }, orderBy: { createdAt: "desc" } });
  if (!bot) return { queued: 0 };
  const chatId = order.buyerTelegramUserId!;
  const eventId = `buyer.${kind}:${orderId}`;
  const text = `${order.tenant.displayName}: ${BUYER_EVENTS[kind]}, order #${orderId.slice(0, 8)} (${formatAmount(order.total.toFixed(), order.currency)} ${order.currency}).${detail ? `\n${detail}` : ""}`;
  await enqueueJob(deps.queue, "bots.notify", { tenantId, botId: bot.id, chatId, eventId, text, buyerUpdate: { orderId, event: kind } }, { jobId: notificationJobId(eventId, bot.id, chatId) });
  return { queued: 1 };
}
