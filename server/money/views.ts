/** How orders look to buyers (by link) and to merchants. The delivery code is only ever in the buyer's view. */
import type { PaymentRail, Prisma } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import type { SqlRunner } from "#server/db/index.ts";
import type { MoneyContext } from "./context.ts";
import { secretsOf, storedDeliveryCode } from "./secrets.ts";
import { decimal } from "./amounts.ts";
import { stripeDisclosure } from "./rails/index.ts";
import { trackingView, type StoredTracking } from "./carriers.ts";
import type { InvoiceInstructions } from "#server/tenancy/shared.ts";

export const orderSelect = {
  id: true, tenantId: true, status: true, rail: true, currency: true, subtotal: true, total: true, feeBps: true, feeAmount: true,
  shippingAmount: true, taxAmount: true, pricesIncludeTax: true, shippingMethod: true,
  guestEmail: true, shippingAddress: true, requiresShipping: true, acknowledgedNoEscrow: true, expiresAt: true, paidAt: true,
  shippedAt: true, deliveredAt: true, releaseAfter: true, closedAt: true, createdAt: true, chainRef: true, chainAmount: true, chainMerchant: true,
  lines: { select: { itemId: true, title: true, category: true, kind: true, unitPrice: true, quantity: true, lineTotal: true } },
  events: { select: { fromStatus: true, toStatus: true, createdAt: true }, orderBy: { createdAt: "asc" as const } },
  escrow: { select: { status: true, amount: true, releasedAmount: true, refundedAmount: true, feeAmount: true, heldAt: true, settledAt: true } },
  intent: { select: { status: true, evidenceNote: true } },
  disputes: { select: { id: true, status: true, reason: true, resolution: true, openedAt: true, resolvedAt: true }, orderBy: { openedAt: "asc" as const } },
  deliveryCode: { select: { nonce: true, codeHash: true, expiresAt: true, consumedAt: true, attempts: true, maxAttempts: true } },
} satisfies Prisma.OrderSelect;
/** An on-chain order's transactions as the indexer saw them, and its arbiter payout. */
export interface ChainTx { name: string; txHash: string; block: string; status: string; outcome: string; flagReason: string | null }
export interface ChainExtras {
  chainTxs: ChainTx[];
  chainPayout: { kind: string; status: string; txHash: string | null; lastError: string | null } | null;
  /** The newest block the indexer saw (for confirmation counts). */
  chainHead: string | null;
  /** A manual-invoice order awaiting payment: the shop's bank details now (ADR 025); null otherwise. */
  invoiceInstructions?: InvoiceInstructions | null;
}
/** A card order's Stripe Checkout Session (ADR 024): where the buyer pays, and to whom. */
export interface StripeExtras {
  stripe: { url: string; status: string; flagReason: string | null; refundRequestedAt: string | null; businessName: string; testMode: boolean } | null;
}
/** Optional so rows made without a read (a new order at checkout) need not spell out an unshipped order's nulls. */
export type OrderRow = Prisma.OrderGetPayload<{ select: typeof orderSelect }> & ChainExtras & StripeExtras & Partial<StoredTracking>;

