/**
 * The buyer opens a paid order's digital content (ADR 039). On escrow this is the delivery confirmation MONEY.md
 * asks for: a digital-only order goes escrow_funded → fulfilling → delivered in one money transaction, released
 * after a grace of 0 (the release job, scheduled after commit). Exactly once: the grants' `opened_at` is set by one
 * conditional UPDATE, so a second open (a replay, or two at once: the second waits for the first's row locks and
 * then matches nothing) changes nothing. An order with physical lines keeps the delivery code for those; opening
 * its digital part only records that it was opened.
 */
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { afterCommit, type MoneyContext } from "./context.ts";
import { moneyTx } from "./money-tx.ts";
import { transition } from "./state-machine.ts";
import { findOrder } from "./settlement.ts";

const BUYER: AuditActor = { userId: null, kind: "system" };
const OPENABLE = ["escrow_funded", "fulfilling", "paid", "delivered", "completed"];

export async function openDigitalContent(ctx: MoneyContext, tenantId: string, orderId: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  if (!OPENABLE.includes(order.status)) throw new ApiError(409, "CONFLICT", `The order is ${order.status}; its content cannot be opened.`, { status: order.status });
  const target = `order:${orderId}`;
  const now = ctx.now();
  const outcome = await moneyTx(ctx.prisma, { tenantId, action: "order.digital_open", target, actor: BUYER }, async (tx) => {
    const { count } = await tx.digitalGrant.updateMany({ where: { tenantId, orderId, openedAt: null }, data: { openedAt: now } });
    if (count === 0) {
      if ((await tx.digitalGrant.count({ where: { tenantId, orderId } })) === 0) throw new ApiError(404, "NOT_FOUND", "This order has no digital content.");
      return "replayed" as const;
    }
    const physical = await tx.orderLine.count({ where: { tenantId, orderId, kind: "physical" } });
    const current = await tx.order.findFirst({ where: { id: orderId, tenantId }, select: { status: true, rail: true } });
    if (current?.rail !== "escrow" || physical > 0 || !["escrow_funded", "fulfilling"].includes(current.status)) {
      await writeAudit(tx, BUYER, { action: "order.digital_open", tenantId, target });
      return "opened" as const;
    }
    if (current.status === "escrow_funded") {
      await transition(tx, { tenantId, orderId, from: "escrow_funded", to: "fulfilling", actor: "buyer", set: { shippedAt: now } });
    }
    // Digital orders have no grace period (MONEY.md): the release is due at once.
    await transition(tx, { tenantId, orderId, from: "fulfilling", to: "delivered", actor: "buyer", set: { deliveredAt: now, releaseAfter: now } });
    // A code the merchant may have made by "shipping" first has nothing left to confirm.
    await tx.deliveryCode.updateMany({ where: { tenantId, orderId, consumedAt: null }, data: { expiresAt: now } });
    await writeAudit(tx, BUYER, { action: "order.deliver_digital", tenantId, target, details: { releaseAfter: now.toISOString() } });
    return "delivered" as const;
  });
  if (outcome === "delivered") {
    await afterCommit(ctx, "schedule release", () => ctx.scheduler.release(order, now));
    await ctx.publish(order, "delivered");
  }
  return outcome;
}
