/** Merchant order routes (ORD, docs/money.md): owners, managers, finance and support read; owners and managers fulfil; owners and finance mark invoices paid. */
import { z } from "zod";
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { EVIDENCE_MAX_BYTES } from "#server/uploads/index.ts";
import { ApiError } from "#server/http/index.ts";
import { deliveryCodeSchema, idempotencyKeySchema, markPaidSchema, orderCancelSchema, orderRefundSchema, orderListQuerySchema, platformFeeSchema, trackingSchema } from "#server/money/index.ts";
import { feeStatementRoutes } from "./fee-statements.ts";

const orderParams = tenantParams.extend({ orderId: z.uuid() });
const readers = { tenant: { action: "orders.read" as const, operator: true, breakGlass: true } };
const members = { tenant: { action: "platformFee.read" as const, operator: true } };
/** Evidence may show a buyer's bank details: the shop's own members only, not operators (ADR 025). */
const evidenceReaders = { tenant: { action: "orders.read" as const, operator: false } };
const fulfillers = { tenant: { action: "orders.ship" as const, operator: false } };
const refunders = { tenant: { action: "orders.refund" as const, operator: false } };

/** A refund's idempotency key: the header, else the form's `key`; one of them is required (a retried refund must not pay twice). */
function refundKey(header: string | undefined, fromBody: string | undefined) {
  const key = idempotencyKeySchema.safeParse(header ?? fromBody);
  if (key.success) return key.data;
  const message = key.error.issues[0]!.message;
  throw new ApiError(400, "VALIDATION_ERROR", message, { issues: [{ in: header === undefined ? "body" : "header", path: header === undefined ? "key" : "Idempotency-Key", message }] });
}

export function orderRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/orders", tag: "orders", summary: "List orders (filters: status, rail, email; newest first)",
      auth: readers, params: tenantParams, query: orderListQuerySchema,
      async handler({ params, query, services }) {
        return services.money.listOrders(params.tenantId, query);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/orders/:orderId", tag: "orders", summary: "One order with its timeline and ledger postings",
      auth: readers, params: orderParams,
      async handler({ params, services }) {
        return services.money.merchantOrder(params.tenantId, params.orderId);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/orders/:orderId/ship", tag: "orders",
      summary: "Mark shipped, optionally with carrier and tracking number (issues the buyer's delivery code)",
      auth: fulfillers, params: orderParams, body: trackingSchema,
      async handler({ params, body, audit, services }) {
        return services.money.ship(audit, params.tenantId, params.orderId, body);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/orders/:orderId/cancel", tag: "orders",
      summary: "Cancel a paid order before it ships (owner, manager): stock back, the buyer refunded once; a repeat is a replay",
      auth: { tenant: { action: "orders.cancel", operator: false } }, params: orderParams, body: orderCancelSchema,
      async handler({ params, body, audit, services }) {
        return services.money.cancel(audit, params.tenantId, params.orderId, body.reason);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/orders/:orderId/refunds", tag: "orders",
      summary: "Refund a delivered or completed order, in full or in part, by lines or amount (owner, finance); idempotent by the Idempotency-Key header or `key`",
      auth: refunders, params: orderParams, body: orderRefundSchema, status: 201,
      async handler({ params, body, audit, services, req, res }) {
        const key = refundKey(req.get("idempotency-key"), body.key);
        const result = await services.money.refund(audit, params.tenantId, params.orderId, body, key);
        if (result.replayed) res.set("Idempotent-Replayed", "true");
        return result;
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/orders/:orderId/refunds", tag: "orders", summary: "The order's merchant refunds, oldest first",
      auth: readers, params: orderParams,
      async handler({ params, services }) {
        return services.money.listRefunds(params.tenantId, params.orderId);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/orders/:orderId/delivery-code", tag: "orders",
      summary: "Enter the buyer's delivery code to mark delivered (single use, 5 attempts per 15 minutes)",
      auth: fulfillers, params: orderParams, body: deliveryCodeSchema,
      async handler({ params, body, audit, services }) {
        return services.money.enterDeliveryCode(audit, params.tenantId, params.orderId, body.code);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/orders/:orderId/mark-paid", tag: "orders", summary: "Mark a manual invoice paid, with an evidence note (owner, finance)",
      auth: { tenant: { action: "orders.markPaid", operator: false } }, params: orderParams, body: markPaidSchema,
      async handler({ params, body, audit, services }) {
        return services.money.markInvoicePaid(audit, params.tenantId, params.orderId, body.evidenceNote, body.evidenceFileId);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/orders/:orderId/evidence", tag: "orders",
      summary: "Attach a payment evidence file to a manual-invoice order (PDF, PNG or JPEG by magic bytes, 5 MB; owner, finance)",
      auth: { tenant: { action: "orders.markPaid", operator: false } }, params: orderParams, status: 201,
      raw: { limit: EVIDENCE_MAX_BYTES + 1, contentType: "application/octet-stream" },
      async handler({ params, rawBody, audit, services }) {
        return services.evidence.save(audit, params.tenantId, params.orderId, rawBody);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/orders/:orderId/evidence", tag: "orders", summary: "The order's payment evidence files (members who read orders)",
      auth: evidenceReaders, params: orderParams,
      async handler({ params, services }) {
        return { items: await services.evidence.list(params.tenantId, params.orderId) };
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/orders/:orderId/evidence/:evidenceId", tag: "orders",
      summary: "Download one evidence file (the shop's members who read orders; never buyers, other shops or operators)",
      auth: evidenceReaders, params: orderParams.extend({ evidenceId: z.uuid() }),
      async handler({ params, services, res }) {
        const file = await services.evidence.read(params.tenantId, params.orderId, params.evidenceId);
        res.set({ "Content-Type": file.contentType, "X-Content-Type-Options": "nosniff", "Content-Disposition": `attachment; filename="${file.name}"`, "Cache-Control": "private, no-store" });
        res.status(200).send(file.bytes);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/orders/:orderId/refund", tag: "orders",
      summary: "Refund a card order through Stripe (owner, finance); the order becomes refunded when Stripe confirms",
      auth: { tenant: { action: "orders.refund", operator: false } }, params: orderParams, status: 202,
      async handler({ params, audit, services }) {
        return services.money.requestCardRefund(audit, params.tenantId, params.orderId);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/platform-fee", tag: "orders", summary: "The platform fee this shop pays (basis points)",
      auth: members, params: tenantParams,
      async handler({ params, services }) {
        return services.money.platformFee(params.tenantId);
      },
    }),
    defineRoute({
      method: "put", path: "/tenants/:tenantId/platform-fee", tag: "operator", summary: "Set the shop's platform fee (operators)",
      auth: { tenant: { action: "platformFee.set", operator: true } }, params: tenantParams, body: platformFeeSchema,
      async handler({ params, body, audit, services }) {
        return services.money.setPlatformFee(audit, params.tenantId, body.platformFeeBps);
      },
    }),
    ...feeStatementRoutes(),
  ];
}
