/**
 * Auth helpers for dashboard and console loaders/actions (STYLE.md 9). They return a value or throw a response:
 * a redirect to sign-in, a 403, or a 404 that hides whether a tenant exists. The checks are the same
 * `requireTenantAccess` the JSON API uses, so the two surfaces cannot disagree.
 */
import { redirect, type AppLoadContext } from "@remix-run/node";
import { requireTenantAccess, type Actor, type TenantRule } from "#server/auth/index.ts";
import { ApiError, auditActorOf } from "#server/http/index.ts";

export { listMemberships, MAX_MANAGERS, MAX_OTHER_ROLES } from "#server/auth/index.ts";
export { safeRedirect } from "./safe-redirect.ts";

/** Dashboard and console exist on the platform host only; on a shop's host they are plain 404s. */
export function requirePlatformHost(context: AppLoadContext) {
  if (!context.isPlatformHost) throw new Response("Not found", { status: 404 });
}

export function requireUser(request: Request, context: AppLoadContext): Actor {
  requirePlatformHost(context);
  if (context.actor) return context.actor;
  const url = new URL(request.url);
  throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

export function requireOperator(request: Request, context: AppLoadContext): Actor {
  const actor = requireUser(request, context);
  if (!actor.isOperator) throw new Response("Operators only", { status: 403 });
  return actor;
}

export async function requireTenantRole(request: Request, context: AppLoadContext, tenantId: string, rule: TenantRule) {
  const actor = requireUser(request, context);
  try {
    const access = await requireTenantAccess(context.services.prisma, actor, tenantId, rule);
    return { actor, ...access };
  } catch (err) {
    if (err instanceof ApiError) throw new Response(err.message, { status: err.status });
    throw err;
  }
}

/** The actor as the audit log records it (with the client IP). */
export function auditActor(context: AppLoadContext) {
  return auditActorOf(context.actor, context.request.ip);
}
