/**
 * Tenant lifecycle on the control plane: create (TEN-2), update, and the operator transitions. Every mutation
 * writes its audit row in the same transaction and publishes the resolution-cache invalidation after commit.
 */
import { Prisma, type PrismaClient, type TenantStatus } from "@prisma/client";
import { z } from "zod";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { ROLE } from "#server/auth/shared.ts";
import { brandSchema } from "./brand.ts";
import { slugSchema } from "./manifest.ts";
import { timeZoneSchema } from "./time-zone.ts";
import { setEdgePool, type edgePoolSchema } from "./edge-pool.ts";

export const tenantCreateSchema = z.object({
  slug: z.string().trim().toLowerCase().max(40),
  displayName: z.string().trim().min(1, "Give your shop a name.").max(80),
  type: z.enum(["hosted_seller", "white_label"]).default("hosted_seller"),
});

export const tenantPatchSchema = z.object({
  // Compare-and-swap on the row version: a stale form or a concurrent edit gets CONFLICT instead of a lost update.
  version: z.number().int().positive(),
  displayName: z.string().trim().min(1).max(80).optional(),
  brand: brandSchema.optional(),
  localeDefaults: z.array(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/)).min(1).max(10).optional(),
  // An ISO 4217 code, or the on-chain rails' token symbol (checked against the chain in TenantLifecycle.update).
  currency: z.string().regex(/^[A-Za-z0-9]{2,11}$/, "must be an ISO 4217 code like USD").optional(),
  // The zone the shop's figures and monthly statements are counted in (ADR 031).
  timeZone: timeZoneSchema.optional(),
});

export const transitionSchema = z.object({ reason: z.string().trim().min(3, "Give a reason.").max(500) });

export type Transition = "activate" | "suspend" | "close";
const TRANSITIONS: Record<Transition, { from: TenantStatus[]; to: TenantStatus }> = {
  activate: { from: ["pending", "suspended"], to: "active" },
  suspend: { from: ["pending", "active"], to: "suspended" },
  close: { from: ["pending", "active", "suspended"], to: "closed" },
};

/** Why a slug cannot be used, or null if it is free. */
export async function slugProblem(prisma: PrismaClient, slug: string): Promise<{ code: string; message: string } | null> {
  const parsed = slugSchema.safeParse(slug);
  if (!parsed.success) return { code: "TENANT_SLUG_INVALID", message: parsed.error.issues[0]?.message ?? "invalid slug" };
  const taken = await prisma.tenant.findUnique({ where: { slug: parsed.data }, select: { id: true } });
  return taken ? { code: "TENANT_SLUG_TAKEN", message: "This address is already taken." } : null;
}

export const tenantSelect = {
  id: true, slug: true, displayName: true, type: true, status: true, statusReason: true, brand: true, features: true,
  localeDefaults: true, currency: true, timeZone: true, edgePool: true, version: true, createdAt: true, updatedAt: true,
} as const;

export class TenantLifecycle {
  constructor(private deps: { prisma: PrismaClient; publish: (reason: string) => Promise<void>; /** The chain token's symbol, when the on-chain rails are on. */ tokenSymbol?: string | null; /** Configured EDGE_POOLS names (ADR 048). */ edgePools?: readonly string[] }) {}

  /** Operator: move the shop to another upstream pool (ADR 048). */
  setEdgePool(actor: AuditActor, tenantId: string, input: z.infer<typeof edgePoolSchema>) {
    return setEdgePool({ ...this.deps, pools: this.deps.edgePools ?? ["shared"] }, actor, tenantId, input);
  }

  async create(actor: AuditActor & { userId: string }, input: z.infer<typeof tenantCreateSchema>) {
    const problem = await slugProblem(this.deps.prisma, input.slug);
    if (problem) throw new ApiError(problem.code === "TENANT_SLUG_TAKEN" ? 409 : 400, problem.code, problem.message);
    try {
      // TEN-2: tenant, owner role and default policy commit together or not at all.
      return await this.deps.prisma.$transaction(async (tx) => {
        const tenant = await tx.tenant.create({
          data: {
            slug: input.slug,
            displayName: input.displayName,
            type: input.type,
            status: "pending",
            ownerUserId: actor.userId,
            brand: { displayName: input.displayName, primaryColor: "#1f2937", accentColor: "#2563eb" },
          },
          select: tenantSelect,
        });
        await tx.tenantUserRole.create({ data: { tenantId: tenant.id, userId: actor.userId, role: ROLE.owner } });
        await tx.tenantPaymentPolicy.create({ data: { tenantId: tenant.id } });
        await writeAudit(tx, actor, { action: "tenant.create", tenantId: tenant.id, target: `tenant:${tenant.id}`, details: { slug: tenant.slug } });
        return tenant;
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
        throw new ApiError(409, "TENANT_SLUG_TAKEN", "This address is already taken.");
      }
      throw err;
    }
  }

  async update(actor: AuditActor, tenantId: string, input: z.infer<typeof tenantPatchSchema>) {
    const { version, ...fields } = input;
    if (fields.currency !== undefined && !/^[A-Z]{3}$/.test(fields.currency) && fields.currency !== this.deps.tokenSymbol) {
      const message = `must be an ISO 4217 code like USD${this.deps.tokenSymbol ? ` or ${this.deps.tokenSymbol}, the on-chain token` : ""}`;
      throw new ApiError(400, "VALIDATION_ERROR", `currency: ${message}`, { issues: [{ in: "body", path: "currency", message }] });
    }
    const changed = Object.keys(fields).filter((k) => fields[k as keyof typeof fields] !== undefined);
    const tenant = await this.deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.tenant.updateMany({
        where: { id: tenantId, version },
        data: { ...fields, version: { increment: 1 } },
      });
      if (count === 0) throw new ApiError(409, "CONFLICT", "The shop changed since you loaded it. Reload and try again.");
      await writeAudit(tx, actor, { action: "tenant.update", tenantId, target: `tenant:${tenantId}`, details: { fields: changed } });
      return tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: tenantSelect });
    });
    await this.deps.publish(`tenant.update:${tenantId}`);
    return tenant;
  }

  /** Operator transitions, compare-and-swap on the current status. */
  async transition(actor: AuditActor, tenantId: string, kind: Transition, reason: string) {
    const t = TRANSITIONS[kind];
    const tenant = await this.deps.prisma.$transaction(async (tx) => {
      const before = await tx.tenant.findUnique({ where: { id: tenantId }, select: { status: true } });
      if (!before) throw new ApiError(404, "TENANT_NOT_FOUND", "No such tenant.");
      const { count } = await tx.tenant.updateMany({
        where: { id: tenantId, status: { in: t.from } },
        data: { status: t.to, statusReason: reason, version: { increment: 1 } },
      });
      if (count === 0) {
        throw new ApiError(409, "CONFLICT", `A ${before.status} shop cannot be moved to ${t.to}.`, { status: before.status });
      }
      await writeAudit(tx, actor, {
        action: `tenant.${kind}`,
        tenantId,
        target: `tenant:${tenantId}`,
        reason,
        details: { from: before.status, to: t.to },
      });
      return tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: tenantSelect });
    });
    await this.deps.publish(`tenant.${kind}:${tenantId}`);
    return tenant;
  }
}
