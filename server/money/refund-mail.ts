/**
 * The buyer's mail about a partial refund (ADR 040). A status change writes its mail by trigger (order_mail_enqueue);
 * a partial refund changes no status, so its row is written here, in the refund's transaction, with the same rules:
 * the order's language (else the shop's en/fa), escrow mail sent by the platform, a malformed address skipped. The
 * row carries only a reference ({orderId, event, refundId}); server/mail/prepare.ts fills in the refunded amount.
 */
import type { Tx } from "./money-tx.ts";

export async function enqueueRefundMail(tx: Tx, tenantId: string, orderId: string, refundId: string) {
  await tx.$executeRaw`
    INSERT INTO email_outbox (tenant_id, template, locale, recipient, data, dedupe_key)
    SELECT o.tenant_id, 'order.refunded',
      coalesce(o.locale, CASE WHEN split_part(lower(t.locale_defaults[1]), '-', 1) IN ('en', 'fa') THEN split_part(lower(t.locale_defaults[1]), '-', 1) ELSE 'en' END),
      o.guest_email,
      jsonb_build_object('orderId', o.id, 'event', 'refunded', 'from', NULL, 'refundId', ${refundId}::text)
        || CASE WHEN o.rail = 'escrow' THEN jsonb_build_object('viaPlatform', true) ELSE '{}'::jsonb END,
      'order.refund:' || ${refundId}::text || ':buyer'
    FROM orders o JOIN tenants t ON t.id = o.tenant_id
    WHERE o.tenant_id = ${tenantId}::uuid AND o.id = ${orderId}::uuid
      AND length(o.guest_email) <= 320 AND o.guest_email ~ '^[^@[:space:]]+@[^@[:space:]]+$'
    ON CONFLICT (dedupe_key) DO NOTHING`;
}
