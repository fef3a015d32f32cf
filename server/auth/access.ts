/**
 * Tenant access (docs/product.md §9): who may touch a tenant's resources. The lookup is by tenant id AND the caller's
 * membership; role checks sit on top of that floor. Outsiders get 404 (a tenant's existence is not disclosed),
 * members without the role get 403.
 */
import type { PrismaClient, TenantRole } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import type { Actor } from "./service.ts";
import { can, type TenantAction } from "./permissions.ts";

export interface TenantRule {
  /** What the caller is doing; the permission table (permissions.ts) says which member roles may. */
  action: TenantAction;
  /** Whether platform operators pass (operators never become members). */
  operator: boolean;
  /**
   * Break-glass (OPS-2, docs/security.md 14): the data is the shop's customers', so an operator who is not a member passes
   * only with a stated reason (header X-Break-Glass-Reason), and every such read is in the audit log.
   */
  breakGlass?: boolean;
}

export interface TenantAccess {
  tenant: { id: string; slug: string; displayName: string; status: string };
  roles: TenantRole[];
  asOperator: boolean;
}

export async function requireTenantAccess(prisma: PrismaClient, actor: Actor, tenantId: string, rule: TenantRule): Promise<TenantAccess> {
  const tenant = await prisma.tenant.findUnique({
    where: { id: tenantId },
    select: { id: true, slug: true, displayName: true, status: true, roles: { where: { userId: actor.userId }, select: { role: true } } },
  });
  const roles = tenant?.roles.map((r) => r.role) ?? [];
  if (!tenant || (roles.length === 0 && !actor.isOperator)) {
    throw new ApiError(404, "TENANT_NOT_FOUND", "No such tenant.");
  }
  const { roles: _r, ...summary } = tenant;
  if (can(roles, rule.action)) return { tenant: summary, roles, asOperator: false };
  if (actor.isOperator && rule.operator) return { tenant: summary, roles, asOperator: true };
  throw new ApiError(403, "FORBIDDEN", "Your role does not allow this action.");
}
