/** How orders look to buyers (by link) and to merchants. The delivery code is only ever in the buyer's view. */
import type { Prisma } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import type { SqlRunner } from "#server/db/index.ts";
import type { MoneyContext } from "./context.ts";
import { secretsOf, storedDeliveryCode } from "./secrets.ts";
import { decimal } from "./amounts.ts";

export const orderSelect = {
  id: true, tenantId: true, status: true, rail: true, currency: true, subtotal: true, total: true, feeBps: true, feeAmount: true,
  guestEmail: true, shippingAddress: true, requiresShipping: true, acknowledgedNoEscrow: true, expiresAt: true, paidAt: true,
  shippedAt: true, deliveredAt: true, releaseAfter: true, closedAt: true, createdAt: true, chainRef: true, chainAmount: true, chainMerchant: true,
  lines: { select: { itemId: true, title: true, category: true, kind: true, unitPrice: true, quantity: true, lineTotal: true } },
  events: { select: { fromStatus: true, toStatus: true, createdAt: true }, orderBy: { createdAt: "asc" as const } },
  escrow: { select: { status: true, amount: true, releasedAmount: true, refundedAmount: true, feeAmount: true, heldAt: true, settledAt: true } },
  intent: { select: { status: true, evidenceNote: true } },
  disputes: { select: { id: true, status: true, reason: true, resolution: true, openedAt: true, resolvedAt: true }, orderBy: { openedAt: "asc" as const } },
  deliveryCode: { select: { nonce: true, codeHash: true, expiresAt: true, consumedAt: true } },
} satisfies Prisma.OrderSelect;
/** An on-chain order's transactions as the indexer saw them, and its arbiter payout. */
export interface ChainTx { name: string; txHash: string; block: string; status: string; outcome: string; flagReason: string | null }
export interface ChainExtras {
  chainTxs: ChainTx[];
  chainPayout: { kind: string; status: string; txHash: string | null; lastError: string | null } | null;
  /** The newest block the indexer saw (for confirmation counts). */
  chainHead: string | null;
}
export type OrderRow = Prisma.OrderGetPayload<{ select: typeof orderSelect }> & ChainExtras;

// The order with everything its views show, as one statement (through Prisma the nested select costs ~2 ms of CPU
// per read, most of a buyer's request; ADR 010). Amounts come back as text: no float ever touches them.
const ORDER_JSON = `json_build_object(
  'id', o.id, 'tenantId', o.tenant_id, 'status', o.status, 'rail', o.rail, 'currency', o.currency, 'subtotal', o.subtotal::text,
  'total', o.total::text, 'feeBps', o.fee_bps, 'feeAmount', o.fee_amount::text, 'guestEmail', o.guest_email,
  'shippingAddress', o.shipping_address, 'requiresShipping', o.requires_shipping, 'acknowledgedNoEscrow', o.acknowledged_no_escrow,
  'expiresAt', o.expires_at, 'paidAt', o.paid_at, 'shippedAt', o.shipped_at, 'deliveredAt', o.delivered_at,
  'releaseAfter', o.release_after, 'closedAt', o.closed_at, 'createdAt', o.created_at,
  'chainRef', o.chain_ref, 'chainAmount', o.chain_amount::text, 'chainMerchant', o.chain_merchant,
  'chainTxs', CASE WHEN o.chain_ref IS NULL THEN '[]'::json ELSE coalesce((SELECT json_agg(json_build_object('name', e.name, 'txHash', e.tx_hash,
      'block', e.block_number::text, 'status', e.status, 'outcome', e.outcome, 'flagReason', e.flag_reason) ORDER BY e.block_number, e.log_index)
    FROM chain_events e WHERE e.chain_ref = o.chain_ref), '[]') END,
  'chainPayout', (SELECT json_build_object('kind', p.kind, 'status', p.status, 'txHash', p.tx_hash, 'lastError', p.last_error)
    FROM chain_payouts p WHERE o.chain_ref IS NOT NULL AND p.chain_ref = o.chain_ref),
  'chainHead', CASE WHEN o.chain_ref IS NULL THEN NULL ELSE (SELECT max(c.head_block)::text FROM chain_checkpoints c) END,
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
  'deliveryCode', (SELECT json_build_object('nonce', c.nonce, 'codeHash', c.code_hash, 'expiresAt', c.expires_at, 'consumedAt', c.consumed_at)
    FROM delivery_codes c WHERE c.tenant_id = o.tenant_id AND c.order_id = o.id)
) AS o`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A row as Postgres' JSON functions return it: the same fields, amounts as decimal text and times as ISO text. */
type AsJson<T> = T extends Prisma.Decimal | Date ? string : T extends (infer U)[] ? AsJson<U>[] : T extends object ? { [K in keyof T]: AsJson<T[K]> } : T;
type OrderJson = AsJson<OrderRow>;
const date = (v: string | null) => (v === null ? null : new Date(v));

