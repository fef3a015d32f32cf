/**
 * Merchant refunds after delivery (issue 22 point 5, ADR 040): full or partial, by lines or by an amount, with a
 * reason. Each refund is ONE money transaction: its row (UNIQUE idempotency key), the guarded UPDATE of the order's
 * running total (never past what was paid), the escrow's partial refund or the merchant-funded posting, the audit row
 * and the buyer's mail. A repeat of a key answers with the refund it made; the same key for another refund is refused.
 */
import type { Order, OrderRefund } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { currencyDigits } from "#server/catalog/index.ts";
import type { MoneyContext } from "./context.ts";
import { moneyTx, type Tx } from "./money-tx.ts";
import { post } from "./ledger.ts";
import { transition } from "./state-machine.ts";
import { afterCommit, findOrder } from "./settlement.ts";
import { canonical, compare, fromUnits, minus, negate, toUnits } from "./amounts.ts";
import { isUniqueViolation } from "./db-errors.ts";
import { sha256Hex } from "./secrets.ts";
import { enqueueRefundMail } from "./refund-mail.ts";
import type { OrderRefundInput } from "./schemas.ts";

type RefundLine = { lineId: string; quantity: number; amount: string };
export type RefundSource = "hold" | "merchant";

/** What a refund looks like to the API, the dashboard and the buyer's page. */
export function refundView(r: Pick<OrderRefund, "id" | "amount" | "currency" | "lines" | "reason" | "source" | "createdAt">) {
  return { id: r.id, amount: r.amount.toFixed(), currency: r.currency, lines: (r.lines as RefundLine[] | null) ?? null, reason: r.reason, source: r.source as RefundSource, createdAt: r.createdAt };
}

const REFUNDABLE = ["delivered", "completed"] as const;

function refusal(order: Order): string | null {
  if (order.rail === "external_provider") return "Card orders are refunded in full through the card refund (POST …/refund).";
  if (order.rail === "manual_invoice") return "Invoice orders are refunded by bank transfer outside the platform; recording that is not supported yet.";
  if (!(REFUNDABLE as readonly string[]).includes(order.status)) return `The order is ${order.status}; only delivered or completed orders are refunded here (cancel a paid order before it ships).`;
  return null;
}

/** The request as a canonical string: the same key must always mean the same refund. */
const requestHashOf = (orderId: string, input: OrderRefundInput) =>
  sha256Hex(JSON.stringify({ orderId, reason: input.reason, amount: input.amount ? canonical(input.amount) : null, lines: input.lines ? [...input.lines].sort((a, b) => a.lineId.localeCompare(b.lineId)) : null }));

function validation(path: string, message: string) {
  return new ApiError(400, "VALIDATION_ERROR", message, { issues: [{ in: "body", path, message }] });
}

/** Lines priced at what the buyer paid for them; an unknown line or a quantity above the line's is a 400. */
async function pricedLines(ctx: MoneyContext, order: Order, wanted: NonNullable<OrderRefundInput["lines"]>): Promise<RefundLine[]> {
  const rows = await ctx.prisma.orderLine.findMany({ where: { tenantId: order.tenantId, orderId: order.id, id: { in: wanted.map((l) => l.lineId) } }, select: { id: true, unitPrice: true, quantity: true } });
  return wanted.map((w) => {
    const row = rows.find((r) => r.id === w.lineId);
    if (!row) throw validation("lines", "No such line on this order.");
    if (w.quantity > row.quantity) throw validation("lines", `That line has only ${row.quantity}.`);
    return { lineId: w.lineId, quantity: w.quantity, amount: fromUnits(toUnits(row.unitPrice.toFixed()) * BigInt(w.quantity)) };
  });
}

function checkedAmount(amount: string, currency: string) {
  const [, frac = ""] = canonical(amount).split(".");
  if (frac.length > currencyDigits(currency)) throw validation("amount", `${currency} has ${currencyDigits(currency)} decimal places.`);
  if (compare(amount, "0") <= 0) throw validation("amount", "The amount must be more than zero.");
  return canonical(amount);
}

/**
 * Per order line refunded by line so far: the quantity bought and the quantity refunded (order_refunds.lines). One
 * reading for the refund's own check and for digital delivery, which takes back a line refunded in full.
 */
