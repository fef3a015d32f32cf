/**
 * Refunds and disputes of card orders (ADR 024). A merchant's refund asks Stripe (idempotency key per order) and
 * changes nothing here: the order becomes `refunded`, with its posting, only when Stripe's signed `charge.refunded`
 * confirms it. A 5xx or timeout leaves the order as it was and is safe to retry with the same key.
 */
import type Stripe from "stripe";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { OrderStatus } from "@prisma/client";
import type { MoneyContext } from "../context.ts";
import { moneyTx, type Tx } from "../money-tx.ts";
import { negate, sumAmounts } from "../amounts.ts";
import { SYSTEM, findOrder } from "../settlement.ts";
import { unbillFee } from "../fee-statements.ts";
import { stripeClient, stripeFailure, DEFAULT_STRIPE } from "./client.ts";
import { markFailing, secretKeyOf } from "./integrations.ts";

type Checkout = { id: string; orderId: string; tenantId: string; amountMinor: bigint; currency: string; paymentIntentId: string | null };
type Outcome = { outcome: "applied" | "ignored" | "flagged"; detail?: string; orderId?: string };

/** Card orders after payment: what a refund or a dispute may move them from (the database trigger agrees). */
const REFUNDABLE: OrderStatus[] = ["paid", "fulfilling", "delivered", "completed", "disputed"];
const DISPUTABLE: OrderStatus[] = ["paid", "fulfilling", "delivered", "completed"];

/** One compare-and-swap on a card order's status, with its timeline event; false when it was not in `from`. */
async function cardTransition(tx: Tx, order: { tenantId: string; id: string }, from: OrderStatus[], to: OrderStatus, now: Date) {
  const current = await tx.order.findFirst({ where: { tenantId: order.tenantId, id: order.id }, select: { status: true } });
  if (!current || !from.includes(current.status)) return false;
  const { count } = await tx.order.updateMany({
    where: { tenantId: order.tenantId, id: order.id, rail: "external_provider", status: current.status },
    data: { status: to, updatedAt: now, ...(to === "refunded" ? { closedAt: now } : {}) },
  });
  if (count === 0) return false;
  await tx.orderEvent.create({ data: { tenantId: order.tenantId, orderId: order.id, fromStatus: current.status, toStatus: to, actor: "stripe" } });
  return true;
}

/**
 * The refund posting: the funding posting and the platform fee's accrual (`fee:<orderId>`, ADR 025) reversed, account
 * by account. A fully refunded card sale carries no platform fee: the merchant's takings go back to zero and so does
 * what they owe the platform for it.
 */
async function reversalOfFunding(tx: Tx, tenantId: string, orderId: string) {
  const rows = await tx.$queryRaw<{ kind: string; key: string; amount: string }[]>`
    SELECT a.kind::text AS kind, a.key, sum(e.amount)::text AS amount
    FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id AND e.tenant_id = p.tenant_id JOIN ledger_accounts a ON a.id = e.account_id
    WHERE p.tenant_id = ${tenantId}::uuid AND p.idempotency_key IN (${`fund:${orderId}`}, ${`fee:${orderId}`})
    GROUP BY a.kind, a.key HAVING sum(e.amount) <> 0`;
  return rows.map((r) => ({ kind: r.kind, key: r.key, amount: negate(r.amount) }));
}