// The order with everything its views show, as one statement (through Prisma the nested select costs ~2 ms of CPU
// per read, most of a buyer's request; ADR 010). Amounts come back as text: no float ever touches them.
const ORDER_JSON = `json_build_object(
  'id', o.id, 'tenantId', o.tenant_id, 'status', o.status, 'rail', o.rail, 'currency', o.currency, 'subtotal', o.subtotal::text,
  'total', o.total::text, 'shippingAmount', o.shipping_amount::text, 'taxAmount', o.tax_amount::text, 'pricesIncludeTax', o.prices_include_tax,
  'shippingMethod', o.shipping_method, 'feeBps', o.fee_bps, 'feeAmount', o.fee_amount::text, 'guestEmail', o.guest_email,
  'shippingAddress', o.shipping_address, 'requiresShipping', o.requires_shipping, 'acknowledgedNoEscrow', o.acknowledged_no_escrow,
  'expiresAt', o.expires_at, 'paidAt', o.paid_at, 'shippedAt', o.shipped_at, 'deliveredAt', o.delivered_at,
  'releaseAfter', o.release_after, 'closedAt', o.closed_at, 'createdAt', o.created_at,
  'chainRef', o.chain_ref, 'chainAmount', o.chain_amount::text, 'chainMerchant', o.chain_merchant,
  'trackingCarrier', o.tracking_carrier, 'trackingCarrierName', o.tracking_carrier_name, 'trackingNumber', o.tracking_number, 'trackingUrl', o.tracking_url,
  'chainTxs', CASE WHEN o.chain_ref IS NULL THEN '[]'::json ELSE coalesce((SELECT json_agg(json_build_object('name', e.name, 'txHash', e.tx_hash,
      'block', e.block_number::text, 'status', e.status, 'outcome', e.outcome, 'flagReason', e.flag_reason) ORDER BY e.block_number, e.log_index)
    FROM chain_events e WHERE e.chain_ref = o.chain_ref), '[]') END,
  'chainPayout', (SELECT json_build_object('kind', p.kind, 'status', p.status, 'txHash', p.tx_hash, 'lastError', p.last_error)
    FROM chain_payouts p WHERE o.chain_ref IS NOT NULL AND p.chain_ref = o.chain_ref),
  'invoiceInstructions', CASE WHEN o.rail = 'manual_invoice' AND o.status = 'pending_payment' THEN
    (SELECT p.invoice_instructions FROM tenant_payment_policies p WHERE p.tenant_id = o.tenant_id) END,
  'chainHead', CASE WHEN o.chain_ref IS NULL THEN NULL ELSE (SELECT max(c.head_block)::text FROM chain_checkpoints c) END,
  'stripe', CASE WHEN o.rail <> 'external_provider' THEN NULL ELSE (SELECT json_build_object('url', s.url, 'status', s.status, 'flagReason', s.flag_reason,
      'refundRequestedAt', s.refund_requested_at, 'businessName', coalesce(i.business_name, i.account_id), 'testMode', NOT i.livemode)
    FROM stripe_checkouts s JOIN tenant_integrations i ON i.tenant_id = s.tenant_id AND i.id = s.integration_id
    WHERE s.tenant_id = o.tenant_id AND s.order_id = o.id) END,
  'lines', coalesce((SELECT json_agg(json_build_object('itemId', l.item_id, 'title', l.title, 'category', l.category, 'kind', l.kind,
      'unitPrice', l.unit_price::text, 'quantity', l.quantity, 'lineTotal', l.line_total::text))
    FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id), '[]'),
  'events', coalesce((SELECT json_agg(json_build_object('fromStatus', e.from_status, 'toStatus', e.to_status, 'createdAt', e.created_at) ORDER BY e.created_at)
    FROM order_events e WHERE e.tenant_id = o.tenant_id AND e.order_id = o.id), '[]'),
  'escrow', (SELECT json_build_object('status', w.status, 'amount', w.amount::text, 'releasedAmount', w.released_amount::text,
      'refundedAmount', w.refunded_amount::text, 'feeAmount', w.fee_amount::text, 'heldAt', w.held_at, 'settledAt', w.settled_at)
    FROM escrows w WHERE w.tenant_id = o.tenant_id AND w.order_id = o.id),
  'intent', (SELECT json_build_object('status', i.status, 'evidenceNote', i.evidence_note)
    FROM payment_intents i WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id),
  'disputes', coalesce((SELECT json_agg(json_build_object('id', d.id, 'status', d.status, 'reason', d.reason, 'resolution', d.resolution,
      'openedAt', d.opened_at, 'resolvedAt', d.resolved_at) ORDER BY d.opened_at)
    FROM disputes d WHERE d.tenant_id = o.tenant_id AND d.order_id = o.id), '[]'),
  'deliveryCode', (SELECT json_build_object('nonce', c.nonce, 'codeHash', c.code_hash, 'expiresAt', c.expires_at, 'consumedAt', c.consumed_at,
      'attempts', c.attempts, 'maxAttempts', c.max_attempts)
    FROM delivery_codes c WHERE c.tenant_id = o.tenant_id AND c.order_id = o.id)
) AS o`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A row as Postgres' JSON functions return it: the same fields, amounts as decimal text and times as ISO text. */
type AsJson<T> = T extends Prisma.Decimal | Date ? string : T extends (infer U)[] ? AsJson<U>[] : T extends object ? { [K in keyof T]: AsJson<T[K]> } : T;
type OrderJson = AsJson<OrderRow>;
const date = (v: string | null) => (v === null ? null : new Date(v));

