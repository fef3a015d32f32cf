/** Money input schemas, shared by the JSON API and the Remix loaders/actions. Unknown keys (a client's "price" or
 * "total") are stripped: the server prices every cart itself (ORD-1). */
import { z } from "zod";
import { PAYMENT_RAILS } from "#server/tenancy/shared.ts";
import { beforeCursorSchema } from "#server/db/index.ts";
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from "#server/catalog/shared.ts";
import { MAIL_LOCALES } from "#server/mail/shared.ts";

export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{8,200}$/, "Send an Idempotency-Key header of 8–200 characters (letters, digits, _ . : -).");

export const shippingAddressSchema = z.object({
  name: z.string().trim().min(1).max(120),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  region: z.string().trim().max(100).optional(),
  postalCode: z.string().trim().min(1).max(20),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, "Use a two-letter country code."),
});

export const checkoutSchema = z.object({
  items: z
    .array(z.object({ itemId: z.uuid(), quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY) }))
    .min(1, "The cart is empty.")
    .max(MAX_ORDER_LINES)
    .refine((items) => new Set(items.map((i) => i.itemId)).size === items.length, "Each item may appear once; use the quantity."),
  rail: z.enum(PAYMENT_RAILS).optional(),
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  shippingAddress: shippingAddressSchema.optional(),
  acknowledgeNoEscrow: z.boolean().default(false),
  /** The chosen shipping method's id (ADR 035); the server prices it, so no shipping amount is ever read. */
  shippingMethodId: z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/, "Choose a shipping method.").optional(),
  /** The buyer's country for tax when nothing is shipped (digital-only carts); a shipped cart's is its address's. */
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, "Use a two-letter country code.").optional(),
  /** The language of the page the buyer checked out on ("fa", "fa-IR"); mail about the order is written in it. */
  locale: z.string().trim().max(35).regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/, "Use a language tag like en or fa-IR.")
    .transform((tag) => MAIL_LOCALES.find((l) => l === tag.toLowerCase().split(/[-_]/)[0])).optional(),
});
export type CheckoutInput = z.infer<typeof checkoutSchema>;

export const deliveryCodeSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, "The delivery code has 6 digits.") });
/** A merchant cancel (ADR 036): the reason goes to the audit log. */
export const orderCancelSchema = z.object({ reason: z.string().trim().min(3, "Say why the order is cancelled.").max(500) });
/**
 * A merchant refund after delivery (ADR 040): by lines (quantities of order lines, priced at what was paid for them)
 * or by an amount, with a reason. `key` is the client's idempotency key when no Idempotency-Key header is sent (forms).
 */
export const orderRefundSchema = z.object({
  reason: z.string().trim().min(3, "Say why the order is refunded.").max(500),
  amount: z.string().trim().regex(/^\d{1,20}(\.\d{1,18})?$/, "Give the amount as a decimal number, e.g. 12.50.").optional(),
  lines: z.array(z.object({ lineId: z.uuid(), quantity: z.number().int().min(1).max(1_000_000) })).min(1).max(MAX_ORDER_LINES)
    .refine((lines) => new Set(lines.map((l) => l.lineId)).size === lines.length, "Each line may appear once; use the quantity.").optional(),
  key: idempotencyKeySchema.optional(),
}).refine((r) => (r.amount === undefined) !== (r.lines === undefined), { message: "Refund either lines or an amount, not both.", path: ["amount"] });
export type OrderRefundInput = z.infer<typeof orderRefundSchema>;
export const disputeOpenSchema = z.object({ reason: z.string().trim().min(3).max(2000) });
export const disputeResolveSchema = z.object({ resolution: z.enum(["release", "refund"]), note: z.string().trim().min(3).max(2000) });
export const markPaidSchema = z.object({
  evidenceNote: z.string().trim().min(3, "Describe the payment evidence.").max(2000),
  // A file uploaded first to POST /tenants/:id/orders/:orderId/evidence (ADR 025); optional.
  evidenceFileId: z.uuid().optional(),
});
export const killSwitchSchema = z.object({
  tenantId: z.uuid().nullable().default(null),
  engaged: z.boolean(),
  reason: z.string().trim().min(3).max(500),
});
/** Clear the chain indexer's halt; `rescanFromBlock` re-reads the chain from that block (not past the last scanned one). */
export const chainClearHaltSchema = z.object({ rescanFromBlock: z.number().int().min(0).optional() });
export const platformFeeSchema = z.object({ platformFeeBps: z.number().int().min(0).max(10_000) });

export const ORDER_STATUSES = [
  "draft", "pending_payment", "escrow_funded", "paid", "fulfilling", "delivered", "completed", "expired", "cancelled", "disputed", "refunded",
] as const;
export const orderListQuerySchema = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  rail: z.enum(PAYMENT_RAILS).optional(),
  email: z.string().trim().toLowerCase().max(254).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  /** The id of the last order of the previous page (newest first). */
  before: beforeCursorSchema.optional(),
});
export type OrderListQuery = z.infer<typeof orderListQuerySchema>;

/** Platform fee statements (ADR 025). */
export const feeMonthSchema = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, "Use a month like 2026-11.");
export const feeStatementsQuerySchema = z.object({ month: feeMonthSchema.optional(), status: z.enum(["open", "settled"]).optional() });
export const feeSettleSchema = z.object({ note: z.string().trim().min(3, "Say how the shop paid (e.g. the bank reference).").max(500) });
