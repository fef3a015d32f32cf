/**
 * Checkout (PAY-2/3, ORD-1): the server prices the cart, picks an eligible rail from the policy, enforces the
 * strict-mode acknowledgement, and in ONE transaction reserves stock, creates the order, its lines and the payment
 * intent. The Idempotency-Key header makes a retried checkout return the same order (and link).
 */
import { randomUUID } from "node:crypto";
import type { PaymentRail, TenantPaymentPolicy } from "@prisma/client";
import { ApiError } from "#server/http/errors.ts";
import type { AuditActor } from "#server/audit/index.ts";
import type { MoneyContext } from "./context.ts";
import { afterCommit } from "./context.ts";
import { moneyTx, type Tx } from "./money-tx.ts";
import { compare, feeOf, sumAmounts, times } from "./amounts.ts";
import { isUniqueViolation } from "./db-errors.ts";
import { orderToken, sha256Hex } from "./secrets.ts";
import type { CheckoutInput } from "./schemas.ts";
import { buyerView, orderSelect } from "./views.ts";

const BUYER: AuditActor = { userId: null, kind: "system" };

/** Rails a buyer may use for this cart: allowed by the policy, configured, and escrow when escrow is required. */
export function eligibleRails(policy: Pick<TenantPaymentPolicy, "allowedRails" | "escrowRequiredAboveAmount" | "escrowRequiredForCategories">, configured: PaymentRail[], cart: { total: string; categories: (string | null)[] }) {
  const threshold = policy.escrowRequiredAboveAmount?.toFixed() ?? null;
  const overThreshold = threshold !== null && compare(cart.total, threshold) > 0;
  const requiredCategory = cart.categories.some((c) => c !== null && policy.escrowRequiredForCategories.includes(c));
  const escrowRequired = overThreshold || requiredCategory;
  const rails = policy.allowedRails.filter((r) => configured.includes(r) && (!escrowRequired || r === "escrow"));
  return { rails, escrowRequired, reason: overThreshold ? "amount" : requiredCategory ? "category" : null };
}

function validation(message: string, path: string): never {
  throw new ApiError(400, "VALIDATION_ERROR", message, { issues: [{ in: "body", path, message }] });
}