function orderRowOf(json: OrderJson): OrderRow {
  return {
    ...json,
    subtotal: decimal(json.subtotal), total: decimal(json.total), feeAmount: decimal(json.feeAmount),
    shippingAmount: decimal(json.shippingAmount), taxAmount: decimal(json.taxAmount),
    expiresAt: new Date(json.expiresAt), paidAt: date(json.paidAt), shippedAt: date(json.shippedAt), deliveredAt: date(json.deliveredAt),
    releaseAfter: date(json.releaseAfter), closedAt: date(json.closedAt), createdAt: new Date(json.createdAt),
    chainAmount: json.chainAmount === null ? null : decimal(json.chainAmount),
    lines: json.lines.map((l) => ({ ...l, unitPrice: decimal(l.unitPrice), lineTotal: decimal(l.lineTotal) })),
    events: json.events.map((e) => ({ ...e, createdAt: new Date(e.createdAt) })),
    escrow: json.escrow && {
      ...json.escrow, amount: decimal(json.escrow.amount), releasedAmount: decimal(json.escrow.releasedAmount), refundedAmount: decimal(json.escrow.refundedAmount),
      feeAmount: decimal(json.escrow.feeAmount), heldAt: new Date(json.escrow.heldAt), settledAt: date(json.escrow.settledAt),
    },
    disputes: json.disputes.map((d) => ({ ...d, openedAt: new Date(d.openedAt), resolvedAt: date(d.resolvedAt) })),
    deliveryCode: json.deliveryCode && { ...json.deliveryCode, expiresAt: new Date(json.deliveryCode.expiresAt), consumedAt: date(json.deliveryCode.consumedAt) },
  };
}

/** One order of one tenant (the tenant floor is in the WHERE), by id or by the hash of its buyer link; 404 if none. */
export async function loadOrder(sql: SqlRunner, tenantId: string, by: { id: string } | { tokenHash: string }): Promise<OrderRow> {
  if ("id" in by && !UUID.test(by.id)) throw new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
  const [row] = "id" in by
    ? await sql.query<{ o: OrderJson }>(`SELECT ${ORDER_JSON} FROM orders o WHERE o.tenant_id = $1::uuid AND o.id = $2::uuid`, [tenantId, by.id], "order_by_id")
    : await sql.query<{ o: OrderJson }>(`SELECT ${ORDER_JSON} FROM orders o WHERE o.tenant_id = $1::uuid AND o.token_hash = $2`, [tenantId, by.tokenHash], "order_by_token");
  if (!row) throw new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
  return orderRowOf(row.o);
}

/**
 * The order as a funding just left it (what `money_fund` wrote: status, paid time, event, intent, escrow hold), so the
 * payment can be answered without reading the order back (ADR 010). Its times are the funding's clock, which the
 * database's own timestamps follow within the transaction.
 */
export function fundedRow(row: OrderRow, funding: { holds: boolean; at: Date }): OrderRow {
  const to = funding.holds ? "escrow_funded" : "paid";
  return {
    ...row,
    status: to,
    paidAt: funding.at,
    events: [...row.events, { fromStatus: "pending_payment", toStatus: to, createdAt: funding.at }],
    intent: { status: "succeeded", evidenceNote: row.intent?.evidenceNote ?? null },
    escrow: funding.holds
      ? { status: "held", amount: row.total, releasedAmount: decimal("0"), refundedAmount: decimal("0"), feeAmount: decimal("0"), heldAt: funding.at, settledAt: null }
      : row.escrow,
  };
}

