/**
 * Marketing consent, per shop (G14-4): opt-in at checkout (an unticked box), opt-out by the signed link in marketing
 * mail footers or by /unsubscribe to the shop's bot. Senders re-check `marketing_opt_in` for every message, so an
 * opt-out is honoured by the next announcement and by the rest of one being sent.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import type { TenantScope } from "#server/db/index.ts";

/**
 * Records the box ticked at checkout. The orders trigger has created the customer in the checkout's transaction,
 * so this runs after it; an unticked box changes nothing (it never opts a customer out).
 */
export async function optInAtCheckout(prisma: PrismaClient, scope: TenantScope, email: string) {
  await prisma.customer.updateMany({
    where: { tenantId: scope.tenantId, emailKey: email.trim().toLowerCase(), marketingOptIn: false },
    data: { marketingOptIn: true, optedInAt: new Date(), optedOutAt: null },
  });
}

/** /unsubscribe to the shop's bot: every customer of this shop linked to that Telegram user. */
export async function optOutTelegramUser(prisma: PrismaClient, scope: TenantScope, telegramUserId: string): Promise<number> {
  const { count } = await prisma.customer.updateMany({
    where: { tenantId: scope.tenantId, telegramUserId, marketingOptIn: true },
    data: { marketingOptIn: false, optedOutAt: new Date() },
  });
  return count;
}

// A key of its own, derived from MONEY_SECRET (required in production), so the link needs no new setting and a
// signature made for links can never be confused with one made for money.
const linkKey = (secret: string) => createHmac("sha256", secret).update("customer-unsubscribe-link/v1").digest();
const sign = (secret: string, tenantId: string, customerId: string) =>
  createHmac("sha256", linkKey(secret)).update(`${tenantId}:${customerId}`).digest("base64url");

/** The path of a customer's one-click unsubscribe page (on the shop's host): signed per shop and customer. */
export function unsubscribePath(secret: string, scope: TenantScope, customerId: string) {
  return `/unsubscribe/${customerId}/${sign(secret, scope.tenantId, customerId)}`;
}

/** Whether `sig` is this shop's signature for the customer (any of the secrets, current first, for rotations). */
export function verifyUnsubscribe(secrets: string[], scope: TenantScope, customerId: string, sig: string) {
  const given = Buffer.from(sig);
  return secrets.some((s) => {
    const want = Buffer.from(sign(s, scope.tenantId, customerId));
    return want.length === given.length && timingSafeEqual(want, given);
  });
}

/** The link's opt-out. Returns false when the customer is not this shop's (the page then says the link is invalid). */
export async function optOutByLink(prisma: PrismaClient, scope: TenantScope, customerId: string): Promise<boolean> {
  const c = await prisma.customer.findUnique({ where: { tenantId_id: { tenantId: scope.tenantId, id: customerId } }, select: { id: true } });
  if (!c) return false;
  await prisma.customer.updateMany({
    where: { tenantId: scope.tenantId, id: customerId, marketingOptIn: true },
    data: { marketingOptIn: false, optedOutAt: new Date() },
  });
  return true;
}
