/**
 * Stale fulfilment (docs/money.md "Order state machine"): an escrow order still `fulfilling` FULFILLING_STALE_DAYS
 * after it was shipped has its money held for nothing — the code was never shared, or locked after wrong entries.
 * The money sweep moves it on:
 * - with any physical item: fulfilling → disputed, with an automatic dispute an operator resolves (release or refund);
 * - digital items only: fulfilling → delivered and released at once (digital orders have no grace period).
 * Each step is a money transaction (kill switch checked inside) and a compare-and-swap guarded by the cut-off and
 * "no open dispute", so concurrent sweeps and replays change an order once.
 */
import { ApiError } from "#server/http/index.ts";
import { writeAudit } from "#server/audit/index.ts";
import type { MoneyContext } from "./context.ts";
import { moneyTx } from "./money-tx.ts";
import { transition } from "./state-machine.ts";
import { findOrder, releaseOrder, SYSTEM } from "./settlement.ts";
import { isUniqueViolation } from "./db-errors.ts";

export const DEFAULT_FULFILLING_STALE_DAYS = 14;
const DAY_MS = 86_400_000;

export const staleDays = (ctx: MoneyContext) => ctx.config.fulfillingStaleDays ?? DEFAULT_FULFILLING_STALE_DAYS;
export const staleDisputeReason = (days: number) => `Not confirmed delivered in ${days} days (opened automatically).`;

/** The stale orders of tenants whose switch is off, oldest shipment first; what each became. */
export async function settleStaleFulfilment(ctx: MoneyContext, paused: string[], batch: number) {
  const days = staleDays(ctx);
  const cutoff = new Date(ctx.now().getTime() - days * DAY_MS);
  const stale = await ctx.prisma.order.findMany({
    where: { status: "fulfilling", rail: "escrow", shippedAt: { lte: cutoff }, tenantId: { notIn: paused }, disputes: { none: { status: "open" } } },
    select: { id: true, tenantId: true },
    orderBy: [{ shippedAt: "asc" }, { id: "asc" }],
    take: batch,
  });
  const counts = { disputed: 0, released: 0 };
  for (const o of stale) {
    const outcome = await settleStaleOrder(ctx, o.tenantId, o.id, days, cutoff);
    if (outcome) counts[outcome]++;
  }
  return counts;
}

async function settleStaleOrder(ctx: MoneyContext, tenantId: string, orderId: string, days: number, cutoff: Date) {
  const order = await findOrder(ctx, tenantId, orderId);
  if (order.status !== "fulfilling" || order.rail !== "escrow" || !order.shippedAt || order.shippedAt > cutoff) return null;
  const physical = await ctx.prisma.orderLine.count({ where: { orderId, tenantId, kind: "physical" } });
  const guard = { shippedAt: { lte: cutoff }, disputes: { none: { status: "open" as const } } };
  const target = `order:${orderId}`;
  const now = ctx.now();
  if (physical > 0) {
    const opened = await moneyTx(ctx.prisma, { tenantId, action: "order.dispute_stale", target, actor: SYSTEM }, async (tx) => {
      if (!(await casOrSkip(() => transition(tx, { tenantId, orderId, from: "fulfilling", to: "disputed", actor: "system", where: guard })))) return false;
      await tx.dispute.create({ data: { tenantId, orderId, reason: staleDisputeReason(days), fromStatus: "fulfilling" } });
      await writeAudit(tx, SYSTEM, { action: "order.dispute_stale", tenantId, target, details: { days } });
      return true;
    }).catch((err) => (isUniqueViolation(err) ? false : Promise.reject(err)));
    if (!opened) return null;
    await ctx.publish(order, "disputed");
    return "disputed" as const;
  }
  const delivered = await moneyTx(ctx.prisma, { tenantId, action: "order.deliver_stale", target, actor: SYSTEM }, async (tx) => {
    if (!(await casOrSkip(() => transition(tx, { tenantId, orderId, from: "fulfilling", to: "delivered", actor: "system", set: { deliveredAt: now, releaseAfter: now }, where: guard })))) return false;
    // The unused code dies with it: nothing is left to confirm.
    await tx.deliveryCode.updateMany({ where: { orderId, tenantId, consumedAt: null }, data: { expiresAt: now } });
    await writeAudit(tx, SYSTEM, { action: "order.deliver_stale", tenantId, target, details: { days } });
    return true;
  });
  if (!delivered) return null;
  await ctx.publish(order, "delivered");
  // Released now; if this fails (a switch flipped meanwhile), the sweep's due-release step catches up.
  await releaseOrder(ctx, tenantId, orderId).catch((err) => ctx.logger.warn({ err: (err as Error).message, orderId }, "stale digital order not released yet"));
  return "released" as const;
}

/** A CAS miss (the buyer confirmed or disputed meanwhile) skips the order; anything else is an error. */
async function casOrSkip(run: () => Promise<unknown>) {
  try {
    await run();
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) return false;
    throw err;
  }
}