/** How each rail reads to a buyer (checkout, the order page, order mail); `text` says what paying this way means. */
export const RAIL_COPY = {
  escrow: { name: "Escrow", text: "The platform holds your payment and releases it to the shop only after you confirm delivery." },
  direct: { name: "Direct payment", text: "The shop receives your money as soon as you pay." },
  external_provider: { name: "Payment provider", text: "Paid to the shop’s payment provider." },
  manual_invoice: { name: "Invoice", text: "You get payment instructions; the shop confirms once your payment arrives." },
} as const satisfies Record<PaymentRail, { name: string; text: string }>;

/** PAY-3 disclosures, by rail. */
export const PROTECTION_LABELS = {
  escrow: "Protected by escrow",
  direct: "Paid through the platform — no escrow protection",
  external_provider: "Paid to the payment provider — escrow does not apply",
  manual_invoice: "Paid by invoice to the shop — no escrow protection",
} as const;

/** The method snapshot checkout wrote ({id, zone, name, minDays, maxDays}); null for orders without one. */
function shippingMethodOf(json: Prisma.JsonValue | null) {
  if (!json || typeof json !== "object" || Array.isArray(json)) return null;
  const m = json as { name?: unknown; minDays?: unknown; maxDays?: unknown };
  return typeof m.name === "string" && typeof m.minDays === "number" && typeof m.maxDays === "number" ? { name: m.name, minDays: m.minDays, maxDays: m.maxDays } : null;
}

const dec = (d: { toFixed(): string } | null | undefined) => (d ? d.toFixed() : null);

function common(row: OrderRow) {
  return {
    id: row.id,
    status: row.status,
    rail: row.rail,
    protection: row.rail === "external_provider" && row.stripe ? stripeDisclosure(row.stripe.businessName) : PROTECTION_LABELS[row.rail],
    currency: row.currency,
    subtotal: row.subtotal.toFixed(),
    // Shipping and tax as their own lines (ADR 035); `tax.included`: the prices already hold it.
    shipping: { amount: row.shippingAmount.toFixed(), method: shippingMethodOf(row.shippingMethod) },
    tax: { amount: row.taxAmount.toFixed(), included: row.pricesIncludeTax },
    total: row.total.toFixed(),
    lines: row.lines.map((l) => ({ itemId: l.itemId, title: l.title, kind: l.kind, unitPrice: l.unitPrice.toFixed(), quantity: l.quantity, lineTotal: l.lineTotal.toFixed() })),
    timeline: row.events.map((e) => ({ from: e.fromStatus, to: e.toStatus, at: e.createdAt })),
    expiresAt: row.status === "pending_payment" ? row.expiresAt : null,
    escrow: row.escrow ? { status: row.escrow.status, amount: row.escrow.amount.toFixed(), heldAt: row.escrow.heldAt, settledAt: row.escrow.settledAt } : null,
    // Carrier, number and the link built from the carrier's template (ADR 036); null until shipped with tracking.
    tracking: trackingView(row),
    dispute: row.disputes.at(-1) ? { status: row.disputes.at(-1)!.status, resolution: row.disputes.at(-1)!.resolution, openedAt: row.disputes.at(-1)!.openedAt } : null,
    createdAt: row.createdAt,
  };
}

/**
 * The on-chain payment an order asks for (pinned interface: the wallet pays exactly this), with how deep its funding
 * transaction is. Null for orders paid any other way, or when this deployment has no chain.
 */
export function chainPayment(ctx: MoneyContext, row: OrderRow) {
  const chain = ctx.chain;
  if (!row.chainRef || !chain || !row.chainAmount || !row.chainMerchant) return null;
  const required = chain.confirmations;
  const funding = row.chainTxs.filter((t) => (t.name === "Funded" || t.name === "PaidDirect") && t.status !== "orphaned").at(-1);
  const seen = !funding ? 0 : funding.status === "confirmed" ? required
    : Math.max(0, Math.min(required - 1, Number(BigInt(row.chainHead ?? funding.block) - BigInt(funding.block) + 1n)));
  return {
    kind: "wallet" as const, rail: row.rail, chainId: chain.chainId, contract: chain.escrow, token: chain.token, tokenSymbol: chain.tokenSymbol,
    tokenDecimals: chain.tokenDecimals, amountBaseUnits: row.chainAmount.toFixed(), orderRef: row.chainRef, merchant: row.chainMerchant,
    confirmations: { seen, required }, txHash: funding?.txHash ?? null,
  };
}