export function lineRefunds(db: Pick<Tx, "$queryRaw">, tenantId: string, orderId: string) {
  return db.$queryRaw<{ line_id: string; bought: number; refunded: number }[]>`
    SELECT l.id::text AS line_id, l.quantity AS bought, s.qty::int AS refunded FROM order_lines l
    JOIN (SELECT (x->>'lineId')::uuid AS line_id, sum((x->>'quantity')::int) AS qty
          FROM order_refunds r, jsonb_array_elements(r.lines) x
          WHERE r.tenant_id = ${tenantId}::uuid AND r.order_id = ${orderId}::uuid AND r.lines IS NOT NULL GROUP BY 1) s ON s.line_id = l.id
    WHERE l.tenant_id = ${tenantId}::uuid AND l.order_id = ${orderId}::uuid`;
}

/** Per line, everything refunded so far (this refund included) stays within what was bought. Read under the order's lock. */
async function assertLinesWithinBought(tx: Tx, order: Order) {
  const over = (await lineRefunds(tx, order.tenantId, order.id)).find((l) => l.refunded > l.bought);
  if (over) throw new ApiError(409, "REFUND_EXCEEDS_LINE", "That line's quantity is already refunded.", { lineId: over.line_id });
}

/** Out of the hold while it is held: escrow → back outside; the hold's row counts it (held = released + refunded). */
async function refundFromHold(tx: Tx, order: Order, refundId: string, amount: string, now: Date) {
  const escrow = await tx.escrow.findFirst({ where: { orderId: order.id, tenantId: order.tenantId, status: "held" }, select: { amount: true, refundedAmount: true } });
  if (!escrow) return false;
  const refunded = fromUnits(toUnits(escrow.refundedAmount.toFixed()) + toUnits(amount));
  const whole = compare(refunded, escrow.amount.toFixed()) === 0;
  // CAS on what was refunded before: a concurrent settlement or refund makes this a 409, never a lost update.
  const { count } = await tx.escrow.updateMany({
    where: { orderId: order.id, tenantId: order.tenantId, status: "held", refundedAmount: escrow.refundedAmount },
    data: whole ? { refundedAmount: refunded, status: "refunded", settledAt: now } : { refundedAmount: refunded },
  });
  if (count === 0) throw new ApiError(409, "CONFLICT", "The escrow changed meanwhile. Reload and try again.");
  await post(tx, {
    tenantId: order.tenantId, key: `merchant-refund:${refundId}`, kind: "refund", currency: order.currency, orderId: order.id, memo: "merchant refund from hold",
    entries: [{ account: { kind: "escrow" }, amount: negate(amount) }, { account: { kind: "external", scope: order.rail }, amount }],
  });
  return true;
}

/** Merchant-funded (after release, or the direct rail): out of the merchant's takings; the platform fee is kept. */
function refundByMerchant(tx: Tx, order: Order, refundId: string, amount: string) {
  return post(tx, {
    tenantId: order.tenantId, key: `merchant-refund:${refundId}`, kind: "refund", currency: order.currency, orderId: order.id, memo: "merchant-funded refund",
    entries: [{ account: { kind: "merchant_payable" }, amount: negate(amount) }, { account: { kind: "external", scope: order.rail }, amount }],
  });
}

async function replayOf(ctx: MoneyContext, tenantId: string, orderId: string, key: string, hash: string) {
  const existing = await ctx.prisma.orderRefund.findFirst({ where: { tenantId, idempotencyKey: key } });
  if (!existing) return null;
  if (existing.orderId !== orderId || existing.requestHash !== hash) throw new ApiError(409, "IDEMPOTENCY_KEY_REUSED", "This idempotency key was already used for a different refund.");
  return { refund: refundView(existing), replayed: true as const };
}

