/**
 * Disputes: the buyer opens one on an escrow order (funded, in fulfilment or delivered); it freezes the release
 * because the order leaves `delivered` by compare-and-swap. Operators resolve it as release or refund: one money
 * transaction settles the escrow, posts the ledger and closes the dispute.
 */
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { MoneyContext } from "./context.ts";
import { moneyTx, TX_OPTIONS } from "./money-tx.ts";
import { transition } from "./state-machine.ts";
import { findOrder, payoutOrSchedule, settleEscrow } from "./settlement.ts";
import { isUniqueViolation } from "./db-errors.ts";

const BUYER: AuditActor = { userId: null, kind: "system" };

export async function openDispute(ctx: MoneyContext, tenantId: string, orderId: string, reason: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  if (order.rail !== "escrow") throw new ApiError(409, "CONFLICT", "Only escrow orders can be disputed on the platform.");
  try {
    await ctx.prisma.$transaction(async (tx) => {
      const from = await transition(tx, { tenantId, orderId, from: ["escrow_funded", "fulfilling", "delivered"], to: "disputed", actor: "buyer" });
      await tx.dispute.create({ data: { tenantId, orderId, reason, fromStatus: from } });
      await writeAudit(tx, BUYER, { action: "order.dispute_open", tenantId, target: `order:${orderId}`, details: { from } });
    }, TX_OPTIONS);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError(409, "CONFLICT", "A dispute is already open for this order.");
    throw err;
  }
  await ctx.publish(order, "disputed");
}

/** Open disputes oldest first (a queue: the longest-waiting buyer comes first); resolved ones newest resolution first. */
export async function listDisputes(ctx: MoneyContext, status: "open" | "resolved" | undefined, limit: number) {
  const rows = await ctx.prisma.dispute.findMany({
    where: status ? { status } : {},
    orderBy: status === "open" ? [{ openedAt: "asc" }, { id: "asc" }] : status === "resolved" ? [{ resolvedAt: "desc" }, { id: "desc" }] : [{ openedAt: "desc" }, { id: "desc" }],
    take: limit,
    select: {
      id: true, tenantId: true, orderId: true, status: true, reason: true, fromStatus: true, resolution: true, resolutionNote: true, openedAt: true, resolvedAt: true,
      order: { select: { total: true, currency: true, rail: true, status: true, tenant: { select: { slug: true, displayName: true } } } },
    },
  });
  return rows.map(({ order, ...d }) => ({ ...d, order: { ...order, total: order.total.toFixed() } }));
}

/** Operators resolve a dispute by its id alone; its row then supplies the tenant floor. */
function disputeById(ctx: MoneyContext, disputeId: string) {
  return ctx.prisma.dispute.findUnique({ where: { id: disputeId }, select: { tenantId: true, orderId: true } });
}

export async function resolveDispute(ctx: MoneyContext, actor: AuditActor, disputeId: string, resolution: "release" | "refund", note: string) {
  const dispute = await disputeById(ctx, disputeId);
  if (!dispute) throw new ApiError(404, "DISPUTE_NOT_FOUND", "No such dispute.");
  const { tenantId, orderId } = dispute;
  const order = await findOrder(ctx, tenantId, orderId);
  await moneyTx(ctx.prisma, { tenantId, action: `dispute.${resolution}`, target: `dispute:${disputeId}`, actor }, async (tx) => {
    const { count } = await tx.dispute.updateMany({
      where: { id: disputeId, tenantId, status: "open" },
      data: { status: "resolved", resolution, resolutionNote: note, resolvedBy: actor.userId, resolvedAt: ctx.now() },
    });
    if (count === 0) throw new ApiError(409, "CONFLICT", "The dispute is already resolved.");
    await transition(tx, { tenantId, orderId, from: "disputed", to: resolution === "release" ? "completed" : "refunded", actor: actor.kind, set: { closedAt: ctx.now() } });
    await settleEscrow(tx, order, resolution, ctx.now());
    await writeAudit(tx, actor, { action: `order.dispute_${resolution}`, tenantId, target: `order:${orderId}`, reason: note, details: { disputeId } });
  });
  await payoutOrSchedule(ctx, order, resolution);
  await ctx.publish(order, resolution === "release" ? "released" : "refunded");
}