async function priceAndReserve(ctx: MoneyContext, tx: Tx, tenantId: string, input: CheckoutInput, requestHash: string, idempotencyKey: string) {
  const [tenant, policy, items, settings] = await Promise.all([
    tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { currency: true } }),
    tx.tenantPaymentPolicy.findUnique({ where: { tenantId } }),
    tx.catalogItem.findMany({
      where: { tenantId, id: { in: input.items.map((i) => i.itemId) }, active: true, archivedAt: null },
      select: { id: true, title: true, price: true, category: true, kind: true },
    }),
    tx.tenantMoneySettings.findUnique({ where: { tenantId }, select: { platformFeeBps: true } }),
  ]);
  if (!policy) throw new ApiError(422, "RAIL_NOT_ALLOWED", "This shop does not take payments yet.");
  const byId = new Map(items.map((i) => [i.id, i]));
  const missing = input.items.findIndex((l) => !byId.has(l.itemId));
  if (missing >= 0) validation("An item in the cart is not for sale.", `items.${missing}.itemId`);

  const lines = input.items.map((l) => {
    const item = byId.get(l.itemId)!;
    const unitPrice = item.price.toFixed();
    return { ...l, item, unitPrice, lineTotal: times(unitPrice, l.quantity) };
  });
  const total = sumAmounts(lines.map((l) => l.lineTotal));
  const { rails, escrowRequired, reason } = eligibleRails(policy, ctx.rails.configured(), { total, categories: lines.map((l) => l.item.category) });
  const rail = input.rail ?? (rails.includes(policy.defaultRail) ? policy.defaultRail : rails[0]);
  if (!rail || !rails.includes(rail)) {
    const why = escrowRequired ? ` Escrow is required for this cart (${reason === "amount" ? "its total" : "its category"}).` : "";
    throw new ApiError(422, "RAIL_NOT_ALLOWED", `That payment method is not available for this cart.${why}`, { eligibleRails: rails, escrowRequired });
  }
  if (policy.buyerDisclosureMode === "strict" && rail !== "escrow" && !input.acknowledgeNoEscrow) {
    validation("Confirm that you understand this payment has no escrow protection.", "acknowledgeNoEscrow");
  }
  const requiresShipping = lines.some((l) => l.item.kind === "physical");
  if (requiresShipping && !input.shippingAddress) validation("A shipping address is required for physical items.", "shippingAddress");

  // Atomic reservation, one conditional UPDATE per line in a fixed order (no deadlocks between carts).
  for (const l of [...lines].sort((a, b) => (a.itemId < b.itemId ? -1 : 1))) {
    const reserved = await tx.$executeRaw`
      UPDATE catalog_items SET stock = stock - ${l.quantity}, version = version + 1, updated_at = now()
      WHERE id = ${l.itemId}::uuid AND tenant_id = ${tenantId}::uuid AND stock IS NOT NULL AND stock >= ${l.quantity}`;
    if (reserved === 0) {
      const row = await tx.catalogItem.findFirst({ where: { id: l.itemId, tenantId }, select: { stock: true } });
      if (row?.stock !== null) throw new ApiError(409, "OUT_OF_STOCK", `Not enough “${l.item.title}” in stock.`, { itemId: l.itemId, available: row?.stock ?? 0 });
    }
  }

  const id = randomUUID();
  const feeBps = settings?.platformFeeBps ?? ctx.config.defaultFeeBps;
  const token = orderToken(ctx.config.secret, tenantId, idempotencyKey, requestHash);
  const ttl = rail === "manual_invoice" ? ctx.config.invoiceTtlMs : ctx.config.orderTtlMs;
  await tx.order.create({
    data: {
      id, tenantId, tokenHash: sha256Hex(token), idempotencyKey, requestHash, status: "pending_payment", rail, currency: tenant.currency,
      subtotal: total, total, feeBps, feeAmount: feeOf(total, feeBps, tenant.currency), guestEmail: input.email,
      shippingAddress: requiresShipping ? input.shippingAddress : undefined, requiresShipping,
      acknowledgedNoEscrow: rail !== "escrow" && input.acknowledgeNoEscrow, expiresAt: new Date(ctx.now().getTime() + ttl),
    },
  });
  await tx.orderLine.createMany({
    data: lines.map((l) => ({
      tenantId, orderId: id, itemId: l.itemId, title: l.item.title, category: l.item.category, kind: l.item.kind, unitPrice: l.unitPrice, quantity: l.quantity, lineTotal: l.lineTotal,
    })),
  });
  await tx.paymentIntent.create({ data: { tenantId, orderId: id, rail, amount: total, currency: tenant.currency } });
  await tx.orderEvent.create({ data: { tenantId, orderId: id, fromStatus: null, toStatus: "pending_payment", actor: "buyer" } });
  return { id, token };
}

export async function checkout(ctx: MoneyContext, tenantId: string, input: CheckoutInput, idempotencyKey: string) {
  const requestHash = sha256Hex(JSON.stringify(input));
  const replay = async () => {
    // A cheap probe first: nearly every checkout is new, and the full order read costs several queries.
    const seen = await ctx.prisma.order.findUnique({ where: { tenantId_idempotencyKey: { tenantId, idempotencyKey } }, select: { id: true, requestHash: true } });
    if (!seen) return null;
    if (seen.requestHash !== requestHash) {
      throw new ApiError(409, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used for a different checkout.");
    }
    const existing = await ctx.prisma.order.findUniqueOrThrow({ where: { id: seen.id }, select: orderSelect });
    return { token: orderToken(ctx.config.secret, tenantId, idempotencyKey, requestHash), order: buyerView(ctx, existing), replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  let created: { id: string; token: string };
  try {
    created = await moneyTx(ctx.prisma, { tenantId, action: "order.checkout", target: `checkout:${idempotencyKey}`, actor: BUYER }, (tx) =>
      priceAndReserve(ctx, tx, tenantId, input, requestHash, idempotencyKey),
    );
  } catch (err) {
    // The same key at the same moment: the other request won; its order is the answer.
    if (isUniqueViolation(err)) {
      const raced = await replay();
      if (raced) return raced;
    }
    throw err;
  }
  const order = await ctx.prisma.order.findUniqueOrThrow({ where: { id: created.id }, select: orderSelect });
  await afterCommit(ctx, "schedule expiry", () => ctx.scheduler.expire(order, order.expiresAt));
  await ctx.publish(tenantId, order.id, "created");
  return { token: created.token, order: buyerView(ctx, order), replayed: false };
}
