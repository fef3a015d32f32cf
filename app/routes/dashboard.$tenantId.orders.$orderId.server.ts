/**
 * Server side of one order in the dashboard: MoneyService.merchantOrder shaped for the page (ISO dates, the ledger
 * split into debit and credit columns, what this member may do now) and the page's three actions. The delivery
 * code is never in any of it: merchantOrder does not return it.
 */
import { countryName } from "#server/shipping/shared.ts";
import type { AppLoadContext, SerializeFrom } from "@remix-run/node";
import type { TenantRole } from "@prisma/client";
import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { randomUUID } from "node:crypto";
import { deliveryCodeSchema, fromUnits, idempotencyKeySchema, markPaidSchema, orderCancelSchema, orderRefundSchema, percentOfBps, shippingAddressSchema, toUnits, trackingSchema, CARRIER_OPTIONS } from "#server/money/index.ts";
import { ApiError } from "#server/http/index.ts";
import { can, type TenantAction } from "#server/auth/index.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { replyWithApiError, rethrowAsResponse } from "#app/utils/api-error.server.ts";
import { chainActivityOf } from "#app/utils/chain-activity.server.ts";
import type { LedgerPostingView } from "#app/components/orders/ledger-table.tsx";

type MerchantOrder = Awaited<ReturnType<AppLoadContext["services"]["money"]["merchantOrder"]>>;

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const orderIdSchema = z.uuid();

const ACCOUNT_LABELS: Record<string, string> = {
  buyer_clearing: "Buyer clearing (this order)",
  escrow: "Escrow (held for the shop)",
  merchant_payable: "Shop payable",
  platform_fees: "Platform fees",
  merchant_fee_receivable: "Platform fee owed (billed monthly)",
  external: "Outside the platform",
};

const FLOW_ORDER = ["external", "buyer_clearing", "escrow", "merchant_payable", "merchant_fee_receivable", "platform_fees"];

/** Entry account keys are `kind[:scope]:tenant:currency`; the external account's scope is the rail. */
function accountLabel(kind: string, key: string) {
  const label = ACCOUNT_LABELS[kind] ?? kind;
  const scope = key.split(":").slice(1, -2).join(":");
  return kind === "external" && scope ? `${label} (${scope.replace(/_/g, " ")} rail)` : label;
}

function ledgerView(ledger: MerchantOrder["ledger"], currency: string): LedgerPostingView[] {
  return ledger.map((p) => {
    // Debits first, then credits, each in the order money flows (outside → clearing → escrow → shop and fees).
    const rank = (e: (typeof p.entries)[number]) => (e.amount.startsWith("-") ? 0 : 10) + FLOW_ORDER.indexOf(e.account);
    const sorted = [...p.entries].sort((x, y) => rank(x) - rank(y));
    let debit = 0n;
    let credit = 0n;
    const entries = sorted.map((e) => {
      const units = toUnits(e.amount);
      if (units < 0n) debit -= units;
      else credit += units;
      return {
        account: accountLabel(e.account, e.accountKey),
        kind: e.account,
        accountKey: e.accountKey,
        debit: units < 0n ? fromUnits(-units) : null,
        credit: units >= 0n ? fromUnits(units) : null,
      };
    });
    // Net movement per account kind, for the posting's one-line summary in the merchant's words.
    const net = (kind: string) => fromUnits(p.entries.filter((e) => e.account === kind).reduce((sum, e) => sum + toUnits(e.amount), 0n));
    const effects = { escrow: net("escrow"), payable: net("merchant_payable"), fees: net("platform_fees"), outside: net("external"), owed: net("merchant_fee_receivable") };
    return { key: p.key, kind: p.kind, at: p.at.toISOString(), currency: p.entries[0]?.currency ?? currency, entries, effects, totalDebit: fromUnits(debit), totalCredit: fromUnits(credit), balanced: debit === credit };
  });
}

