/**
 * Server side of the Notifications page (ADR 027): the shop's sender (no secrets) and its last 100 messages, read
 * straight from email_outbox with the tenant floor. Recipients are masked for members who may not read orders.
 */
import type { AppLoadContext } from "@remix-run/node";
import type { TenantRole } from "@prisma/client";
import { can } from "#server/auth/index.ts";
import { mailTemplateLabel, maskEmail } from "#server/mail/shared.ts";

export const MESSAGE_LIMIT = 100;

/** Addresses as a member may see them: developers (no orders.read) get them masked. */
export const visibleEmail = (roles: readonly TenantRole[], address: string) => (can(roles, "orders.read") ? address : maskEmail(address));

export async function loadNotifications(context: AppLoadContext, tenantId: string, roles: readonly TenantRole[]) {
  const { prisma, shopSender } = context.services;
  const [sender, rows, tenant] = await Promise.all([
    shopSender.get(tenantId),
    prisma.emailOutbox.findMany({
      where: { tenantId },
      orderBy: { createdAt: "desc" },
      take: MESSAGE_LIMIT,
      select: { id: true, createdAt: true, sentAt: true, template: true, recipient: true, status: true, lastError: true, sender: true },
    }),
    prisma.tenant.findFirstOrThrow({ where: { id: tenantId }, select: { owner: { select: { email: true } } } }),
  ]);
  return {
    sender,
    messageLimit: MESSAGE_LIMIT,
    ownerEmail: tenant.owner ? visibleEmail(roles, tenant.owner.email) : null,
    messages: rows.map((m) => ({
      id: m.id,
      at: (m.sentAt ?? m.createdAt).toISOString(),
      template: mailTemplateLabel(m.template),
      recipient: visibleEmail(roles, m.recipient),
      status: m.status,
      error: m.lastError,
      via: m.sender?.startsWith("shop:") ? ("shop" as const) : m.sender ? ("platform" as const) : null,
    })),
  };
}

export type NotificationsData = Awaited<ReturnType<typeof loadNotifications>>;
