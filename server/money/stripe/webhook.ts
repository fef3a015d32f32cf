/**
 * Stripe's webhooks (issue 14 point 3, ADR 024). The signature is verified on the raw bytes with the integration's
 * own signing secret (the SDK's constructEvent, 5 minutes tolerance) before anything is parsed. Each event is stored
 * once (UNIQUE integration_id, event_id); a replay of an applied event changes nothing, and every effect is itself
 * idempotent (the funding posting's key is per order), so a copy under a new event id changes nothing either.
 * An event naming an order that is not this integration's shop's is refused with 400 and changes nothing.
 */
import type Stripe from "stripe";
import { ApiError } from "#server/http/index.ts";
import type { MoneyContext } from "../context.ts";
import { SYSTEM, findOrder, recordFunding } from "../settlement.ts";
import { integrationAad } from "./integrations.ts";
import { stripeWebhooks } from "./client.ts";
import { cardDisputed, cardRefunded } from "./refund.ts";

const TOLERANCE_SEC = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const refused = (why: string) => new ApiError(400, "WEBHOOK_REFUSED", `Webhook refused: ${why}.`);

type Outcome = { outcome: "applied" | "ignored" | "flagged"; detail?: string; orderId?: string };
type Checkout = { id: string; orderId: string; tenantId: string; amountMinor: bigint; currency: string; status: string; paymentIntentId: string | null };
const CHECKOUT_FIELDS = { id: true, orderId: true, tenantId: true, amountMinor: true, currency: true, status: true, paymentIntentId: true } as const;

/** The webhook names only the integration id; its row names the shop everything below is floored to. */
async function webhookIntegration(ctx: MoneyContext, integrationId: string) {
  if (!UUID.test(integrationId)) return null;
  return ctx.prisma.tenantIntegration.findUnique({ where: { id: integrationId }, select: { id: true, tenantId: true, provider: true, encryptedWebhookSecret: true } });
}

function verify(ctx: MoneyContext, integration: { id: string; encryptedWebhookSecret: string }, raw: Buffer, signature: string | undefined) {
  if (!signature) throw refused("no Stripe-Signature header");
  const secret = ctx.box!().open(integration.encryptedWebhookSecret, integrationAad.webhookSecret(integration.id));
  try {
    return stripeWebhooks.constructEvent(raw, signature, secret, TOLERANCE_SEC);
  } catch {
    throw refused("the signature does not match this endpoint's signing secret, or is too old");
  }
}

const idOf = (v: string | { id: string } | null | undefined) => (typeof v === "string" ? v : (v?.id ?? null));

/** The order an event is about, in this integration's shop only; null for event types we do not act on. */
async function targetOf(ctx: MoneyContext, tenantId: string, event: Stripe.Event): Promise<Checkout | null> {
  const obj = event.data.object as unknown as Record<string, unknown>;
  if (event.type === "checkout.session.completed" || event.type === "checkout.session.async_payment_succeeded") {
    const row = await ctx.prisma.stripeCheckout.findFirst({ where: { tenantId, sessionId: String(obj.id) }, select: CHECKOUT_FIELDS });
    if (!row || obj.client_reference_id !== row.orderId) throw refused("the session is not one of this shop's orders");
    return row;
  }
  if (event.type === "charge.refunded" || event.type === "charge.dispute.created") {
    const pi = idOf(obj.payment_intent as string | { id: string } | null);
    if (!pi) throw refused("the event names no payment");
    const row = await ctx.prisma.stripeCheckout.findFirst({ where: { tenantId, paymentIntentId: pi }, select: CHECKOUT_FIELDS });
    if (row) return row;
    // Out of order (the refund or dispute arrived before the payment was recorded): Stripe redelivers on non-2xx.
    throw new ApiError(409, "WEBHOOK_TOO_EARLY", "The payment this event is about is not recorded yet; deliver it again later.");
  }
  return null;
}

