/**
 * Browser-safe parts of the mail module (ADR 027): the shop sender's form schema and how the dashboard names
 * templates and outbox states. Imports nothing server-only.
 */
import { z } from "zod";

/** implicit: TLS from the first byte (usually port 465); starttls: upgrade required (587); none: development only. */
export const SMTP_TLS_MODES = ["implicit", "starttls", "none"] as const;
export type SmtpTlsMode = (typeof SMTP_TLS_MODES)[number];

export const SMTP_TLS_LABELS: Record<SmtpTlsMode, string> = {
  implicit: "Implicit TLS (port 465)",
  starttls: "STARTTLS required (port 587)",
  none: "No encryption (development only)",
};

// A hostname (letters, digits, hyphens, dots) or an IPv4/IPv6 literal; whether it may be reached is checked server-side.
const hostPattern = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[?[0-9a-f:.]+\]?$/;

/** PUT /api/tenants/:id/notifications/sender and the Notifications page's form. The password may be left out on update. */
export const saveShopSenderSchema = z.object({
  host: z.string().trim().toLowerCase().min(1, "Enter the SMTP server's host name.").max(253).regex(hostPattern, "Enter a host name such as smtp.example.com."),
  port: z.coerce.number().int("The port is a whole number.").min(1, "Ports run from 1 to 65535.").max(65535, "Ports run from 1 to 65535."),
  user: z.string().trim().min(1, "Enter the SMTP user name.").max(320),
  password: z.string().min(1).max(1000).optional(),
  fromAddress: z.email("Enter the address your shop's mail comes from, e.g. orders@example.com.").max(254).toLowerCase(),
  fromName: z.string().trim().max(100).optional(),
  tls: z.enum(SMTP_TLS_MODES),
  enabled: z.boolean().default(true),
});
export type SaveShopSenderInput = z.infer<typeof saveShopSenderSchema>;

/** Outbox rows as the dashboard lists them: the template in words. */
export const MAIL_TEMPLATE_LABELS: Record<string, string> = {
  "shop.test_email": "Test email",
  "order.confirmation": "Order confirmation",
  "order.payment_received": "Payment received",
  "order.shipped": "Order shipped",
  "order.delivery_code": "Delivery code reminder",
  "order.delivered": "Order delivered",
  "order.dispute_opened": "Dispute opened",
  "order.dispute_resolved": "Dispute resolved",
  "order.refunded": "Refund",
  "merchant.new_order": "New order (to the team)",
  "merchant.payment_received": "Payment received (to the team)",
  "merchant.dispute_opened": "Dispute opened (to the team)",
  "merchant.domain_problem": "Domain problem",
  "merchant.certificate_expiring": "Certificate expiring",
  "merchant.bot_suspended": "Bot suspended",
  "team.invitation": "Team invitation",
  "team.role_granted": "Role granted",
  "team.role_revoked": "Role revoked",
  "account.verify_email": "Verify email",
  "account.password_reset": "Password reset",
  "account.new_device": "New sign-in",
};

export const mailTemplateLabel = (template: string) => MAIL_TEMPLATE_LABELS[template] ?? template;

/** `jane@example.com` → `j•••@example.com`, for members who may not read buyers' details. */
export function maskEmail(address: string) {
  const at = address.lastIndexOf("@");
  if (at < 1) return "•••";
  return `${address[0]}•••${address.slice(at)}`;
}

/** The languages mail is written in, for forms and other modules' schemas. */
export { MAIL_LOCALES, mailLocale, type MailLocale } from "./types.ts";
