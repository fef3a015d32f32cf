/** How orders look to buyers (by link) and to merchants. The delivery code is only ever in the buyer's view. */
import type { Prisma } from "@prisma/client";
import type { MoneyContext } from "./context.ts";
import { deliveryCode } from "./secrets.ts";

export const orderSelect = {
  id: true, tenantId: true, status: true, rail: true, currency: true, subtotal: true, total: true, feeBps: true, feeAmount: true,
  guestEmail: true, shippingAddress: true, requiresShipping: true, acknowledgedNoEscrow: true, expiresAt: true, paidAt: true,
  shippedAt: true, deliveredAt: true, releaseAfter: true, closedAt: true, createdAt: true,
  lines: { select: { itemId: true, title: true, category: true, kind: true, unitPrice: true, quantity: true, lineTotal: true } },
  events: { select: { fromStatus: true, toStatus: true, createdAt: true }, orderBy: { createdAt: "asc" as const } },
  escrow: { select: { status: true, amount: true, releasedAmount: true, refundedAmount: true, feeAmount: true, heldAt: true, settledAt: true } },
  intent: { select: { status: true, evidenceNote: true } },
  disputes: { select: { id: true, status: true, reason: true, resolution: true, openedAt: true, resolvedAt: true }, orderBy: { openedAt: "asc" as const } },
  deliveryCode: { select: { nonce: true, expiresAt: true, consumedAt: true } },
} satisfies Prisma.OrderSelect;
export type OrderRow = Prisma.OrderGetPayload<{ select: typeof orderSelect }>;

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

export function buyerView(ctx: MoneyContext, o: OrderRow) {
  const code = o.deliveryCode;
  const showCode = code && !code.consumedAt && o.status === "fulfilling";
  const rail = ctx.rails.settler(o.rail);
  return {
    ...common(o),
    paymentInstructions: o.status === "pending_payment" && rail ? rail.instructions({ id: o.id, tenantId: o.tenantId, total: o.total.toFixed(), currency: o.currency }) : null,
    sandboxPay: o.status === "pending_payment" && ctx.config.sandbox && Boolean(rail?.fund),
    canDispute: o.rail === "escrow" && ["escrow_funded", "fulfilling", "delivered"].includes(o.status),
    deliveryCode: showCode ? { code: deliveryCode(ctx.config.secret, o.id, code.nonce), expiresAt: code.expiresAt } : null,
  };
}

export function merchantView(o: OrderRow) {
  return {
    ...common(o),
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
