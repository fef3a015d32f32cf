/** Tenant lifecycle routes (TEN-2, docs/product.md §9). */
import { z } from "zod";
import { defineRoute, tenantParams, ApiError } from "#server/http/index.ts";
import { listAudit } from "#server/audit/index.ts";
import { beforeCursorSchema } from "#server/db/index.ts";
import {
  edgePoolSchema, listTenants, slugProblem, tenantCreateSchema, tenantListQuerySchema, tenantPatchSchema, tenantSelect, transitionSchema, type Transition,
} from "#server/tenancy/index.ts";


function transitionRoute(kind: Transition, summary: string) {
  return defineRoute({
    method: "post", path: `/tenants/:tenantId/${kind}`, tag: "operator", summary, auth: { tenant: { action: "tenant.transition", operator: true } },
    params: tenantParams, body: transitionSchema,
    async handler({ params, body, audit, services }) {
      return services.tenants.transition(audit, params.tenantId, kind, body.reason);
    },
  });
}

export function tenantRoutes() {
  return [
    defineRoute({
      method: "post", path: "/tenants", tag: "tenants", summary: "Create a shop (pending until an operator activates it)", auth: "user", status: 201,
      body: tenantCreateSchema,
      async handler({ actor, body, audit, services }) {
        return services.tenants.create({ ...audit, userId: actor.userId }, body);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants", tag: "tenants", summary: "List shops (operators: all; users: their own)", auth: "user",
      query: tenantListQuerySchema,
      async handler({ actor, query, services }) {
        return listTenants(services.prisma, actor, query);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/slug-availability", tag: "tenants", summary: "Whether a shop address is free", auth: "user",
      query: z.object({ slug: z.string().trim().toLowerCase().max(60) }),
      async handler({ query, services }) {
        const problem = await slugProblem(services.prisma, query.slug);
        return { slug: query.slug, available: !problem, ...(problem ? { code: problem.code, message: problem.message } : {}) };
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId", tag: "tenants", summary: "A shop", auth: { tenant: { action: "tenant.read", operator: true } },
      params: tenantParams,
      async handler({ params, access, services }) {
        const tenant = await services.prisma.tenant.findUnique({ where: { id: params.tenantId }, select: tenantSelect });
        if (!tenant) throw new ApiError(404, "TENANT_NOT_FOUND", "No such tenant.");
        return { ...tenant, yourRoles: access.roles };
      },
    }),
    defineRoute({
      method: "patch", path: "/tenants/:tenantId", tag: "tenants", summary: "Update name, brand, locales, currency or time zone (owner)",
      auth: { tenant: { action: "brand.edit", operator: false } },
      params: tenantParams, body: tenantPatchSchema,
      async handler({ params, body, audit, services }) {
        return services.tenants.update(audit, params.tenantId, body);
      },
    }),
    transitionRoute("activate", "Activate a shop (operator, reason required)"),
    transitionRoute("suspend", "Suspend a shop (operator, reason required)"),
    transitionRoute("close", "Close a shop (operator, reason required)"),
    defineRoute({
      method: "put", path: "/tenants/:tenantId/edge-pool", tag: "operator",
      summary: "Move a shop to another upstream pool of EDGE_POOLS (operator, reason required; audited)",
      auth: { tenant: { action: "tenant.transition", operator: true } },
      params: tenantParams, body: edgePoolSchema,
      async handler({ params, body, audit, services }) {
        return services.tenants.setEdgePool(audit, params.tenantId, body);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/audit", tag: "tenants", summary: "The shop's audit trail (owner, operators)",
      auth: { tenant: { action: "audit.read", operator: true } },
      params: tenantParams,
      query: z.object({ action: z.string().max(60).optional(), before: beforeCursorSchema.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      async handler({ params, query, services }) {
        return listAudit(services.prisma, { tenantId: params.tenantId, action: query.action, before: query.before, limit: query.limit });
      },
    }),
  ];
}