export async function loadMerchantOrder(context: AppLoadContext, tenantId: string, rawOrderId: string | undefined, roles: readonly TenantRole[]) {
  const orderId = orderIdSchema.safeParse(rawOrderId);
  if (!orderId.success) throw new Response("No such order.", { status: 404 });
  const { money } = context.services;
  const [o, documents, digital] = await Promise.all([
    money.merchantOrder(tenantId, orderId.data).catch(rethrowAsResponse),
    context.services.documents.forOrder(tenantId, orderId.data),
    // ADR 039: what each digital line handed over and how often its file was downloaded.
    context.services.digital.merchantGrants(tenantId, orderId.data).catch(rethrowAsResponse),
  ]);
  // Plain links to the member API: the dashboard's session cookie authenticates a GET on the platform host.
  const documentHref = (segment: string) => `/api/tenants/${tenantId}/orders/${orderId.data}/${segment}`;
  const address = shippingAddressSchema.safeParse(o.shippingAddress);
  const fulfiller = can(roles, "orders.ship");
  return {
    digital: digital.map((d) => ({ ...d, lastDownloadAt: d.lastDownloadAt?.toISOString() ?? null, openedAt: d.openedAt?.toISOString() ?? null })),
    order: {
      id: o.id,
      status: o.status,
      rail: o.rail,
      protection: o.protection,
      currency: o.currency,
      subtotal: o.subtotal,
      // Shipping and tax as their own lines (ADR 035).
      shipping: o.shipping,
      tax: o.tax,
      total: o.total,
      fee: { amount: o.feeAmount, percent: percentOfBps(o.feeBps) },
      net: fromUnits(toUnits(o.total) - toUnits(o.feeAmount)),
      email: o.guestEmail,
      address: address.success ? { ...address.data, countryName: countryName(address.data.country, "en") } : null,
      acknowledgedNoEscrow: o.acknowledgedNoEscrow,
      lines: o.lines.map((l) => ({ id: l.id, itemId: l.itemId, title: l.title, kind: l.kind, unitPrice: l.unitPrice, quantity: l.quantity, lineTotal: l.lineTotal })),
      timeline: o.timeline.map((e) => ({ from: e.from, to: e.to, at: e.at.toISOString() })),
      createdAt: o.createdAt.toISOString(),
      expiresAt: iso(o.expiresAt),
      paidAt: iso(o.paidAt),
      shippedAt: iso(o.shippedAt),
      tracking: o.tracking,
      deliveredAt: iso(o.deliveredAt),
      releaseAfter: iso(o.releaseAfter),
      evidenceNote: o.evidenceNote,
      deliveryCodePending: o.deliveryCodePending,
      escrow: o.escrow
        ? { status: o.escrow.status, amount: o.escrow.amount, releasedAmount: o.escrow.releasedAmount, refundedAmount: o.escrow.refundedAmount, heldAt: iso(o.escrow.heldAt), settledAt: iso(o.escrow.settledAt) }
        : null,
      // Merchant refunds after delivery (ADR 040), oldest first, with the lines' titles.
      refunds: o.refunds.map((r) => ({
        id: r.id, amount: r.amount, reason: r.reason, source: r.source, createdAt: r.createdAt.toISOString(),
        lines: r.lines?.map((l) => ({ title: o.lines.find((x) => x.id === l.lineId)?.title ?? "Line", quantity: l.quantity, amount: l.amount })) ?? null,
      })),
      refundable: fromUnits(toUnits(o.total) - o.refunds.reduce((sum, r) => sum + toUnits(r.amount), 0n)),
      disputes: o.disputes.map((d) => ({ id: d.id, status: d.status, reason: d.reason, resolution: d.resolution, openedAt: d.openedAt.toISOString(), resolvedAt: iso(d.resolvedAt) })),
    },
    documents: {
      invoice: documents.invoice ? { ...documents.invoice, href: documentHref("invoice") } : null,
      creditNote: documents.creditNote ? { ...documents.creditNote, href: documentHref("credit-note") } : null,
    },
    ledger: ledgerView(o.ledger, o.currency),
    carriers: CARRIER_OPTIONS,
    chain: chainActivityOf(context, o.chain),
    can: {
      ship: fulfiller && (o.status === "escrow_funded" || o.status === "paid"),
      enterCode: fulfiller && o.status === "fulfilling",
      markPaid: can(roles, "orders.markPaid") && o.rail === "manual_invoice" && o.status === "pending_payment",
      // Merchant cancel (ADR 036): paid, not shipped, on a rail whose refund the platform makes.
      // An unpaid manual invoice too (ADR 040): no money moved, the stock comes back.
      cancel: can(roles, "orders.cancel") && (((o.status === "escrow_funded" || o.status === "paid") && (o.rail === "escrow" || o.rail === "direct") && !o.chain)
        || (o.rail === "manual_invoice" && o.status === "pending_payment")),
      // Merchant refund after delivery (ADR 040): the platform's rails only; card and invoice orders have their own way.
      refund: can(roles, "orders.refund") && (o.status === "delivered" || o.status === "completed") && (o.rail === "escrow" || o.rail === "direct"),
    },
    // One key per rendered form: a double submit is one refund (the API's idempotency key).
    refundKey: randomUUID(),
  };
}