async function applyCompleted(ctx: MoneyContext, row: Checkout, session: Stripe.Checkout.Session): Promise<Outcome> {
  const orderId = row.orderId;
  if (session.payment_status !== "paid") return { outcome: "ignored", detail: `payment_status ${session.payment_status}`, orderId };
  const flag = async (reason: string): Promise<Outcome> => {
    await ctx.prisma.stripeCheckout.updateMany({ where: { tenantId: row.tenantId, id: row.id }, data: { status: "flagged", flagReason: reason, updatedAt: ctx.now() } });
    ctx.logger.warn({ orderId, tenantId: row.tenantId, reason }, "card payment flagged for the operator");
    return { outcome: "flagged", detail: reason, orderId };
  };
  if (BigInt(session.amount_total ?? -1) !== row.amountMinor || session.currency !== row.currency) {
    return flag(`Stripe reports ${session.amount_total} ${session.currency}, the order asks ${row.amountMinor} ${row.currency}`);
  }
  const pi = idOf(session.payment_intent);
  if (pi) await ctx.prisma.stripeCheckout.updateMany({ where: { tenantId: row.tenantId, id: row.id, paymentIntentId: null }, data: { paymentIntentId: pi } });
  const order = await findOrder(ctx, row.tenantId, orderId);
  if (order.status !== "pending_payment") {
    if (order.paidAt) return { outcome: "ignored", detail: "already paid", orderId };
    return flag(`paid in Stripe while the order is ${order.status}: refund it in Stripe`);
  }
  const result = await recordFunding(ctx, order, { externalRef: pi ?? session.id, actor: SYSTEM });
  await ctx.prisma.stripeCheckout.updateMany({ where: { tenantId: row.tenantId, id: row.id, status: "open" }, data: { status: "paid", updatedAt: ctx.now() } });
  if (!result.replayed) await ctx.publish(order, "paid");
  return { outcome: result.replayed ? "ignored" : "applied", orderId };
}

async function apply(ctx: MoneyContext, row: Checkout, event: Stripe.Event): Promise<Outcome> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return applyCompleted(ctx, row, event.data.object);
    case "charge.refunded":
      return cardRefunded(ctx, row, event.data.object);
    case "charge.dispute.created":
      return cardDisputed(ctx, row);
    default:
      return { outcome: "ignored" };
  }
}

export async function handleStripeWebhook(ctx: MoneyContext, integrationId: string, signature: string | undefined, raw: Buffer) {
  const integration = await webhookIntegration(ctx, integrationId);
  if (!integration || integration.provider !== "stripe" || !integration.encryptedWebhookSecret) throw refused("unknown endpoint");
  const event = verify(ctx, { id: integration.id, encryptedWebhookSecret: integration.encryptedWebhookSecret }, raw, signature);
  const { tenantId } = integration;
  const row = await targetOf(ctx, tenantId, event);
  if (!row) {
    await ctx.sql.query(`INSERT INTO payment_webhook_events (id, tenant_id, integration_id, event_id, type, outcome)
      VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3, $4, 'ignored') ON CONFLICT (integration_id, event_id) DO NOTHING`,
    [tenantId, integration.id, event.id, event.type.slice(0, 100)], "stripe_event_ignored");
    return { received: true, replayed: false, outcome: "ignored" };
  }
  const [stored] = await ctx.sql.query<{ outcome: string }>(
    `INSERT INTO payment_webhook_events (id, tenant_id, integration_id, event_id, type, order_id, outcome)
     VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3, $4, $5::uuid, $6)
     ON CONFLICT (integration_id, event_id) DO UPDATE SET event_id = EXCLUDED.event_id
     RETURNING outcome`,
    [tenantId, integration.id, event.id, event.type.slice(0, 100), row.orderId, "pending"], "stripe_event_store");
  // Stored and applied before: a replay. Stored but still pending: an earlier delivery failed midway; apply again.
  if (stored!.outcome !== "pending") return { received: true, replayed: true };
  const result = await apply(ctx, row, event);
  await ctx.sql.query(`UPDATE payment_webhook_events SET outcome = $3, detail = $4 WHERE integration_id = $1::uuid AND event_id = $2 AND tenant_id = $5::uuid`,
    [integration.id, event.id, result.outcome, result.detail?.slice(0, 500) ?? null, tenantId], "stripe_event_done");
  return { received: true, replayed: false, outcome: result.outcome };
}
