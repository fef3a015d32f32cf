/**
 * Template data for outbox rows that carry only a reference (ADR 029): the order_events trigger writes
 * {orderId, event, from}; this builds the order mail's data from the order itself, under the row's tenant (the
 * tenant floor is in every WHERE), just before the mail service renders the row. Rows with full data pass through.
 */
import type { PrismaClient } from "@prisma/client";
import { secretsOf, storedOrderToken, trackingView } from "#server/money/index.ts";
import type { MailAttachmentRef } from "./types.ts";
import { shopOriginForOrder, type MailLinks } from "./order-links.ts";

/** The outbox row as the mail service hands it over. */
export interface PrepareRow {
  tenantId: string | null;
  template: string;
  data: unknown;
  attachments?: unknown;
}

export interface PrepareDeps {
  prisma: PrismaClient;
  /** MONEY_SECRET and the retired ones: the buyer's link is derived again from the stored checkout (never stored). */
  money: { secret: string; oldSecrets: string[] };
  links: MailLinks;
  /** Whether the shop shows the platform fee to buyers (its invoice setting, ADR 028); default: not shown. */
  showsPlatformFee?: (tenantId: string) => Promise<boolean>;
}

const ORDER_REF = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface OrderFacts {
  id: string; tenant_id: string; status: string; rail: "escrow" | "direct" | "external_provider" | "manual_invoice"; currency: string;
  subtotal: string; total: string; fee_amount: string; shipping_amount: string; tax_amount: string; prices_include_tax: boolean;
  has_shipping_method: boolean; created_at: Date; expires_at: Date; paid_at: Date | null; shipped_at: Date | null;
  tracking_carrier: string | null; tracking_carrier_name: string | null; tracking_number: string | null; tracking_url: string | null;
  release_after: Date | null; requires_shipping: boolean; idempotency_key: string; request_hash: string; token_hash: string;
  checkout_origin: string | null; slug: string; hosts: string[]; primary_host: string | null; card_business_name: string | null;
  dispute_reason: string | null; lines: { title: string; quantity: number; unitPrice: string; lineTotal: string }[];
}