/** The order page's data as the browser receives it (JSON). */
export type MerchantOrderView = SerializeFrom<typeof loadMerchantOrder>;

const orderActionSchema = z.discriminatedUnion("intent", [
  trackingSchema.safeExtend({ intent: z.literal("ship") }),
  deliveryCodeSchema.extend({ intent: z.literal("deliver") }),
  markPaidSchema.extend({ intent: z.literal("mark_paid") }),
  orderCancelSchema.extend({ intent: z.literal("cancel") }),
  z.object({
    intent: z.literal("refund"),
    reason: z.string().trim().min(3, "Say why the order is refunded.").max(500),
    amount: orderRefundSchema.shape.amount,
    // One quantity per order line; 0 (or empty) leaves the line out.
    lines: z.array(z.object({ lineId: z.uuid(), quantity: z.number().int().min(0).max(1_000_000).default(0) })).max(100).optional(),
    key: idempotencyKeySchema,
  }),
]);
export type OrderIntent = z.infer<typeof orderActionSchema>["intent"];

const ACTIONS: Record<OrderIntent, TenantAction> = { ship: "orders.ship", deliver: "orders.ship", mark_paid: "orders.markPaid", cancel: "orders.cancel", refund: "orders.refund" };

export interface OrderActionReply {
  intent: string;
  result: SubmissionResult<string[]>;
  status: number;
}

/**
 * One of the page's actions, with the same role rule as the JSON API (a member without it gets a 403). Typed
 * refusals (a wrong, used or expired code, too many attempts, a stale state, payments paused) become form errors.
 */
export async function runOrderAction(context: AppLoadContext, tenantId: string, orderId: string, roles: readonly TenantRole[], formData: FormData): Promise<OrderActionReply> {
  const parsed = parseWithZod(formData, { schema: orderActionSchema });
  // What the member typed as a code is never echoed back in the reply (nor anything else about codes).
  const submission = { ...parsed, reply: (o: Parameters<typeof parsed.reply>[0] = {}) => parsed.reply({ ...o, hideFields: ["code"] }) };
  const intent = String(formData.get("intent") ?? "");
  if (parsed.status !== "success") return { intent, result: submission.reply(), status: 400 };
  const input = parsed.value;
  if (!can(roles, ACTIONS[input.intent])) throw new Response("Your role cannot do this.", { status: 403 });
  if (!orderIdSchema.safeParse(orderId).success) throw new Response("No such order.", { status: 404 });
  const { money } = context.services;
  const actor = auditActor(context);
  try {
    if (input.intent === "ship") await money.ship(actor, tenantId, orderId, input);
    else if (input.intent === "deliver") await money.enterDeliveryCode(actor, tenantId, orderId, input.code);
    else if (input.intent === "cancel") await money.cancel(actor, tenantId, orderId, input.reason);
    else if (input.intent === "refund") {
      const lines = (input.lines ?? []).filter((l) => l.quantity > 0);
      if ((lines.length > 0) === (input.amount !== undefined)) {
        return { intent, result: submission.reply({ fieldErrors: { amount: ["Give quantities of lines or an amount, not both."] } }), status: 400 };
      }
      await money.refund(actor, tenantId, orderId, { reason: input.reason, ...(lines.length ? { lines } : { amount: input.amount }) }, input.key);
    }
    else await money.markInvoicePaid(actor, tenantId, orderId, input.evidenceNote);
  } catch (err) {
    // The kill switch is a 503 but an expected answer here: the member reads it on the form, nothing changed.
    if (err instanceof ApiError && err.code === "KILL_SWITCH_ON") return { intent, result: submission.reply({ formErrors: [err.message] }), status: 423 };
    const result = replyWithApiError(submission, err, { DELIVERY_CODE_INVALID: "code" });
    return { intent, result, status: err instanceof ApiError ? err.status : 400 };
  }
  return { intent, result: submission.reply({ resetForm: true }), status: 200 };
}
