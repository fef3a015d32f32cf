/**
 * Fulfilment: the merchant ships; the buyer's order page shows a 6-digit delivery code; the merchant types it in
 * to mark the order delivered. The code is consumed by one conditional UPDATE (single use, unexpired, under the
 * attempt cap), attempts are rate-limited per order in Redis, and the code never reaches a log or the merchant.
 */
import { randomBytes } from "node:crypto";
import { ApiError, hit } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { afterCommit, type MoneyContext } from "./context.ts";
import { transition } from "./state-machine.ts";
import { deliveryCode, deliveryCodeHash, deliveryCodeHashes, secretsOf } from "./secrets.ts";
import { findOrder } from "./settlement.ts";
import { TX_OPTIONS } from "./money-tx.ts";

export async function shipOrder(ctx: MoneyContext, actor: AuditActor, tenantId: string, orderId: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  await ctx.prisma.$transaction(async (tx) => {
    await transition(tx, { tenantId, orderId, from: ["escrow_funded", "paid"], to: "fulfilling", actor: actor.kind, set: { shippedAt: ctx.now() } });
    const nonce = randomBytes(16).toString("hex");
    const code = deliveryCode(ctx.config.secret, orderId, nonce);
    await tx.deliveryCode.create({
      data: {
        tenantId, orderId, nonce, codeHash: deliveryCodeHash(ctx.config.secret, orderId, code),
        expiresAt: new Date(ctx.now().getTime() + ctx.config.codeTtlMs), maxAttempts: ctx.config.codeMaxAttempts,
      },
    });
    await writeAudit(tx, actor, { action: "order.ship", tenantId, target: `order:${orderId}` });
  }, TX_OPTIONS);
  await ctx.publish(order, "shipped");
}

export async function enterDeliveryCode(ctx: MoneyContext, actor: AuditActor, tenantId: string, orderId: string, code: string) {
  const order = await findOrder(ctx, tenantId, orderId);
  const limit = await hit(ctx.redis, ctx.prefix, { name: "delivery-code", limit: ctx.config.codeAttemptsPer15Min, windowMs: 15 * 60_000 }, orderId);
  if (!limit.allowed) throw ApiError.rateLimited(limit.retryAfterSec, "Too many delivery code attempts for this order. Try again later.");
  // One hash per known secret: a code made before a MONEY_SECRET rotation is still accepted.
  const hashes = deliveryCodeHashes(secretsOf(ctx.config), orderId, code);
  const consumed = await ctx.prisma.$transaction(async (tx) => {
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
  }, TX_OPTIONS);
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