function orderRowOf(j: OrderJson): OrderRow {
  return {
    ...j,
    subtotal: decimal(j.subtotal), total: decimal(j.total), feeAmount: decimal(j.feeAmount),
    expiresAt: new Date(j.expiresAt), paidAt: date(j.paidAt), shippedAt: date(j.shippedAt), deliveredAt: date(j.deliveredAt),
    releaseAfter: date(j.releaseAfter), closedAt: date(j.closedAt), createdAt: new Date(j.createdAt),
    chainAmount: j.chainAmount === null ? null : decimal(j.chainAmount),
    lines: j.lines.map((l) => ({ ...l, unitPrice: decimal(l.unitPrice), lineTotal: decimal(l.lineTotal) })),
    events: j.events.map((e) => ({ ...e, createdAt: new Date(e.createdAt) })),
    escrow: j.escrow && {
      ...j.escrow, amount: decimal(j.escrow.amount), releasedAmount: decimal(j.escrow.releasedAmount), refundedAmount: decimal(j.escrow.refundedAmount),
      feeAmount: decimal(j.escrow.feeAmount), heldAt: new Date(j.escrow.heldAt), settledAt: date(j.escrow.settledAt),
    },
    disputes: j.disputes.map((d) => ({ ...d, openedAt: new Date(d.openedAt), resolvedAt: date(d.resolvedAt) })),
    deliveryCode: j.deliveryCode && { ...j.deliveryCode, expiresAt: new Date(j.deliveryCode.expiresAt), consumedAt: date(j.deliveryCode.consumedAt) },
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
export function fundedRow(o: OrderRow, f: { holds: boolean; at: Date }): OrderRow {
  const to = f.holds ? "escrow_funded" : "paid";
  return {
    ...o,
    status: to,
    paidAt: f.at,
    events: [...o.events, { fromStatus: "pending_payment", toStatus: to, createdAt: f.at }],
    intent: { status: "succeeded", evidenceNote: o.intent?.evidenceNote ?? null },
    escrow: f.holds
      ? { status: "held", amount: o.total, releasedAmount: decimal("0"), refundedAmount: decimal("0"), feeAmount: decimal("0"), heldAt: f.at, settledAt: null }
      : o.escrow,
  };
}

/** PAY-3 disclosures, by rail. */
export const PROTECTION_LABELS = {
  escrow: "Protected by escrow",
  direct: "Paid through the platform — no escrow protection",
  external_provider: "Paid to the payment provider — escrow does not apply",
  manual_invoice: "Paid by invoice to the shop — no escrow protection",
} as const;

const dec = (d: { toFixed(): string } | null | undefined) => (d ? d.toFixed() : null);

function common(o: OrderRow) {
  return {
    id: o.id,
    status: o.status,
    rail: o.rail,
    protection: PROTECTION_LABELS[o.rail],
    currency: o.currency,
    subtotal: o.subtotal.toFixed(),
    total: o.total.toFixed(),
    lines: o.lines.map((l) => ({ itemId: l.itemId, title: l.title, kind: l.kind, unitPrice: l.unitPrice.toFixed(), quantity: l.quantity, lineTotal: l.lineTotal.toFixed() })),
    timeline: o.events.map((e) => ({ from: e.fromStatus, to: e.toStatus, at: e.createdAt })),
    expiresAt: o.status === "pending_payment" ? o.expiresAt : null,
    escrow: o.escrow ? { status: o.escrow.status, amount: o.escrow.amount.toFixed(), heldAt: o.escrow.heldAt, settledAt: o.escrow.settledAt } : null,
    dispute: o.disputes.at(-1) ? { status: o.disputes.at(-1)!.status, resolution: o.disputes.at(-1)!.resolution, openedAt: o.disputes.at(-1)!.openedAt } : null,
    createdAt: o.createdAt,
  };
}

/**
 * The on-chain payment an order asks for (pinned interface: the wallet pays exactly this), with how deep its funding
 * transaction is. Null for orders paid any other way, or when this deployment has no chain.
 */
export function chainPayment(ctx: MoneyContext, o: OrderRow) {
  const chain = ctx.chain;
  if (!o.chainRef || !chain || !o.chainAmount || !o.chainMerchant) return null;
  const required = chain.confirmations;
  const funding = o.chainTxs.filter((t) => (t.name === "Funded" || t.name === "PaidDirect") && t.status !== "orphaned").at(-1);
  const seen = !funding ? 0 : funding.status === "confirmed" ? required
    : Math.max(0, Math.min(required - 1, Number(BigInt(o.chainHead ?? funding.block) - BigInt(funding.block) + 1n)));
  return {
    kind: "wallet" as const, rail: o.rail, chainId: chain.chainId, contract: chain.escrow, token: chain.token, tokenSymbol: chain.tokenSymbol,
    tokenDecimals: chain.tokenDecimals, amountBaseUnits: o.chainAmount.toFixed(), orderRef: o.chainRef, merchant: o.chainMerchant,
    confirmations: { seen, required }, txHash: funding?.txHash ?? null,
  };
}

export function buyerView(ctx: MoneyContext, o: OrderRow) {
  const code = o.deliveryCode;
  const shown = code && !code.consumedAt && o.status === "fulfilling" ? storedDeliveryCode(secretsOf(ctx.config), o.id, code.nonce, code.codeHash) : null;
  const rail = ctx.rails.settler(o.rail, o);
  return {
    ...common(o),
    payment: chainPayment(ctx, o),
    paymentInstructions: o.status === "pending_payment" && rail ? rail.instructions({ id: o.id, tenantId: o.tenantId, total: o.total.toFixed(), currency: o.currency, chainRef: o.chainRef }) : null,
    sandboxPay: o.status === "pending_payment" && ctx.config.sandbox && Boolean(rail?.fund),
    canDispute: o.rail === "escrow" && ["escrow_funded", "fulfilling", "delivered"].includes(o.status),
    deliveryCode: shown && code ? { code: shown, expiresAt: code.expiresAt } : null,
  };
}

export function merchantView(o: OrderRow) {
  return {
    ...common(o),
    // On-chain orders: every transaction the indexer saw for it (funding, release/refund) and the arbiter's payout.
    chain: o.chainRef ? { orderRef: o.chainRef, merchant: o.chainMerchant, amountBaseUnits: o.chainAmount?.toFixed() ?? null, head: o.chainHead, txs: o.chainTxs, payout: o.chainPayout } : null,
    feeBps: o.feeBps,
    feeAmount: o.feeAmount.toFixed(),
    guestEmail: o.guestEmail,
    shippingAddress: o.shippingAddress,
    acknowledgedNoEscrow: o.acknowledgedNoEscrow,
    paidAt: o.paidAt, shippedAt: o.shippedAt, deliveredAt: o.deliveredAt, releaseAfter: o.releaseAfter, closedAt: o.closedAt,
    evidenceNote: o.intent?.evidenceNote ?? null,
    escrow: o.escrow ? { ...common(o).escrow!, releasedAmount: dec(o.escrow.releasedAmount), refundedAmount: dec(o.escrow.refundedAmount), feeAmount: dec(o.escrow.feeAmount) } : null,
    // Whether a code is waiting for the merchant to type in; the code itself is never here.
    deliveryCodePending: Boolean(o.deliveryCode && !o.deliveryCode.consumedAt),
    disputes: o.disputes.map((d) => ({ id: d.id, status: d.status, reason: d.reason, resolution: d.resolution, openedAt: d.openedAt, resolvedAt: d.resolvedAt })),
  };
}
