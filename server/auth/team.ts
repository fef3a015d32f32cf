/**
 * Tenant teams: role grants and invitations. Limits (5 managers, 10 other roles, counting pending invitations) and
 * the last-owner rule are checked here for clear errors, and enforced again by database triggers as a backstop.
 */
import type { Prisma, PrismaClient, TenantRole } from "@prisma/client";
import { z } from "zod";
import { updateInTenant } from "#server/db/index.ts";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { emailSchema } from "./schemas.ts";
import { hashSecret, newSecret } from "#server/secrets/index.ts";
import { ROLE, TENANT_ROLES } from "./permissions.ts";
import { mailInvitation, mailRoleChange } from "./team-mail.ts";

export const INVITATION_TTL_MS = 7 * 86_400_000;
export const MAX_MANAGERS = 5;
export const MAX_OTHER_ROLES = 10;

export const roleGrantSchema = z.object({ userId: z.uuid(), role: z.enum(TENANT_ROLES) });
export const invitationCreateSchema = z.object({ email: emailSchema, role: z.enum(TENANT_ROLES) });
export const invitationAcceptSchema = z.object({ token: z.string().min(20).max(100) });

type Tx = Prisma.TransactionClient;

/** Serialises team changes of one tenant (the same key as the limits trigger). */
async function lockTeam(tx: Tx, tenantId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${"team:" + tenantId}, 0))`;
}

async function assertRoom(tx: Tx, tenantId: string, role: TenantRole, now: Date) {
  const isManager = role === ROLE.manager;
  const roleFilter = isManager ? { role: ROLE.manager } : { role: { not: ROLE.manager } };
  const [granted, pending] = await Promise.all([
    tx.tenantUserRole.count({ where: { tenantId, ...roleFilter } }),
    tx.tenantInvitation.count({ where: { tenantId, ...roleFilter, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } } }),
  ]);
  const max = isManager ? MAX_MANAGERS : MAX_OTHER_ROLES;
  if (granted + pending >= max) {
    throw new ApiError(409, "TEAM_LIMIT", isManager ? `A shop can have at most ${MAX_MANAGERS} managers.` : `A shop can have at most ${MAX_OTHER_ROLES} people in roles other than manager.`);
  }
}

function mapTriggerError(err: unknown): never {
  const msg = err instanceof Error ? err.message : "";
  if (msg.includes("must keep at least one owner")) throw new ApiError(409, "LAST_OWNER", "A shop must keep at least one owner.");
  if (msg.includes("team limit")) throw new ApiError(409, "TEAM_LIMIT", "The team is full for this role.");
  throw err;
}

export class TeamService {
  constructor(private deps: { prisma: PrismaClient; now?: () => Date; platformOrigin?: () => string }) {}
  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** Links in team mail point at the platform host the change was made on (else the platform's own origin). */
  private origin(requestOrigin?: string) {
    return (requestOrigin ?? this.deps.platformOrigin?.() ?? "http://localhost").replace(/\/+$/, "");
  }

  listRoles(tenantId: string) {
    return this.deps.prisma.tenantUserRole.findMany({
      where: { tenantId },
      select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, displayName: true } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 100,
    });
  }

  /** Grants a further role to someone who is already a member; newcomers join through invitations. */
  async grantRole(actor: AuditActor, tenantId: string, input: z.infer<typeof roleGrantSchema>, origin?: string) {
    const { prisma } = this.deps;
    return prisma
      .$transaction(async (tx) => {
        await lockTeam(tx, tenantId);
        const member = await tx.tenantUserRole.findFirst({ where: { tenantId, userId: input.userId }, select: { id: true } });
        if (!member) throw new ApiError(404, "MEMBER_NOT_FOUND", "This person is not a member of the shop. Invite them instead.");
        const existing = await tx.tenantUserRole.findFirst({ where: { tenantId, userId: input.userId, role: input.role } });
        if (existing) return existing;
        await assertRoom(tx, tenantId, input.role, this.now());
        const row = await tx.tenantUserRole.create({ data: { tenantId, userId: input.userId, role: input.role } });
        await writeAudit(tx, actor, { action: "role.grant", tenantId, target: `user:${input.userId}`, details: { role: input.role } });
        await mailRoleChange(tx, actor, { kind: "granted", roleId: row.id, tenantId, userId: input.userId, role: input.role }, this.origin(origin));
        return row;
      })
      .catch(mapTriggerError);
  }

  async revokeRole(actor: AuditActor, tenantId: string, roleId: string, origin?: string) {
    const { prisma } = this.deps;
    await prisma
      .$transaction(async (tx) => {
        await lockTeam(tx, tenantId);
        // Tenant floor: the role is looked up within this tenant only.
        const row = await tx.tenantUserRole.findFirst({ where: { id: roleId, tenantId } });
        if (!row) throw new ApiError(404, "ROLE_NOT_FOUND", "No such role in this shop.");
        if (row.role === ROLE.owner) {
          const owners = await tx.tenantUserRole.count({ where: { tenantId, role: ROLE.owner } });
          if (owners <= 1) throw new ApiError(409, "LAST_OWNER", "A shop must keep at least one owner.");
        }
        await tx.tenantUserRole.delete({ where: { id: row.id, tenantId } });
        await writeAudit(tx, actor, { action: "role.revoke", tenantId, target: `user:${row.userId}`, details: { role: row.role } });
        await mailRoleChange(tx, actor, { kind: "revoked", roleId: row.id, tenantId, userId: row.userId, role: row.role }, this.origin(origin));
      })
      .catch(mapTriggerError);
  }

  listInvitations(tenantId: string) {
    return this.deps.prisma.tenantInvitation.findMany({
      where: { tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: this.now() } },
      select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
      orderBy: { createdAt: "desc" },
      take: 100,
    });
  }

  /** Returns the single-use secret once (and mails it to the invitee); only its hash is stored. */
  async invite(actor: AuditActor, tenantId: string, input: z.infer<typeof invitationCreateSchema>, origin?: string) {
    const token = newSecret();
    const now = this.now();
    const invitation = await this.deps.prisma.$transaction(async (tx) => {
      await lockTeam(tx, tenantId);
      await assertRoom(tx, tenantId, input.role, now);
      const row = await tx.tenantInvitation.create({
        data: { tenantId, email: input.email, role: input.role, tokenHash: hashSecret(token), invitedById: actor.userId, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) },
        select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
      });
      await writeAudit(tx, actor, { action: "invitation.create", tenantId, target: `invitation:${row.id}`, details: { email: input.email, role: input.role } });
      await mailInvitation(tx, actor, { id: row.id, tenantId, email: row.email, role: row.role, token, ttlMs: INVITATION_TTL_MS }, this.origin(origin));
      return row;
    });
    return { invitation, token };
  }

  async revokeInvitation(actor: AuditActor, tenantId: string, invitationId: string) {
    await this.deps.prisma.$transaction(async (tx) => {
      await updateInTenant({ tenantId }, tx.tenantInvitation, {
        where: { id: invitationId, acceptedAt: null, revokedAt: null },
        data: { revokedAt: this.now() },
      }, () => new ApiError(404, "INVITATION_NOT_FOUND", "No open invitation with this id."));
      await writeAudit(tx, actor, { action: "invitation.revoke", tenantId, target: `invitation:${invitationId}` });
    });
  }

  /** What an invitation link shows before it is accepted (no secrets, nothing about other members). */
  async peekInvitation(token: string) {
    const row = await this.deps.prisma.tenantInvitation.findUnique({
      where: { tokenHash: hashSecret(token) },
      select: { email: true, role: true, expiresAt: true, acceptedAt: true, revokedAt: true, tenant: { select: { id: true, displayName: true, slug: true } } },
    });
    if (!row) return null;
    const state = row.acceptedAt ? "accepted" : row.revokedAt ? "revoked" : row.expiresAt <= this.now() ? "expired" : "open";
    return { state, email: row.email, role: row.role, tenant: row.tenant };
  }

  /** Single use: the compare-and-swap on acceptedAt lets exactly one acceptance through. */
  async accept(actor: AuditActor & { userId: string; email: string }, token: string) {
    const now = this.now();
    return this.deps.prisma
      .$transaction(async (tx) => {
        const inv = await invitationByToken(tx, token);
        if (!inv || inv.revokedAt || inv.acceptedAt || inv.expiresAt <= now) {
          throw new ApiError(410, "INVITATION_INVALID", "This invitation link has expired or was already used.");
        }
        if (inv.email !== actor.email) {
          throw new ApiError(403, "INVITATION_EMAIL_MISMATCH", `This invitation is for ${inv.email}. Sign in with that email to accept it.`);
        }
        await lockTeam(tx, inv.tenantId);
        const { count } = await tx.tenantInvitation.updateMany({
          where: { id: inv.id, tenantId: inv.tenantId, acceptedAt: null, revokedAt: null },
          data: { acceptedAt: now, acceptedById: actor.userId },
        });
        if (count === 0) throw new ApiError(410, "INVITATION_INVALID", "This invitation link has expired or was already used.");
        const existing = await tx.tenantUserRole.findFirst({ where: { tenantId: inv.tenantId, userId: actor.userId, role: inv.role } });
        if (!existing) await tx.tenantUserRole.create({ data: { tenantId: inv.tenantId, userId: actor.userId, role: inv.role } });
        await writeAudit(tx, actor, { action: "invitation.accept", tenantId: inv.tenantId, target: `invitation:${inv.id}`, details: { role: inv.role } });
        return { tenantId: inv.tenantId, role: inv.role };
      })
      .catch(mapTriggerError);
  }
}

/** The link's secret token identifies the invitation and so its shop: this lookup spans tenants on purpose. */
function invitationByToken(tx: Prisma.TransactionClient, token: string) {
  return tx.tenantInvitation.findUnique({ where: { tokenHash: hashSecret(token) } });
}
