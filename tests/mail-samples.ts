/**
 * Sample data for every registered mail template, by name (tests/mail-templates.test.ts renders each in every
 * language and fails for a template without a sample here). Helpers adding templates add their sample.
 */
import type { MailBrand } from "#server/mail/index.ts";

export const SAMPLE_BRAND: MailBrand = { name: "Lamp & Co", logoUrl: null, primaryColor: "#1f2937", accentColor: "#b45309" };

const order = {
  orderNumber: "3F2A91BC",
  placedAt: "2026-12-07T10:15:00.000Z",
  currency: "USD",
  lines: [
    { title: "Brass desk lamp", quantity: 2, unitPrice: "40.00", lineTotal: "80.00" },
    { title: "E-book: Light at home", quantity: 1, unitPrice: "9.99", lineTotal: "9.99" },
  ],
  subtotal: "89.99",
  total: "89.99",
  fee: "2.25",
  rail: "escrow",
  cardBusinessName: null,
  orderUrl: "https://lamps.example.com/orders/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
} as const;
const merchant = {
  orderNumber: order.orderNumber, currency: order.currency, lines: order.lines, subtotal: order.subtotal, total: order.total, fee: null, rail: order.rail,
  dashboardUrl: "https://platform.example.com/dashboard/7d0c1f5e-2b1a-4c3d-9e8f-001122334455/orders/9b2f3a1c-0000-4000-8000-000000000001",
};
const domains = "https://platform.example.com/dashboard/7d0c1f5e-2b1a-4c3d-9e8f-001122334455/domains";

export const SAMPLES: Record<string, Record<string, unknown>> = {
  "shop.test_email": { senderLabel: "smtp.example.com as orders@lamps.example.com" },
  "shop.announcement": {
    shopName: "Lamps & Co", body: "Winter sale: 20% off every lamp until Sunday.\n\nFree shipping over $50.",
    unsubscribeUrl: "https://lamps.example.com/unsubscribe/9b2f3a1c-0000-4000-8000-000000000002/sig",
  },
  "order.confirmation": { ...order, payBy: "2026-12-07T10:45:00.000Z" },
  "order.payment_received": { ...order, paidAt: "2026-12-07T10:20:00.000Z", invoiceAttached: true },
  "order.shipped": { ...order, shippedAt: "2026-12-08T09:00:00.000Z", tracking: { carrier: "Post", number: "RR123456789IR", url: "https://tracking.example.com/RR123456789IR" } },
  "order.delivery_code": { orderNumber: order.orderNumber, rail: order.rail, orderUrl: order.orderUrl },
  "order.delivered": { ...order, releaseAfter: "2026-12-12T09:00:00.000Z" },
  "order.dispute_opened": order,
  "order.dispute_resolved": order,
  "order.refunded": { ...order, fromDispute: true },
  "merchant.new_order": { ...merchant, requiresShipping: true },
  "merchant.payment_received": merchant,
  "merchant.dispute_opened": { ...merchant, reason: "The lamp arrived broken." },
  "merchant.domain_problem": { hostname: "shop.example.com", status: "degraded", deadline: "2026-12-09T10:00:00.000Z", detail: "The CNAME record points at another host.", dashboardUrl: domains },
  "merchant.certificate_expiring": { hostname: "shop.example.com", notAfter: "2026-12-15T00:00:00.000Z", daysLeft: 7, detail: null, dashboardUrl: domains },
  "account.verify_email": { email: "maryam@example.com", verifyUrl: "https://platform.example.com/verify-email?token=abcdefghijklmnopqrstuvwxyz012345", expiresInHours: 48 },
  "account.password_reset": { email: "maryam@example.com", resetUrl: "https://platform.example.com/reset-password?token=abcdefghijklmnopqrstuvwxyz012345", expiresInMinutes: 30, ip: "203.0.113.7" },
  "account.new_device": { email: "maryam@example.com", at: "2026-12-07T10:15:00.000Z", device: "Firefox on Linux", ip: "203.0.113.7", accountUrl: "https://platform.example.com/account" },
  "team.invitation": { shopName: "Lamp & Co", actorName: "owner@lamps.example.com", role: "support", email: "reza@example.com", acceptUrl: "https://platform.example.com/invite/abcdefghijklmnopqrstuvwxyz012345", expiresInDays: 7 },
  "team.role_granted": { shopName: "Lamp & Co", actorName: "owner@lamps.example.com", role: "manager", dashboardUrl: "https://platform.example.com/dashboard/7d0c1f5e-2b1a-4c3d-9e8f-001122334455" },
  "team.role_revoked": { shopName: "Lamp & Co", actorName: "owner@lamps.example.com", role: "finance", dashboardUrl: "https://platform.example.com/dashboard/7d0c1f5e-2b1a-4c3d-9e8f-001122334455" },
  "merchant.bot_suspended": { botUsername: "lamps_bot", detail: "Telegram rejected the token (revoked in @BotFather?).", dashboardUrl: domains.replace("/domains", "/bot") },
};
