/**
 * Money movements: funding (sandbox pay, manual invoice), release, refund, expiry. Each is one money transaction
 * that changes state by compare-and-swap AND writes its ledger posting (idempotency key `<kind>:<orderId>`), so
 * both happen or neither. Outside transfers run outside that transaction: funding is observed before it (the
 * money arrived), payouts are sent after it (the ledger commits the decision; the payout job then executes it,
 * deduplicated by key, until the outside system has it).
 */
import type { Order, PaymentRail } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAuditSql, type AuditActor } from "#server/audit/index.ts";
import { afterCommit, type MoneyContext, type PayoutKind } from "./context.ts";
import { moneySql, moneyTx, type Tx } from "./money-tx.ts";
import { post, postingEntries } from "./ledger.ts";
import { transition } from "./state-machine.ts";
import { compare, feeOf, minus, negate } from "./amounts.ts";
import { failpoint } from "#server/jobs/index.ts";
import type { RailOrder } from "./rails/index.ts";
import { requestChainPayout } from "./chain-events.ts";
import { MAX_STOCK } from "#server/catalog/index.ts";

export const SYSTEM: AuditActor = { userId: null, kind: "system" };
/** How long a started payment keeps its order from expiring. */
const PAYMENT_WINDOW_MS = 10 * 60_000;
/** What funding needs of an order: the full row, or the view's row (loadOrder). */
export type FundableOrder = Pick<Order, "id" | "tenantId" | "rail" | "status" | "currency" | "total" | "feeAmount" | "paidAt" | "chainRef">;
const railOrder = (order: Pick<Order, "id" | "tenantId" | "total" | "currency" | "chainRef">): RailOrder =>
  ({ id: order.id, tenantId: order.tenantId, total: order.total.toFixed(), currency: order.currency, chainRef: order.chainRef });

/**
 * Rails the money never passes through (the merchant's own Stripe account, a bank transfer to the merchant): the
 * platform fee is not deducted at checkout but accrued as owed by the merchant and billed monthly (G13-7, ADR 025).
 */
export const FEE_BILLED_RAILS: readonly PaymentRail[] = ["external_provider", "manual_invoice"];

/**
 * The funding posting: buyer money in from outside; into escrow (a hold), or on to the merchant — minus the fee, or
 * in full on a rail whose fee is billed monthly (its accrual is the separate `fee:<orderId>` posting).
 */
function fundingEntries(order: FundableOrder, holds: boolean, billed: boolean) {
  const total = order.total.toFixed();
  const fee = order.feeAmount.toFixed();
  const clearing = { kind: "buyer_clearing" as const, scope: order.id };
  const onward = holds
    ? [{ account: { kind: "escrow" as const }, amount: total }]
    : billed ? [{ account: { kind: "merchant_payable" as const }, amount: total }]
    : [{ account: { kind: "merchant_payable" as const }, amount: minus(total, fee) }, { account: { kind: "platform_fees" as const }, amount: fee }];
  return postingEntries({
    tenantId: order.tenantId, currency: order.currency,
    entries: [
      // Card money comes from the merchant's own Stripe account: `external:stripe` (ADR 024); other rails by name.
      { account: { kind: "external", scope: order.rail === "external_provider" ? "stripe" : order.rail }, amount: negate(total) },
      { account: clearing, amount: total },
      { account: clearing, amount: negate(total) },
      ...onward,
    ],
  });
}

/** The fee accrual of a billed-monthly order: from the merchant's takings to what the merchant owes the platform. */
function feeAccrualEntries(order: FundableOrder) {
  const fee = order.feeAmount.toFixed();
  return postingEntries({
    tenantId: order.tenantId, currency: order.currency,
    entries: [{ account: { kind: "merchant_payable" }, amount: negate(fee) }, { account: { kind: "merchant_fee_receivable" }, amount: fee }],
  });
}

/**
 * Records that the buyer's money arrived: `money_fund` writes the posting, the status CAS, its event, the intent and
 * the escrow row in one statement. Replays (a second webhook, a retried job) change nothing.
 */
