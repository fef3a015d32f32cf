/**
 * What the bot says about orders (ADR 032): the team's open orders, one order's detail, a buyer's own orders, and
 * the 7-day figures from the sales overview (the dashboard's own source). Every query carries the bot's tenant.
 */
import type { OrderStatus, PrismaClient } from "@prisma/client";
import { formatAmount } from "#server/catalog/index.ts";
import type { InlineKeyboardButton } from "./telegram-client.ts";

/** Orders the team still has to act on or watch: not finished, not expired or cancelled. */
export const OPEN_STATUSES: OrderStatus[] = ["pending_payment", "escrow_funded", "paid", "fulfilling", "delivered", "disputed"];
export const SHIPPABLE: OrderStatus[] = ["escrow_funded", "paid"];
const SHORT_ID = /^[0-9a-f]{8}$/;

const orderSelect = { id: true, status: true, total: true, currency: true, createdAt: true } as const;
type OrderLine = { id: string; status: OrderStatus; total: { toFixed(): string }; currency: string; createdAt: Date };

export const shortId = (id: string) => id.slice(0, 8);
const money = (o: Pick<OrderLine, "total" | "currency">) => `${formatAmount(o.total.toFixed(), o.currency)} ${o.currency}`;
const label = (s: OrderStatus) => s.replace(/_/g, " ");
export const orderLine = (o: OrderLine) => `#${shortId(o.id)} · ${label(o.status)} · ${money(o)} · ${o.createdAt.toISOString().slice(0, 10)}`;

export async function openOrdersText(prisma: PrismaClient, tenantId: string) {
  const rows = await prisma.order.findMany({ where: { tenantId, status: { in: OPEN_STATUSES } }, select: orderSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 10 });
  if (!rows.length) return "No open orders.";
  return ["Open orders (newest first):", ...rows.map(orderLine), "", "Send /order <id> for details."].join("\n");
}

export async function buyerOrdersText(prisma: PrismaClient, tenantId: string, telegramUserId: string) {
  const rows = await prisma.order.findMany({ where: { tenantId, buyerTelegramUserId: telegramUserId }, select: orderSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 10 });
  if (!rows.length) return "You have no orders in this shop yet.";
  return ["Your orders in this shop:", ...rows.map(orderLine)].join("\n");
}

/** `/order <short id>`: the first 8 hex digits of the id, found as a range on the (tenant_id, id) key. */
export async function findOrderByShortId(prisma: PrismaClient, tenantId: string, short: string) {
  const s = short.toLowerCase().replace(/^#/, "");
  if (!SHORT_ID.test(s)) return null;
  const rows = await prisma.order.findMany({
    where: { tenantId, id: { gte: `${s}-0000-0000-0000-000000000000`, lte: `${s}-ffff-ffff-ffff-ffffffffffff` } },
    select: { ...orderSelect, guestEmail: true, lines: { where: { tenantId }, select: { title: true, quantity: true } } },
    take: 2,
  });
  return rows.length === 1 ? rows[0]! : null; // two orders sharing 8 hex digits: ask for nothing ambiguous
}

export function orderDetail(o: NonNullable<Awaited<ReturnType<typeof findOrderByShortId>>>, dashboardUrl: string) {
  const text = [
    `Order #${shortId(o.id)}`, `Status: ${label(o.status)}`, `Total: ${money(o)}`, `Placed: ${o.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    ...o.lines.map((l) => `${l.quantity} × ${l.title}`),
  ].join("\n");
  const row: InlineKeyboardButton[] = [];
  if (SHIPPABLE.includes(o.status)) row.push({ text: "Mark shipped", callback_data: `ship:${o.id}` });
  row.push({ text: "Open in dashboard", url: dashboardUrl });
  return { text, reply_markup: { inline_keyboard: [row] } };
}

export const dashboardOrderUrl = (origin: string, tenantId: string, orderId: string) => `${origin}/dashboard/${tenantId}/orders/${orderId}`;