export function buyerView(ctx: MoneyContext, row: OrderRow) {
  const code = row.deliveryCode;
  const shown = code && !code.consumedAt && row.status === "fulfilling" ? storedDeliveryCode(secretsOf(ctx.config), row.id, code.nonce, code.codeHash) : null;
  const rail = ctx.rails.settler(row.rail, row);
  return {
    ...common(row),
    payment: chainPayment(ctx, row),
    paymentInstructions: row.status === "pending_payment" && rail
      ? rail.instructions({ id: row.id, tenantId: row.tenantId, total: row.total.toFixed(), currency: row.currency, chainRef: row.chainRef },
        { currency: row.currency, payoutAddress: row.chainMerchant, invoiceInstructions: row.invoiceInstructions ?? null })
      : null,
    sandboxPay: row.status === "pending_payment" && ctx.config.sandbox && Boolean(rail?.fund),
    // Card orders: Stripe's hosted page while unpaid, and the test-mode badge buyers must see (ADR 024).
    card: row.stripe ? { payUrl: row.status === "pending_payment" ? row.stripe.url : null, businessName: row.stripe.businessName, testMode: row.stripe.testMode } : null,
    // The buyer's own address, so they can check where it goes (issue 22); never shown to anyone but link holders.
    shipTo: row.requiresShipping ? row.shippingAddress : null,
    canDispute: row.rail === "escrow" && ["escrow_funded", "fulfilling", "delivered"].includes(row.status),
    // `usable` false: locked after too many wrong entries, or expired; the buyer can have a new one made (reissue).
    deliveryCode: shown && code ? { code: shown, expiresAt: code.expiresAt, usable: code.attempts < code.maxAttempts && code.expiresAt > ctx.now() } : null,
    canReissueCode: Boolean(code && !code.consumedAt && row.status === "fulfilling"),
  };
}

export function merchantView(row: OrderRow) {
  return {
    ...common(row),
    // On-chain orders: every transaction the indexer saw for it (funding, release/refund) and the arbiter's payout.
    chain: row.chainRef ? { orderRef: row.chainRef, merchant: row.chainMerchant, amountBaseUnits: row.chainAmount?.toFixed() ?? null, head: row.chainHead, txs: row.chainTxs, payout: row.chainPayout } : null,
    feeBps: row.feeBps,
    feeAmount: row.feeAmount.toFixed(),
    guestEmail: row.guestEmail,
    shippingAddress: row.shippingAddress,
    acknowledgedNoEscrow: row.acknowledgedNoEscrow,
    paidAt: row.paidAt, shippedAt: row.shippedAt, deliveredAt: row.deliveredAt, releaseAfter: row.releaseAfter, closedAt: row.closedAt,
    evidenceNote: row.intent?.evidenceNote ?? null,
    card: row.stripe ? { status: row.stripe.status, flagReason: row.stripe.flagReason, refundRequestedAt: row.stripe.refundRequestedAt, testMode: row.stripe.testMode } : null,
    escrow: row.escrow ? { ...common(row).escrow!, releasedAmount: dec(row.escrow.releasedAmount), refundedAmount: dec(row.escrow.refundedAmount), feeAmount: dec(row.escrow.feeAmount) } : null,
    // Whether a code is waiting for the merchant to type in; the code itself is never here.
    deliveryCodePending: Boolean(row.deliveryCode && !row.deliveryCode.consumedAt),
    disputes: row.disputes.map((d) => ({ id: d.id, status: d.status, reason: d.reason, resolution: d.resolution, openedAt: d.openedAt, resolvedAt: d.resolvedAt })),
  };
}