export async function refundOrder(ctx: MoneyContext, actor: AuditActor, tenantId: string, orderId: string, input: OrderRefundInput, key: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  const hash = requestHashOf(orderId, input);
  const replay = await replayOf(ctx, tenantId, orderId, key, hash);
  if (replay) return replay;
  const refused = refusal(order);
  if (refused) throw new ApiError(409, "CONFLICT", refused);
  const lines = input.lines ? await pricedLines(ctx, order, input.lines) : null;
  const amount = checkedAmount(lines ? fromUnits(lines.reduce((s, l) => s + toUnits(l.amount), 0n)) : input.amount!, order.currency);
  const remaining = minus(order.total.toFixed(), order.refundedAmount.toFixed());
  if (compare(amount, remaining) > 0) throw new ApiError(409, "REFUND_EXCEEDS_PAID", `At most ${remaining} ${order.currency} is left to refund.`, { remaining });
  const held = order.rail === "escrow" && (await ctx.prisma.escrow.count({ where: { orderId, tenantId, status: "held" } })) > 0;
  // A contract hold is refunded in full by the arbiter only (one refund per order on chain): operators do it.
  if (held && order.chainRef) throw new ApiError(409, "CONFLICT", "An on-chain hold is refunded by the platform's operators (open a dispute); after release the merchant can refund.");
  const source: RefundSource = held ? "hold" : "merchant";
  const now = ctx.now();
  let created: OrderRefund;
  let closed = false;
  try {
    created = await moneyTx(ctx.prisma, { tenantId, action: "order.refund", target: `order:${orderId}`, actor }, async (tx) => {
      // The key first: an identical refund sent at once waits here and then finds the first one's row (a replay).
      const row = await tx.orderRefund.create({
        data: { tenantId, orderId, amount, currency: order.currency, lines: lines ?? undefined, reason: input.reason, source, idempotencyKey: key, requestHash: hash, actorUserId: actor.userId, createdAt: now },
      });
      // The running total, guarded: two refunds that together exceed the paid total cannot both pass (the order row
      // serialises them; the CHECK orders_refunded_amount_ck is the floor under this condition).
      const bumped = await tx.$executeRaw`UPDATE orders SET refunded_amount = refunded_amount + ${amount}::numeric, updated_at = now()
        WHERE id = ${orderId}::uuid AND tenant_id = ${tenantId}::uuid AND status::text IN ('delivered', 'completed') AND refunded_amount + ${amount}::numeric <= total`;
      if (bumped === 0) {
        const now2 = await tx.order.findFirstOrThrow({ where: { id: orderId, tenantId }, select: { status: true, total: true, refundedAmount: true } });
        if (!(REFUNDABLE as readonly string[]).includes(now2.status)) throw new ApiError(409, "CONFLICT", `The order is ${now2.status}; it can no longer be refunded here.`);
        const left = minus(now2.total.toFixed(), now2.refundedAmount.toFixed());
        throw new ApiError(409, "REFUND_EXCEEDS_PAID", `At most ${left} ${order.currency} is left to refund.`, { remaining: left });
      }
      if (lines) await assertLinesWithinBought(tx, order);
      const fromHold = source === "hold" && (await refundFromHold(tx, order, row.id, amount, now));
      if (source === "hold" && !fromHold) throw new ApiError(409, "CONFLICT", "The escrow was released meanwhile. Reload and try again.");
      if (source === "merchant") await refundByMerchant(tx, order, row.id, amount);
      const after = await tx.order.findFirstOrThrow({ where: { id: orderId, tenantId }, select: { total: true, refundedAmount: true } });
      if (compare(after.refundedAmount.toFixed(), after.total.toFixed()) === 0) {
        // Everything paid is back with the buyer: the order closes as refunded (its mail comes from that transition).
        await transition(tx, { tenantId, orderId, from: [...REFUNDABLE], to: "refunded", actor: actor.kind, set: { closedAt: now } });
        closed = true;
      } else {
        await enqueueRefundMail(tx, tenantId, orderId, row.id);
      }
      await writeAudit(tx, actor, { action: "order.refund", tenantId, target: `order:${orderId}`, reason: input.reason, details: { refundId: row.id, amount, currency: order.currency, source, lines } });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const again = await replayOf(ctx, tenantId, orderId, key, hash);
      if (again) return again;
    }
    if (err instanceof ApiError && err.code === "INSUFFICIENT_FUNDS" && source === "merchant") {
      throw new ApiError(409, "INSUFFICIENT_FUNDS", "The shop's balance on the platform does not cover this refund; nothing was refunded.");
    }
    throw err;
  }
  if (source === "hold") await afterCommit(ctx, "refund payout", () => sendHoldRefund(ctx, order, created));
  await ctx.publish({ ...order, total: amount }, "refunded", created.id, closed ? undefined : `Partial refund: ${input.reason}`);
  return { refund: refundView(created), replayed: false as const };
}

/** The outside transfer of a refund out of the hold; idempotent by the posting's key, so a retry sends nothing twice. */
export async function sendHoldRefund(ctx: MoneyContext, order: Order, refund: Pick<OrderRefund, "id" | "amount">) {
  const rail = ctx.rails.settler(order.rail, order);
  await rail?.refundPart?.({ id: order.id, tenantId: order.tenantId, total: refund.amount.toFixed(), currency: order.currency, chainRef: order.chainRef }, `merchant-refund:${refund.id}`);
}

export async function listRefunds(ctx: MoneyContext, tenantId: string, orderId: string) {
  await findOrder(ctx, tenantId, orderId);
  const rows = await ctx.prisma.orderRefund.findMany({ where: { tenantId, orderId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(refundView);
}
