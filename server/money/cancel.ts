/**
 * Merchant cancel (issue 22 point 5, ADR 036): an order paid but not yet shipped goes `escrow_funded | paid →
 * cancelled` in ONE money transaction with its stock return, its refund posting and its audit row. On escrow the hold
 * is refunded (the rail's refund payout runs after commit); on the direct rail the merchant funds the refund (their
 * takings and the fee go back out). The CAS and the posting keys make a second cancel a replay: it moves nothing and
 * answers with the order as it is.
 */
import type { Order } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { MoneyContext } from "./context.ts";
import { moneyTx, type Tx } from "./money-tx.ts";
import { transition } from "./state-machine.ts";
import { findOrder, payoutOrSchedule, returnStock, settleEscrowNow } from "./settlement.ts";
import { post } from "./ledger.ts";
import { minus, negate } from "./amounts.ts";

/** The direct rail's refund: the merchant's net and the platform fee go back to the buyer, outside the platform. */
function postDirectRefund(tx: Tx, order: Order) {
  const total = order.total.toFixed();
  const fee = order.feeAmount.toFixed();
  return post(tx, {
    tenantId: order.tenantId, key: `cancel:${order.id}`, kind: "refund", currency: order.currency, orderId: order.id, memo: "merchant cancel",
    entries: [
      { account: { kind: "merchant_payable" }, amount: negate(minus(total, fee)) },
      { account: { kind: "platform_fees" }, amount: negate(fee) },
      { account: { kind: "external", scope: order.rail }, amount: total },
    ],
  });
}

function refusal(order: Order): string | null {
  if (order.chainRef) return "On-chain orders are refunded by the platform's operators; ask them.";
  if (order.rail === "external_provider") return "Card orders are refunded through the card refund.";
  if (order.rail === "manual_invoice" && order.status !== "pending_payment") return "Paid invoice orders are refunded by bank transfer outside the platform; this is not supported yet.";
  return null;
}

/**
 * An unpaid manual invoice (ADR 040): no money moved, so cancelling only returns the stock and voids the payment
 * request, in one transaction with its audit row; the CAS makes a second cancel a replay.
 */
async function cancelUnpaidInvoice(ctx: MoneyContext, actor: AuditActor, order: Order, reason: string) {
  const { tenantId, id: orderId } = order;
  try {
    await moneyTx(ctx.prisma, { tenantId, action: "order.cancel", target: `order:${orderId}`, actor }, async (tx) => {
      await transition(tx, { tenantId, orderId, from: "pending_payment", to: "cancelled", actor: actor.kind, set: { closedAt: ctx.now() } });
      await returnStock(tx, tenantId, orderId);
      await tx.paymentIntent.updateMany({ where: { orderId, tenantId, status: "requires_payment" }, data: { status: "cancelled", updatedAt: ctx.now() } });
      await writeAudit(tx, actor, { action: "order.cancel", tenantId, target: `order:${orderId}`, reason, details: { from: "pending_payment", refunded: "0", currency: order.currency } });
    });
  } catch (err) {
    if (err instanceof ApiError && err.status === 409 && (await findOrder(ctx, tenantId, orderId)).status === "cancelled") return { replayed: true };
    throw err;
  }
  return { replayed: false };
}

export async function cancelOrder(ctx: MoneyContext, actor: AuditActor, tenantId: string, orderId: string, reason: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  if (order.status === "cancelled" && (order.paidAt || order.rail === "manual_invoice")) return { replayed: true };
  const refused = refusal(order);
  if (refused) throw new ApiError(409, "CONFLICT", refused);
  if (order.rail === "manual_invoice") return cancelUnpaidInvoice(ctx, actor, order, reason);
  try {
    await moneyTx(ctx.prisma, { tenantId, action: "order.cancel", target: `order:${orderId}`, actor }, async (tx) => {
      const from = await transition(tx, { tenantId, orderId, from: ["escrow_funded", "paid"], to: "cancelled", actor: actor.kind, set: { closedAt: ctx.now() } });
      await returnStock(tx, tenantId, orderId);
      if (from === "escrow_funded") await settleEscrowNow(tx, order, "refund", ctx.now());
      else await postDirectRefund(tx, order);
      await writeAudit(tx, actor, { action: "order.cancel", tenantId, target: `order:${orderId}`, reason, details: { from, refunded: order.total.toFixed(), currency: order.currency } });
    });
  } catch (err) {
    // A concurrent cancel won the CAS: this one is its replay, not an error.
    if (err instanceof ApiError && err.status === 409 && (await findOrder(ctx, tenantId, orderId)).status === "cancelled") return { replayed: true };
    throw err;
  }
  if (order.rail === "escrow") await payoutOrSchedule(ctx, order, "refund");
  await ctx.publish(order, "refunded");
  return { replayed: false };
}