export async function cardRefunded(ctx: MoneyContext, row: Checkout, charge: Stripe.Charge): Promise<Outcome> {
  const orderId = row.orderId;
  if (!charge.refunded || BigInt(charge.amount_refunded) !== row.amountMinor || charge.currency !== row.currency) {
    return { outcome: "flagged", detail: `partial or mismatched refund in Stripe: ${charge.amount_refunded} of ${row.amountMinor} ${charge.currency}`, orderId };
  }
  const order = await findOrder(ctx, row.tenantId, orderId);
  if (order.status === "refunded") return { outcome: "ignored", detail: "already refunded", orderId };
  let feeSettled = false;
  const done = await moneyTx(ctx.prisma, { tenantId: row.tenantId, action: "order.refund", target: `order:${orderId}`, actor: SYSTEM }, async (tx) => {
    if ((await unbillFee(tx, row.tenantId, orderId)) === "settled") {
      feeSettled = true;
      return false;
    }
    if (!(await cardTransition(tx, order, REFUNDABLE, "refunded", ctx.now()))) return false;
    const reversal = await reversalOfFunding(tx, row.tenantId, orderId);
    if (reversal.length === 0 || sumAmounts(reversal.map((r) => r.amount)) !== "0") throw new Error(`order ${orderId}: no funding posting to reverse`);
    // The account keys are the funding's own, so the ledger function is given them as they are.
    await tx.$queryRaw`
      SELECT ledger_post(${row.tenantId}::uuid, ${`refund:${orderId}`}, 'refund', ${order.currency}, ${orderId}::uuid, ${charge.id}, ${JSON.stringify(reversal)}::jsonb)::text AS id`;
    return true;
  });
  if (feeSettled) return { outcome: "flagged", detail: "refunded in Stripe after its platform fee was settled: credit the fee, then record the refund by hand", orderId };
  if (!done) return { outcome: "flagged", detail: `refunded in Stripe while the order is ${order.status}`, orderId };
  await ctx.publish(order, "refunded");
  return { outcome: "applied", orderId };
}

export async function cardDisputed(ctx: MoneyContext, row: Checkout): Promise<Outcome> {
  const order = await findOrder(ctx, row.tenantId, row.orderId);
  const done = await moneyTx(ctx.prisma, { tenantId: row.tenantId, action: "order.dispute", target: `order:${row.orderId}`, actor: SYSTEM }, (tx) =>
    cardTransition(tx, order, DISPUTABLE, "disputed", ctx.now()));
  if (!done) return { outcome: order.status === "disputed" ? "ignored" : "flagged", detail: `dispute opened in Stripe while the order is ${order.status}`, orderId: row.orderId };
  await ctx.publish(order, "disputed");
  return { outcome: "applied", orderId: row.orderId };
}

/** The merchant's refund: asked of Stripe, recorded when Stripe's webhook confirms it. */
export async function requestCardRefund(ctx: MoneyContext, actor: AuditActor, tenantId: string, orderId: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  if (order.rail !== "external_provider") throw new ApiError(409, "CONFLICT", "Only card orders are refunded through Stripe.");
  if (!REFUNDABLE.includes(order.status) || order.status === "disputed") throw new ApiError(409, "CONFLICT", `The order is ${order.status}; it cannot be refunded from here.`);
  const row = await ctx.prisma.stripeCheckout.findFirst({ where: { tenantId, orderId }, select: { integrationId: true, paymentIntentId: true } });
  if (!row?.paymentIntentId) throw new ApiError(409, "CONFLICT", "Stripe has not reported this order's payment.");
  // Refused while the kill switch is on, like every other money movement (audited by moneyTx).
  await moneyTx(ctx.prisma, { tenantId, action: "order.refund", target: `order:${orderId}`, actor }, async () => undefined);
  const settings = ctx.config.stripe ?? DEFAULT_STRIPE;
  let refund;
  try {
    const client = stripeClient(settings, await secretKeyOf({ prisma: ctx.prisma, box: ctx.box! }, tenantId, row.integrationId));
    refund = await client.refunds.create({ payment_intent: row.paymentIntentId, metadata: { order_id: orderId } }, { idempotencyKey: `refund:${orderId}` });
  } catch (err) {
    const { error, keyRefused } = stripeFailure(err, "refunding the order");
    if (keyRefused) await markFailing(ctx.prisma, tenantId, row.integrationId, "Stripe refused the key (401) during a refund");
    throw error;
  }
  await ctx.prisma.stripeCheckout.updateMany({ where: { tenantId, orderId }, data: { refundId: refund.id, refundRequestedAt: ctx.now(), updatedAt: ctx.now() } });
  await writeAudit(ctx.prisma, actor, { action: "order.refund_requested", tenantId, target: `order:${orderId}`, details: { provider: "stripe", refundId: refund.id } });
  return { refundId: refund.id, status: refund.status };
}