export async function recordFunding(
  ctx: MoneyContext, order: FundableOrder, evidence: { externalRef?: string; note?: string; fileId?: string; actor: AuditActor },
): Promise<{ replayed: true } | { replayed: false; holds: boolean; at: Date }> {
  const holds = ctx.rails.settler(order.rail, order)?.holdsFunds ?? false;
  const billed = !holds && FEE_BILLED_RAILS.includes(order.rail);
  const at = ctx.now();
  const fund = JSON.stringify({
    tenantId: order.tenantId, orderId: order.id, to: holds ? "escrow_funded" : "paid", holds, at: at.toISOString(), actor: evidence.actor.kind,
    externalRef: evidence.externalRef ?? null, note: evidence.note ?? null, confirmedBy: evidence.actor.userId,
    posting: { key: `fund:${order.id}`, currency: order.currency, entries: fundingEntries(order, holds, billed) },
  });
  return moneySql(ctx.prisma, { tenantId: order.tenantId, action: "order.fund", target: `order:${order.id}`, actor: evidence.actor }, () =>
    ctx.sql.transaction(async (query) => {
      const [row] = await query<{ replayed: boolean }>(`SELECT money_fund($1::jsonb) AS replayed`, [fund], "money_fund");
      if (row!.replayed) return { replayed: true as const };
      if (billed && compare(order.feeAmount.toFixed(), "0") > 0) {
        // Same transaction, own key: a replayed funding never reaches here, and the key would refuse a second one anyway.
        await query(`SELECT ledger_post($1::uuid, $2, 'fee', $3, $4::uuid, NULL, $5::jsonb)`,
          [order.tenantId, `fee:${order.id}`, order.currency, order.id, JSON.stringify(feeAccrualEntries(order))], "fee_accrual");
      }
      failpoint("ledger.after-entries");
      if (evidence.note !== undefined) {
        await writeAuditSql(query, evidence.actor, { action: "order.invoice_paid", tenantId: order.tenantId, target: `order:${order.id}`, details: { evidenceNote: evidence.note, evidenceFileId: evidence.fileId ?? null } });
      }
      return { replayed: false as const, holds, at };
    }),
  );
}

export async function findOrder(ctx: MoneyContext, tenantId: string, orderId: string) {
  const o = await ctx.prisma.order.findFirst({ where: { id: orderId, tenantId } });
  if (!o) throw new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
  return o;
}

/** The sandbox rail's "buyer pays": the outside transfer first, then the ledger. */
export async function sandboxPay(ctx: MoneyContext, order: FundableOrder) {
  if (!ctx.config.sandbox) throw new ApiError(404, "NOT_FOUND", "No such endpoint.");
  const rail = ctx.rails.settler(order.rail, order);
  if (!rail?.available() || !rail.fund) throw new ApiError(409, "CONFLICT", "This order is not paid through the sandbox.");
  if (order.status !== "pending_payment") {
    if (order.paidAt) return { replayed: true as const };
    throw new ApiError(409, "CONFLICT", `The order is ${order.status}; it can no longer be paid.`);
  }
  // Before any outside money moves: refuse while the kill switch is on (the ledger could not record it), and hold
  // off expiry for the payment window, so the order cannot expire while its money is on the way.
  const until = new Date(ctx.now().getTime() + PAYMENT_WINDOW_MS);
  await moneySql(ctx.prisma, { tenantId: order.tenantId, action: "order.fund", target: `order:${order.id}`, actor: SYSTEM }, async () => {
    const [row] = await ctx.sql.query<{ held: boolean }>(
      `SELECT money_hold_for_payment($1::uuid, $2::uuid, $3::timestamptz) AS held`, [order.tenantId, order.id, until.toISOString()], "money_hold");
    if (!row!.held) throw new ApiError(409, "CONFLICT", "The order can no longer be paid.");
  });
  const transfer = await rail.fund(railOrder(order));
  failpoint("fund.after-external");
  const result = await recordFunding(ctx, order, { externalRef: transfer.ref, actor: SYSTEM });
  if (!result.replayed) await ctx.publish(order, "paid");
  return result;
}

