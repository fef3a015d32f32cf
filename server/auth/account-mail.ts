/**
 * The account mails (ADR 030), each enqueued inside the transaction of the event that causes it. Account mail is
 * platform mail (tenantId null); links are built from the origin of the request that caused them.
 */
import type { Prisma } from "@prisma/client";
import { enqueueMail, mailLocale, type MailLocale } from "#server/mail/index.ts";
import { issueAccountToken } from "./account-tokens.ts";

type Tx = Prisma.TransactionClient;

/** Where links point and which language the mail speaks. */
export interface MailContext {
  origin: string;
  locale: MailLocale;
}

export const mailContext = (origin: string, acceptLanguage?: string | null): MailContext => ({
  origin: origin.replace(/\/+$/, ""),
  locale: mailLocale(acceptLanguage?.split(",").map((l) => l.split(";")[0]!.trim())),
});

export async function mailVerification(tx: Tx, user: { id: string; email: string }, ctx: MailContext, ttlMs: number, now: Date) {
  const { id, token } = await issueAccountToken(tx, { userId: user.id, purpose: "verify_email", email: user.email, ttlMs, now });
  await enqueueMail(tx, {
    tenantId: null, template: "account.verify_email", locale: ctx.locale, to: user.email, userId: user.id,
    data: { email: user.email, verifyUrl: `${ctx.origin}/verify-email?token=${token}`, expiresInHours: Math.round(ttlMs / 3_600_000) },
    dedupeKey: `account.verify:${id}:user`,
  });
}

export async function mailPasswordReset(tx: Tx, user: { id: string; email: string }, ctx: MailContext & { ip: string }, ttlMs: number, now: Date) {
  const { id, token } = await issueAccountToken(tx, { userId: user.id, purpose: "password_reset", email: user.email, ttlMs, now });
  await enqueueMail(tx, {
    tenantId: null, template: "account.password_reset", locale: ctx.locale, to: user.email, userId: user.id,
    data: { email: user.email, resetUrl: `${ctx.origin}/reset-password?token=${token}`, expiresInMinutes: Math.round(ttlMs / 60_000), ip: ctx.ip },
    dedupeKey: `account.reset:${id}:user`,
  });
}

export async function mailNewDevice(tx: Tx, user: { id: string; email: string }, device: { rowId: string; label: string; ip: string; at: Date }, ctx: MailContext) {
  await enqueueMail(tx, {
    tenantId: null, template: "account.new_device", locale: ctx.locale, to: user.email, userId: user.id,
    data: { email: user.email, at: device.at.toISOString(), device: device.label, ip: device.ip, accountUrl: `${ctx.origin}/account` },
    dedupeKey: `account.new_device:${device.rowId}:user`,
  });
}
