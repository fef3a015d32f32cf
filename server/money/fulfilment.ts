/**
 * Fulfilment: the merchant ships; the buyer's order page shows a 6-digit delivery code; the merchant types it in
 * to mark the order delivered. The code is consumed by one conditional UPDATE (single use, unexpired, under the
 * attempt cap), attempts are rate-limited per order in Redis, and the code never reaches a log or the merchant.
 * The buyer may have the code reissued (a locked or expired code, or one lost); the old one then stops working.
 * Shipping, code entry and reissue lead to a release, so they are money transactions: refused while a kill switch
 * is on (moneyTx, audited as refused).
 */
import { randomBytes } from "node:crypto";
import { ApiError, hit } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { afterCommit, type MoneyContext } from "./context.ts";
import { transition } from "./state-machine.ts";
import { deliveryCode, deliveryCodeHash, deliveryCodeHashes, secretsOf } from "./secrets.ts";
import { findOrder } from "./settlement.ts";
import { moneyTx } from "./money-tx.ts";
import { trackingColumns, trackingView, type TrackingInput } from "./carriers.ts";

const BUYER: AuditActor = { userId: null, kind: "system" };
/** Reissues per order and hour: enough for a buyer who lost a code, too few to matter for guessing. */
export const REISSUE_LIMIT = { name: "delivery-code-reissue", limit: 3, windowMs: 60 * 60_000 };

/** A fresh code for the order: only its HMAC and nonce are stored; the buyer's view derives the code again. */
function freshCode(ctx: MoneyContext, orderId: string) {
  const nonce = randomBytes(16).toString("hex");
  const code = deliveryCode(ctx.config.secret, orderId, nonce);
  return { nonce, codeHash: deliveryCodeHash(ctx.config.secret, orderId, code), expiresAt: new Date(ctx.now().getTime() + ctx.config.codeTtlMs) };
}

/** Tracking is optional (issue 22): the bot's bare "mark shipped" and older API clients send none. */
export async function shipOrder(ctx: MoneyContext, actor: AuditActor, tenantId: string, orderId: string, tracking?: TrackingInput) {
  const order = await findOrder(ctx, tenantId, orderId);
  const columns = trackingColumns(tracking);
  await moneyTx(ctx.prisma, { tenantId, action: "order.ship", target: `order:${orderId}`, actor }, async (tx) => {
    await transition(tx, { tenantId, orderId, from: ["escrow_funded", "paid"], to: "fulfilling", actor: actor.kind, set: { shippedAt: ctx.now(), ...columns } });
    await tx.deliveryCode.create({ data: { tenantId, orderId, ...freshCode(ctx, orderId), maxAttempts: ctx.config.codeMaxAttempts } });
    await writeAudit(tx, actor, { action: "order.ship", tenantId, target: `order:${orderId}`, details: { carrier: columns.trackingCarrier, trackingNumber: columns.trackingNumber } });
  });
  const shown = trackingView(columns);
  await ctx.publish(order, "shipped", undefined, shown ? [shown.carrier, shown.number, shown.url].filter(Boolean).join(" ") : undefined);
}

export async function enterDeliveryCode(ctx: MoneyContext, actor: AuditActor, tenantId: string, orderId: string, code: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  // One hash per known secret: a code made before a MONEY_SECRET rotation is still accepted.
  const hashes = deliveryCodeHashes(secretsOf(ctx.config), orderId, code);
  const consumed = await moneyTx(ctx.prisma, { tenantId, action: "order.deliver", target: `order:${orderId}`, actor }, async (tx) => {
    // After the kill-switch check, so a refused entry spends no attempt.
    const limit = await hit(ctx.redis, ctx.prefix, { name: "delivery-code", limit: ctx.config.codeAttemptsPer15Min, windowMs: 15 * 60_000 }, orderId);
    if (!limit.allowed) throw ApiError.rateLimited(limit.retryAfterSec, "Too many delivery code attempts for this order. Try again later.");
    const used = await tx.$executeRaw`
      UPDATE delivery_codes SET consumed_at = now(), attempts = attempts + 1
      WHERE order_id = ${orderId}::uuid AND tenant_id = ${tenantId}::uuid AND code_hash = ANY(${hashes}::text[])
        AND consumed_at IS NULL AND expires_at > now() AND attempts < max_attempts`;
    if (used === 0) return false;
    const digitalOnly = (await tx.orderLine.count({ where: { orderId, tenantId, kind: "physical" } })) === 0;
    const releaseAfter = new Date(ctx.now().getTime() + (digitalOnly ? 0 : ctx.config.releaseGraceMs));
    await transition(tx, { tenantId, orderId, from: "fulfilling", to: "delivered", actor: actor.kind, set: { deliveredAt: ctx.now(), releaseAfter } });
    await writeAudit(tx, actor, { action: "order.deliver", tenantId, target: `order:${orderId}`, details: { releaseAfter: releaseAfter.toISOString() } });
    return true;
  });
  if (!consumed) {
    // A wrong code still counts against the order's lifetime cap, committed on its own.
    await ctx.prisma.$executeRaw`UPDATE delivery_codes SET attempts = attempts + 1
      WHERE order_id = ${orderId}::uuid AND tenant_id = ${tenantId}::uuid AND consumed_at IS NULL AND attempts < max_attempts`;
    await writeAudit(ctx.prisma, actor, { action: "order.deliver_code_refused", tenantId, target: `order:${orderId}` });
    throw new ApiError(422, "DELIVERY_CODE_INVALID", "That code is not valid for this order (wrong, used or expired).");
  }
  const updated = await findOrder(ctx, tenantId, orderId);
  await afterCommit(ctx, "schedule release", () => ctx.scheduler.release(order, updated.releaseAfter!));
  await ctx.publish(order, "delivered");
}

/**
 * The buyer's "new delivery code": a fresh code replaces the unused one (new nonce and hash, attempts back to zero,
 * a full TTL), so the old code stops working. Only while the order is on its way; rate-limited per order; audited.
 * The merchant is told that a new code exists, never the code.
 */
export async function reissueDeliveryCode(ctx: MoneyContext, tenantId: string, orderId: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  // Checked first so a refused request spends none of the order's reissues (the UPDATE below checks again).
  if (order.status !== "fulfilling") throw new ApiError(409, "CONFLICT", "A new delivery code can only be made while the order is on its way.");
  const target = `order:${orderId}`;
  const fresh = freshCode(ctx, orderId);
  await moneyTx(ctx.prisma, { tenantId, action: "order.delivery_code_reissue", target, actor: BUYER }, async (tx) => {
    const limit = await hit(ctx.redis, ctx.prefix, REISSUE_LIMIT, orderId);
    if (!limit.allowed) throw ApiError.rateLimited(limit.retryAfterSec, "A new delivery code was made for this order recently. Try again later.");
    const replaced = await tx.$executeRaw`
      UPDATE delivery_codes c SET nonce = ${fresh.nonce}, code_hash = ${fresh.codeHash}, expires_at = ${fresh.expiresAt}, attempts = 0
      FROM orders o
      WHERE c.order_id = ${orderId}::uuid AND c.tenant_id = ${tenantId}::uuid AND c.consumed_at IS NULL
        AND o.id = c.order_id AND o.tenant_id = c.tenant_id AND o.status = 'fulfilling'`;
    if (replaced === 0) throw new ApiError(409, "CONFLICT", "A new delivery code can only be made while the order is on its way.");
    await writeAudit(tx, BUYER, { action: "order.delivery_code_reissue", tenantId, target });
  });
  await ctx.publish(order, "code_reissued", fresh.nonce.slice(0, 12));
}