export async function markInvoicePaid(ctx: MoneyContext, actor: AuditActor, tenantId: string, orderId: string, evidenceNote: string, evidenceFileId?: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  if (order.rail !== "manual_invoice") throw new ApiError(409, "CONFLICT", "Only manual-invoice orders are marked paid by hand.");
  if (order.status !== "pending_payment") throw new ApiError(409, "CONFLICT", `The order is ${order.status}; it cannot be marked paid.`);
  if (evidenceFileId && !(await ctx.prisma.orderEvidence.findFirst({ where: { id: evidenceFileId, tenantId, orderId }, select: { id: true } }))) {
    const message = "No such evidence file for this order: upload it first.";
    throw new ApiError(400, "VALIDATION_ERROR", message, { issues: [{ in: "body", path: "evidenceFileId", message }] });
  }
  const result = await recordFunding(ctx, order, { note: evidenceNote, fileId: evidenceFileId, actor });
  if (!result.replayed) await ctx.publish(order, "paid");
  return result;
}

/**
 * Settles a hold as decided. Off chain: at once. On chain: the escrow stays HELD and an arbiter payout is requested;
 * the posting is made when the contract's event is confirmed (chain-events.ts), so a payout that fails on chain
 * never shows in the ledger as paid.
 */
export async function settleEscrow(tx: Tx, order: Order, kind: PayoutKind, now: Date) {
  if (order.chainRef) return requestChainPayout(tx, order, kind);
  return settleEscrowNow(tx, order, kind, now);
}

/**
 * The escrow row changes once (HELD → RELEASED | REFUNDED) together with its posting. What merchant refunds already
 * took out of the hold (ADR 040) stays refunded: a release pays out the rest (the fee on the rest only), a refund
 * returns the rest, so held = released + refunded either way.
 */
export async function settleEscrowNow(tx: Tx, order: Order, kind: PayoutKind, now: Date) {
  const escrow = await tx.escrow.findFirst({ where: { orderId: order.id, tenantId: order.tenantId, status: "held" }, select: { amount: true, refundedAmount: true } });
  if (!escrow) throw new ApiError(409, "CONFLICT", "The escrow is already settled.");
  const amount = escrow.amount.toFixed();
  const before = escrow.refundedAmount.toFixed();
  const rest = minus(amount, before);
  const fee = compare(before, "0") === 0 ? order.feeAmount.toFixed() : feeOf(rest, order.feeBps, order.currency);
  const { count } = await tx.escrow.updateMany({
    where: { orderId: order.id, tenantId: order.tenantId, status: "held", refundedAmount: escrow.refundedAmount },
    data: kind === "release"
      ? { status: "released", releasedAmount: rest, feeAmount: fee, settledAt: now }
      : { status: "refunded", refundedAmount: amount, settledAt: now },
  });
  if (count === 0) throw new ApiError(409, "CONFLICT", "The escrow is already settled.");
  const entries = kind === "release"
    ? [{ account: { kind: "escrow" as const }, amount: negate(rest) }, { account: { kind: "merchant_payable" as const }, amount: minus(rest, fee) }, { account: { kind: "platform_fees" as const }, amount: fee }]
    : [{ account: { kind: "escrow" as const }, amount: negate(rest) }, { account: { kind: "external" as const, scope: order.rail }, amount: rest }];
  await post(tx, { tenantId: order.tenantId, key: `${kind}:${order.id}`, kind, currency: order.currency, orderId: order.id, entries: entries.filter((e) => compare(e.amount, "0") !== 0) });
}

/**
 * The release job: after delivery + grace, unless a dispute is open. A second run (replayed job, two workers)
 * finds the order completed and only makes sure the payout went out.
 */
