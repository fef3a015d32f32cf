/**
 * The Checkout Session an order is paid on (ADR 024): made once per order on the merchant's own account, with the
 * server's line items and amounts in Stripe's minor units, `client_reference_id` = order id and the order id as the
 * idempotency key. Its row (UNIQUE order_id and session_id) is what a replayed checkout and the webhook find it by.
 */
import type { PrismaClient } from "@prisma/client";
import type { SecretBox } from "#server/secrets/index.ts";
import type { CheckoutLine, RailOrder, ShopRails } from "../rails/types.ts";
import { minorUnits, stripeClient, stripeFailure, type StripeSettings } from "./client.ts";
import { markFailing, secretKeyOf } from "./integrations.ts";

export interface SessionDeps {
  prisma: PrismaClient;
  box: () => SecretBox;
  stripe: StripeSettings;
}

/** Line items in minor units; one "Order" line when a line's price cannot be said exactly (the total always can). */
function lineItems(order: RailOrder & { lines: CheckoutLine[] }, total: bigint) {
  const currency = order.currency.toLowerCase();
  const lines = order.lines.map((l) => ({ l, unit: minorUnits(l.unitPrice, order.currency) }));
  if (lines.every((x) => x.unit !== null) && lines.reduce((s, x) => s + x.unit! * BigInt(x.l.quantity), 0n) === total) {
    return lines.map(({ l, unit }) => ({ quantity: l.quantity, price_data: { currency, unit_amount: Number(unit), product_data: { name: l.title.slice(0, 250) } } }));
  }
  return [{ quantity: 1, price_data: { currency, unit_amount: Number(total), product_data: { name: `Order ${order.id.slice(0, 8)}` } } }];
}

export async function createCheckoutSession(deps: SessionDeps, order: RailOrder & { lines: CheckoutLine[] }, shop: ShopRails, returnUrl: string) {
  const existing = await deps.prisma.stripeCheckout.findFirst({ where: { tenantId: order.tenantId, orderId: order.id }, select: { url: true } });
  if (existing) return existing.url;
  const stripe = shop.stripe;
  if (!stripe) throw new Error(`order ${order.id}: the shop has no active Stripe integration`);
  const total = minorUnits(order.total, order.currency);
  if (total === null) throw new Error(`order ${order.id}: ${order.total} ${order.currency} is not payable through Stripe`);
  const key = await secretKeyOf(deps, order.tenantId, stripe.integrationId);
  let session;
  try {
    session = await stripeClient(deps.stripe, key).checkout.sessions.create({
      mode: "payment",
      line_items: lineItems(order, total),
      client_reference_id: order.id,
      metadata: { order_id: order.id },
      payment_intent_data: { metadata: { order_id: order.id } },
      success_url: `${returnUrl}?card=returned`,
      cancel_url: `${returnUrl}?card=cancelled`,
    }, { idempotencyKey: order.id });
  } catch (err) {
    const { error, keyRefused } = stripeFailure(err, "starting the card payment");
    if (keyRefused) await markFailing(deps.prisma, order.tenantId, stripe.integrationId, "Stripe refused the key (401) when a buyer checked out");
    throw error;
  }
  if (!session.url) throw new Error(`Stripe session ${session.id} has no url`);
  await deps.prisma.stripeCheckout.createMany({
    data: [{ tenantId: order.tenantId, orderId: order.id, integrationId: stripe.integrationId, sessionId: session.id, url: session.url, amountMinor: total, currency: order.currency.toLowerCase() }],
    skipDuplicates: true,
  });
  return session.url;
}

/** Expiry's question (the webhook may be late): did Stripe take exactly this order's money? */
export async function sessionPaid(deps: SessionDeps, order: RailOrder) {
  const row = await deps.prisma.stripeCheckout.findFirst({ where: { tenantId: order.tenantId, orderId: order.id }, select: { integrationId: true, sessionId: true, amountMinor: true, currency: true } });
  if (!row) return false;
  try {
    const session = await stripeClient(deps.stripe, await secretKeyOf(deps, order.tenantId, row.integrationId)).checkout.sessions.retrieve(row.sessionId);
    return session.payment_status === "paid" && BigInt(session.amount_total ?? -1) === row.amountMinor && session.currency === row.currency;
  } catch {
    return false; // Unknown: expiry goes ahead; a late paid webhook is then flagged for the operator.
  }
}
