/**
 * One order as the operator console shows it (the page a dispute links to): MoneyService.merchantOrder under the
 * shop's tenant floor, so an order id paired with another shop's id is a 404. Read-only; nothing here moves money.
 */
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { rethrowAsResponse } from "#app/utils/api-error.server.ts";
import { chainActivityOf } from "#app/utils/chain-activity.server.ts";

const paramsSchema = z.object({ tenantId: z.uuid(), orderId: z.uuid() });
const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export async function loadOpsOrder(context: AppLoadContext, params: Record<string, string | undefined>) {
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  const { tenantId, orderId } = parsed.data;
  const { money, prisma } = context.services;
  const [shop, order] = await Promise.all([
    prisma.tenant.findUnique({ where: { id: tenantId }, select: { id: true, slug: true, displayName: true } }),
    money.merchantOrder(tenantId, orderId).catch(rethrowAsResponse),
  ]);
  if (!shop) throw new Response("Not found", { status: 404 });
  const disputes = await prisma.dispute.findMany({
    where: { tenantId, orderId },
    orderBy: { openedAt: "asc" },
    select: { id: true, status: true, reason: true, resolution: true, resolutionNote: true, openedAt: true, resolvedAt: true },
  });
  return {
    shop,
    order: {
      id: order.id,
      status: order.status,
      rail: order.rail,
      currency: order.currency,
      subtotal: order.subtotal,
      total: order.total,
      feeAmount: order.feeAmount,
      guestEmail: order.guestEmail,
      createdAt: order.createdAt.toISOString(),
      paidAt: iso(order.paidAt),
      shippedAt: iso(order.shippedAt),
      deliveredAt: iso(order.deliveredAt),
      closedAt: iso(order.closedAt),
      escrow: order.escrow ? { status: order.escrow.status, amount: order.escrow.amount } : null,
      lines: order.lines.map((l) => ({ itemId: l.itemId, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal })),
      timeline: order.timeline.map((e) => ({ from: e.from, to: e.to, at: e.at.toISOString() })),
    },
    disputes: disputes.map((d) => ({ ...d, openedAt: d.openedAt.toISOString(), resolvedAt: iso(d.resolvedAt) })),
    chain: chainActivityOf(context, order.chain),
  };
}
