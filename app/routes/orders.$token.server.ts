/**
 * The buyer's order page, reached only by its unguessable link on its own shop's host (the money service looks the
 * order up by tenant + token hash, so another shop's host is a 404). Shapes the buyer view for display: labels,
 * the status timeline, and formatted times (formatted here, so server and browser render the same text).
 */
import { countryName } from "#server/shipping/shared.ts";
import type { AppLoadContext } from "@remix-run/node";
import type { OrderStatus } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { shippingAddressSchema } from "#server/money/index.ts";
import { formatPrice } from "#app/components/storefront/money.ts";
import { asHttpError, notFound, requireShop } from "#app/utils/storefront.server.ts";
import { RAIL_COPY } from "./checkout.server.ts";

type BuyerOrder = Awaited<ReturnType<AppLoadContext["services"]["money"]["buyerOrder"]>>;

/** Statuses after which nothing more happens: the page stops polling. */
const FINAL: OrderStatus[] = ["completed", "expired", "cancelled", "refunded"];

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const formatTime = (d: Date | string | null | undefined) => (d ? `${when.format(new Date(d))} UTC` : null);

const HEADLINES: Record<OrderStatus, { title: string; text: string }> = {
  draft: { title: "Order started", text: "This order has not been placed yet." },
  pending_payment: { title: "Waiting for your payment", text: "Your items are reserved. Pay before the time below, or the order is cancelled and nothing is charged." },
  escrow_funded: { title: "Paid — held in escrow", text: "The platform holds your payment. The shop is preparing your order and is paid only after you confirm delivery." },
  paid: { title: "Paid", text: "The shop has your payment and is preparing your order." },
  fulfilling: { title: "On its way", text: "The shop has shipped your order." },
  delivered: { title: "Delivered", text: "Delivery is confirmed." },
  completed: { title: "Completed", text: "This order is complete. Thank you!" },
  expired: { title: "Expired", text: "The order was not paid in time, so it was cancelled. Nothing was charged." },
  cancelled: { title: "Cancelled", text: "This order was cancelled." },
  disputed: { title: "Dispute open", text: "The platform is reviewing your dispute. The payment stays on hold until it is resolved." },
  refunded: { title: "Refunded", text: "Your payment was refunded." },
};

const OFF_PATH: OrderStatus[] = ["expired", "cancelled", "disputed", "refunded"];

interface TimelineStep {
  label: string;
  at: string | null;
  state: "done" | "current" | "upcoming";
  /** The order left the usual path (expired, disputed…): shown as a warning. */
  alert: boolean;
}

const ESCROW_DELIVERED = {
  title: "Delivered",
  text: "Delivery is confirmed. Your payment is released to the shop after a short grace period; if something is wrong, open a dispute now.",
};

/** The usual path of an order; an order that leaves it gets its status as the last step instead of the rest. */
function timelineOf(order: BuyerOrder): TimelineStep[] {
  const escrow = order.rail === "escrow";
  const steps: { label: string; reached: OrderStatus[] }[] = [
    { label: "Order placed", reached: ["pending_payment"] },
    { label: escrow ? "Paid into escrow" : "Paid", reached: ["escrow_funded", "paid"] },
    { label: "Shipped", reached: ["fulfilling"] },
    { label: "Delivered", reached: ["delivered"] },
    { label: escrow ? "Payment released to the shop" : "Completed", reached: ["completed"] },
  ];
  const at = (statuses: OrderStatus[]) => formatTime(order.timeline.find((e) => statuses.includes(e.to as OrderStatus))?.at);
  const reached = steps.map((s) => ({ label: s.label, at: at(s.reached) }));
  const last = reached.map((s) => s.at !== null).lastIndexOf(true);
  const offPath = OFF_PATH.includes(order.status);
  const settled = offPath || order.status === "completed";
  const path = reached.flatMap((s, i): TimelineStep[] => {
    if (i > last) return offPath ? [] : [{ ...s, state: "upcoming", alert: false }];
    return [{ ...s, state: i === last && !settled ? "current" : "done", alert: false }];
  });
  return offPath ? [...path, { label: HEADLINES[order.status].title, at: at([order.status]), state: "current", alert: true }] : path;
}

/** What a wallet that does not know the chain is asked to add (only with a public RPC URL to hand it). */
function walletAddChain(context: AppLoadContext) {
  const chain = context.services.money.chainInfo;
  if (!chain?.publicRpcUrl) return null;
  return { chainName: `Chain ${chain.chainId}`, rpcUrls: [chain.publicRpcUrl], nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 } };
}

/** The shop's bank details for a manual-invoice order awaiting payment, shaped for the panel (ADR 025). */
function invoiceDetails(i: NonNullable<BuyerOrder["paymentInstructions"]>["invoice"]) {
  if (!i) return null;
  return { accountHolder: i.accountHolder, accountNumber: i.accountNumber, bankName: i.bankName, reference: i.reference, amountLabel: formatPrice(i.amount, i.currency), note: i.note };
}

/** The ship-to country's name in the page's language, named on the server only (Node's and Chromium's CLDR differ). */
function withCountryName<T extends { country: string }>(address: T | null, lang: string) {
  return address && { ...address, countryName: countryName(address.country, lang.toLowerCase().startsWith("fa") ? "fa" : "en") };
}

