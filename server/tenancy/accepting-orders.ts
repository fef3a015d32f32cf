/**
 * Pausing a shop (ADR 032): `tenants.accepting_orders`, set by the bot's /pause and /resume and by the dashboard
 * toggle. Checkout reads the flag under a row lock in the statement that writes the order, so once a pause is
 * committed no later checkout can be accepted. Every change is audited, a repeated one too (as unchanged).
 */
import type { PrismaClient } from "@prisma/client";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";

export type PauseSource = { via: "bot"; telegramUserId: string } | { via: "dashboard" };

/** Sets the flag; returns whether it changed (false: it already had that value). */
export async function setAcceptingOrders(prisma: PrismaClient, actor: AuditActor, tenantId: string, accepting: boolean, source: PauseSource) {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.tenant.updateMany({ where: { id: tenantId, acceptingOrders: !accepting }, data: { acceptingOrders: accepting } });
    await writeAudit(tx, actor, { action: accepting ? "shop.resume" : "shop.pause", tenantId, target: `tenant:${tenantId}`, details: { ...source, changed: count === 1 } });
    return count === 1;
  });
}

export async function acceptingOrders(prisma: PrismaClient, tenantId: string) {
  const t = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { acceptingOrders: true } });
  return t?.acceptingOrders ?? false;
}