async function loadOrderFacts(prisma: PrismaClient, tenantId: string, orderId: string) {
  const [row] = await prisma.$queryRaw<OrderFacts[]>`
    SELECT o.id::text, o.tenant_id::text, o.status::text, o.rail::text, o.currency, o.subtotal::text, o.total::text, o.fee_amount::text,
      o.shipping_amount::text, o.tax_amount::text, o.prices_include_tax, o.shipping_method IS NOT NULL AS has_shipping_method, o.created_at, o.expires_at, o.paid_at, o.shipped_at, o.release_after, o.requires_shipping, o.idempotency_key, o.request_hash,
      o.token_hash, o.checkout_origin, t.slug, o.tracking_carrier, o.tracking_carrier_name, o.tracking_number, o.tracking_url,
      coalesce((SELECT array_agg(lower(d.hostname)) FROM tenant_domains d WHERE d.tenant_id = o.tenant_id AND d.status IN ('active', 'degraded')), '{}') AS hosts,
      (SELECT d.hostname FROM tenant_domains d WHERE d.tenant_id = o.tenant_id AND d.is_primary AND d.status IN ('active', 'degraded') LIMIT 1) AS primary_host,
      (SELECT coalesce(i.business_name, i.account_id) FROM stripe_checkouts s JOIN tenant_integrations i ON i.tenant_id = s.tenant_id AND i.id = s.integration_id
        WHERE s.tenant_id = o.tenant_id AND s.order_id = o.id) AS card_business_name,
      (SELECT d.reason FROM disputes d WHERE d.tenant_id = o.tenant_id AND d.order_id = o.id ORDER BY d.opened_at DESC LIMIT 1) AS dispute_reason,
      coalesce((SELECT json_agg(json_build_object('title', l.title, 'quantity', l.quantity, 'unitPrice', l.unit_price::text, 'lineTotal', l.line_total::text) ORDER BY l.title, l.id)
        FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id), '[]') AS lines
    FROM orders o JOIN tenants t ON t.id = o.tenant_id
    WHERE o.tenant_id = ${tenantId}::uuid AND o.id = ${orderId}::uuid`;
  if (!row) throw new Error(`order mail: no order ${orderId} in shop ${tenantId}`);
  return row;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The order mail's data for one outbox row written by the order_events trigger. */
export async function prepareOrderMail(deps: PrepareDeps, row: PrepareRow & { tenantId: string }): Promise<Record<string, unknown>> {
  const ref = row.data as { orderId: string; event: string; from: string | null; refundId?: string };
  const o = await loadOrderFacts(deps.prisma, row.tenantId, ref.orderId);
  const core = {
    orderNumber: o.id.slice(0, 8).toUpperCase(), currency: o.currency, lines: o.lines, subtotal: o.subtotal, total: o.total, rail: o.rail,
    // Shipping and tax lines (ADR 035), only on orders that have them.
    shipping: o.has_shipping_method || /[1-9]/.test(o.shipping_amount) ? o.shipping_amount : null,
    tax: /[1-9]/.test(o.tax_amount) ? { amount: o.tax_amount, included: o.prices_include_tax } : null,
  };
  if (row.template.startsWith("merchant.")) {
    const merchant = { ...core, fee: null, dashboardUrl: `${deps.links.platformOrigin()}/dashboard/${o.tenant_id}/orders/${o.id}` };
    if (row.template === "merchant.new_order") return { ...merchant, requiresShipping: o.requires_shipping };
    if (row.template === "merchant.dispute_opened") return { ...merchant, reason: o.dispute_reason };
    return merchant;
  }
  const token = storedOrderToken(secretsOf(deps.money), o.tenant_id, o.idempotency_key, o.request_hash, o.token_hash);
  // Only when every secret that could have made the link is gone; the mail then fails with this reason.
  if (!token) throw new Error(`order mail: the link of order ${o.id} was made under a retired MONEY_SECRET`);
  const orderUrl = `${shopOriginForOrder(deps.links, o)}/orders/${token}`;
  if (row.template === "order.delivery_code") return { orderNumber: core.orderNumber, rail: o.rail, orderUrl };
  const showFee = (await deps.showsPlatformFee?.(o.tenant_id)) ?? false;
  const buyer = { ...core, placedAt: o.created_at.toISOString(), fee: showFee ? o.fee_amount : null, cardBusinessName: o.card_business_name, orderUrl };
  switch (row.template) {
    case "order.confirmation":
      // Rendered a moment after checkout: an order paid meanwhile gets no "pay by" line.
      return { ...buyer, payBy: o.status === "pending_payment" ? iso(o.expires_at) : null };
    case "order.payment_received": {
      const attachments = (Array.isArray(row.attachments) ? row.attachments : []) as MailAttachmentRef[];
      return { ...buyer, paidAt: iso(o.paid_at ?? o.created_at), invoiceAttached: attachments.some((a) => a.kind === "invoice") };
    }
    case "order.shipped":
      return {
        ...buyer, shippedAt: iso(o.shipped_at ?? new Date()),
        tracking: trackingView({ trackingCarrier: o.tracking_carrier, trackingCarrierName: o.tracking_carrier_name, trackingNumber: o.tracking_number, trackingUrl: o.tracking_url }),
      };
    case "order.delivered":
      return { ...buyer, releaseAfter: iso(o.release_after) };
    case "order.refunded": {
      // A partial merchant refund (ADR 040) names its own amount; a closing refund the order's total.
      const part = ref.refundId ? await deps.prisma.orderRefund.findFirst({ where: { id: ref.refundId, tenantId: row.tenantId, orderId: o.id }, select: { amount: true } }) : null;
      return { ...buyer, fromDispute: ref.from === "disputed", ...(part ? { total: part.amount.toFixed() } : {}) };
    }
    default:
      return buyer;
  }
}

/** Whether the row is order mail written by the trigger: its data is a reference to the order, nothing more. */
function isOrderRef(row: PrepareRow): row is PrepareRow & { tenantId: string } {
  const d = row.data as { orderId?: unknown; event?: unknown } | null;
  return row.tenantId !== null && /^(order|merchant)\./.test(row.template) && typeof d?.orderId === "string" && ORDER_REF.test(d.orderId) && typeof d.event === "string";
}

/**
 * The mail service's `prepare` dependency (services.ts passes `createPrepare({...})` to MailService): the data a
 * row's template renders with.
 */
export function createPrepare(deps: PrepareDeps) {
  return async (row: PrepareRow): Promise<Record<string, unknown>> => (isOrderRef(row) ? prepareOrderMail(deps, row) : (row.data as Record<string, unknown>));
}