export async function loadBuyerOrder(context: AppLoadContext, token: string) {
  const tenant = requireShop(context);
  if (!TOKEN.test(token)) throw notFound();
  const order = await context.services.money.buyerOrder(tenant.id, token).catch(asHttpError);
  // Issued by the database when the order is paid or refunded (ADR 028); linked only once they exist.
  const [documents, digital] = await Promise.all([
    context.services.documents.forOrder(tenant.id, order.id),
    // ADR 039: keys, links and fresh signed download links; on escrow only once the buyer opened the content.
    context.services.digital.buyerContent(tenant.id, { id: order.id, rail: order.rail, status: order.status }),
  ]);
  return {
    number: order.id.slice(0, 8).toUpperCase(),
    status: order.status,
    headline: order.status === "delivered" && order.rail === "escrow" ? ESCROW_DELIVERED : HEADLINES[order.status],
    final: FINAL.includes(order.status),
    rail: order.rail,
    protection: order.protection,
    totalLabel: formatPrice(order.total, order.currency),
    // Shipping and tax as their own lines (ADR 035); null when the order has none.
    parts: orderParts(order),
    placedAt: formatTime(order.createdAt),
    payBy: formatTime(order.expiresAt),
    lines: order.lines.map((l) => ({
      itemId: l.itemId, title: l.title, quantity: l.quantity, unitPriceLabel: formatPrice(l.unitPrice, order.currency), lineTotalLabel: formatPrice(l.lineTotal, order.currency),
    })),
    timeline: timelineOf(order),
    paymentInstructions: order.paymentInstructions?.text ?? null,
    invoice: invoiceDetails(order.paymentInstructions?.invoice),
    payment: order.payment,
    addChain: walletAddChain(context),
    sandboxPay: order.sandboxPay,
    // Card orders (ADR 024): Stripe's hosted page while unpaid, and the test-mode badge buyers must see.
    card: order.card,
    railName: order.card ? "Card" : RAIL_COPY[order.rail].name,
    canDispute: order.canDispute,
    dispute: order.dispute ? { status: order.dispute.status, resolution: order.dispute.resolution, openedAt: formatTime(order.dispute.openedAt) } : null,
    deliveryCode: order.deliveryCode ? { code: order.deliveryCode.code, expiresAt: formatTime(order.deliveryCode.expiresAt), usable: order.deliveryCode.usable } : null,
    canReissueCode: order.canReissueCode,
    // Issue 22: how it travels (carrier, number, the link from the carrier's template) and where to.
    shipment: { tracking: order.tracking, shipTo: withCountryName(shippingAddressSchema.safeParse(order.shipTo).data ?? null, tenant.localeDefaults[0] ?? "en") },
    digital,
    // The shop's refunds after delivery (ADR 040).
    refunds: order.refunds.map((r) => ({ id: r.id, amountLabel: formatPrice(r.amount, r.currency), at: formatTime(r.createdAt) })),
    documents: {
      invoice: documents.invoice ? { number: documents.invoice.number, href: `/api/storefront/orders/${token}/invoice` } : null,
      creditNote: documents.creditNote ? { number: documents.creditNote.number, href: `/api/storefront/orders/${token}/credit-note` } : null,
    },
  };
}
export type BuyerOrderPage = Awaited<ReturnType<typeof loadBuyerOrder>>;

/**
 * Runs a buyer action on the order; a refusal a buyer can cause (CONFLICT, KILL_SWITCH_ON, a stale page) comes back
 * as a message for the page, an unknown token or a missing sandbox as a 404.
 */
export async function buyerOrderAction(context: AppLoadContext, token: string, act: (tenantId: string) => Promise<unknown>) {
  const tenant = requireShop(context);
  if (!TOKEN.test(token)) throw notFound();
  try {
    await act(tenant.id);
    return { error: null };
  } catch (err) {
    if (err instanceof ApiError && err.status !== 404 && err.status < 500) return { error: err.message };
    return asHttpError(err);
  }
}

/** Sandbox payment: the path exists only with PAYMENTS_SANDBOX=true, like the JSON API's sandbox-pay. */
export function sandboxPayOrder(context: AppLoadContext, token: string) {
  const { money } = context.services;
  if (!money.sandbox) throw notFound();
  return buyerOrderAction(context, token, (tenantId) => money.sandboxPay(tenantId, token));
}

/** A new delivery code (the old one stops working): for a code locked after wrong entries, expired, or lost. */
export function reissueBuyerCode(context: AppLoadContext, token: string) {
  return buyerOrderAction(context, token, (tenantId) => context.services.money.reissueDeliveryCode(tenantId, token));
}

/** On escrow, opening the digital content is the delivery confirmation (ADR 039). */
export function openDigitalContent(context: AppLoadContext, token: string) {
  return buyerOrderAction(context, token, (tenantId) => context.services.money.openDigital(tenantId, token));
}

export function openBuyerDispute(context: AppLoadContext, token: string, reason: string) {
  return buyerOrderAction(context, token, (tenantId) => context.services.money.openDispute(tenantId, token, reason));
}

/** Subtotal, shipping (with the method and its estimate) and tax lines of the buyer's order page (ADR 035). */
function orderParts(order: { currency: string; subtotal: string; shipping: { amount: string; method: { name: string; minDays: number; maxDays: number } | null }; tax: { amount: string; included: boolean } }) {
  const hasShipping = order.shipping.method !== null || /[1-9]/.test(order.shipping.amount);
  const hasTax = /[1-9]/.test(order.tax.amount);
  if (!hasShipping && !hasTax) return null;
  const m = order.shipping.method;
  return {
    subtotalLabel: formatPrice(order.subtotal, order.currency),
    shipping: hasShipping ? { label: formatPrice(order.shipping.amount, order.currency), method: m ? `${m.name} · ${m.minDays}–${m.maxDays} days` : null } : null,
    tax: hasTax ? { label: formatPrice(order.tax.amount, order.currency), included: order.tax.included } : null,
  };
}
