/**
 * Team mail (ADR 030, G9-6): the invitee gets the invitation link, and a member whose role is granted or revoked is
 * told. Each is enqueued in the team change's transaction, in the shop's brand and language (its tenantId).
 */
import type { Prisma, TenantRole } from "@prisma/client";
import { enqueueMail, mailLocale } from "#server/mail/index.ts";
import type { AuditActor } from "#server/audit/index.ts";

type Tx = Prisma.TransactionClient;

async function shopAndActor(tx: Tx, tenantId: string, actor: AuditActor) {
  const [tenant, user] = await Promise.all([
    tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { displayName: true, localeDefaults: true } }),
    actor.userId ? tx.user.findUnique({ where: { id: actor.userId }, select: { email: true, displayName: true } }) : null,
  ]);
  return {
    locale: mailLocale(tenant.localeDefaults),
    base: { shopName: tenant.displayName, actorName: user?.displayName ?? user?.email ?? tenant.displayName },
  };
}

export async function mailInvitation(
  tx: Tx,
  actor: AuditActor,
  inv: { id: string; tenantId: string; email: string; role: TenantRole; token: string; ttlMs: number },
  origin: string,
) {
  const { locale, base } = await shopAndActor(tx, inv.tenantId, actor);
  await enqueueMail(tx, {
    tenantId: inv.tenantId, template: "team.invitation", locale, to: inv.email,
    data: { ...base, role: inv.role, email: inv.email, acceptUrl: `${origin}/invite/${inv.token}`, expiresInDays: Math.round(inv.ttlMs / 86_400_000) },
    dedupeKey: `team.invitation:${inv.id}:invitee`,
  });
}

export async function mailRoleChange(
  tx: Tx,
  actor: AuditActor,
  change: { kind: "granted" | "revoked"; roleId: string; tenantId: string; userId: string; role: TenantRole },
  origin: string,
) {
  const member = await tx.user.findUniqueOrThrow({ where: { id: change.userId }, select: { email: true } });
  const { locale, base } = await shopAndActor(tx, change.tenantId, actor);
  await enqueueMail(tx, {
    tenantId: change.tenantId, template: change.kind === "granted" ? "team.role_granted" : "team.role_revoked", locale, to: member.email,
    userId: change.userId,
    data: { ...base, role: change.role, dashboardUrl: `${origin}/dashboard/${change.tenantId}` },
    dedupeKey: `team.role_${change.kind}:${change.roleId}:${change.userId}`,
  });
}