export async function releaseOrder(ctx: MoneyContext, tenantId: string, orderId: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  if (order.status === "completed") return payout(ctx, order, "release").then(() => "already released" as const);
  if (order.status !== "delivered") return "not deliverable" as const;
  if (order.releaseAfter && order.releaseAfter > ctx.now()) return "not due" as const;
  const released = await moneyTx(ctx.prisma, { tenantId, action: "order.release", target: `order:${orderId}`, actor: SYSTEM }, async (tx) => {
    try {
      await transition(tx, {
        tenantId, orderId, from: "delivered", to: "completed", actor: "system", set: { closedAt: ctx.now() },
        where: { disputes: { none: { status: "open" } } },
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) return false; // disputed or released meanwhile
      throw err;
    }
    if (order.rail === "escrow") await settleEscrow(tx, order, "release", ctx.now());
    failpoint("release.after-ledger");
    return true;
  });
  if (!released) return "skipped" as const;
  await payout(ctx, order, "release");
  await ctx.publish(order, "released");
  return "released" as const;
}

/** Sends the outside transfer for a settled escrow; idempotent by key, so retries never pay twice. */
export async function payout(ctx: MoneyContext, order: Order, kind: PayoutKind) {
  const rail = ctx.rails.settler(order.rail, order);
  if (!rail?.holdsFunds) return;
  const send = kind === "release" ? rail.release : rail.refund;
  if (!send) return;
  await send({ ...railOrder(order), total: await settledPart(ctx, order, kind) });
}

/**
 * What the settlement moves outside: the whole hold, less what merchant refunds already returned from it (ADR 040;
 * those went out as their own transfers).
 */
async function settledPart(ctx: MoneyContext, order: Order, kind: PayoutKind) {
  const escrow = await ctx.prisma.escrow.findFirst({ where: { orderId: order.id, tenantId: order.tenantId }, select: { status: true, releasedAmount: true, refundedAmount: true } });
  if (!escrow || escrow.status === "held") return order.total.toFixed();
  if (kind === "release") return escrow.releasedAmount.toFixed();
  const parts = await ctx.prisma.orderRefund.aggregate({ where: { tenantId: order.tenantId, orderId: order.id, source: "hold" }, _sum: { amount: true } });
  return minus(escrow.refundedAmount.toFixed(), parts._sum.amount?.toFixed() ?? "0");
}

/** Puts an order's quantities back on its items (expiry, merchant cancel), in the caller's transaction. */
export async function returnStock(tx: Tx, tenantId: string, orderId: string) {
  const lines = await tx.orderLine.findMany({ where: { orderId, tenantId }, select: { itemId: true, quantity: true }, orderBy: { itemId: "asc" } });
  // Capped at MAX_STOCK: a stock raised to the bound meanwhile would otherwise fail the CHECK and the caller for ever.
  for (const l of lines) {
    await tx.$executeRaw`UPDATE catalog_items SET stock = LEAST(stock + ${l.quantity}, ${MAX_STOCK}), version = version + 1, updated_at = now()
      WHERE id = ${l.itemId}::uuid AND tenant_id = ${tenantId}::uuid AND stock IS NOT NULL`;
  }
}

/** After a committed settlement: send the payout now, or leave it to the payout job (retried) when that fails. */
export async function payoutOrSchedule(ctx: MoneyContext, order: Order, kind: PayoutKind) {
  await afterCommit(ctx, "payout", async () => {
    try {
      await payout(ctx, order, kind);
    } catch (err) {
      await ctx.scheduler.payout(order, kind);
      throw err;
    }
  });
}

/** Pending payment past its TTL: expired, stock returned, intent cancelled. */
export async function expireOrder(ctx: MoneyContext, tenantId: string, orderId: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  if (order.status !== "pending_payment" || order.expiresAt > ctx.now()) return false;
  // The money arrived (a crash or a slow confirmation left it unrecorded): record it rather than cancel a paid order.
  const rail = ctx.rails.settler(order.rail, order);
  // A payment seen on chain but not yet final: expiry waits for it (a confirmed late one would only be refunded).
  if (await rail?.paymentInFlight?.(railOrder(order))) {
    await afterCommit(ctx, "reschedule expiry", () => ctx.scheduler.expire(order, new Date(ctx.now().getTime() + PAYMENT_WINDOW_MS)));
    return false;
  }
  if (await rail?.funded?.(railOrder(order))) {
    if (!(await recordFunding(ctx, order, { actor: SYSTEM })).replayed) await ctx.publish(order, "paid");
    return false;
  }
  const done = await moneyTx(ctx.prisma, { tenantId, action: "order.expire", target: `order:${orderId}`, actor: SYSTEM }, async (tx) => {
    try {
      await transition(tx, { tenantId, orderId, from: "pending_payment", to: "expired", actor: "system", set: { closedAt: ctx.now() }, where: { expiresAt: { lte: ctx.now() } } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) return false; // paid meanwhile
      throw err;
    }
    await returnStock(tx, tenantId, orderId);
    await tx.paymentIntent.updateMany({ where: { orderId, tenantId, status: "requires_payment" }, data: { status: "cancelled", updatedAt: ctx.now() } });
    return true;
  });
  if (done) await ctx.publish(order, "expired");
  return done;
}

export { afterCommit };
