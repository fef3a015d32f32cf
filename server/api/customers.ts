/**
 * Customers and announcements (ADR 033). The tenant floor is in every query; emails are masked unless the member's
 * roles have `customers.contact`. There is deliberately no export of the list (G14-7).
 */
import { z } from "zod";
import { can } from "#server/auth/index.ts";
import { ApiError, defineRoute, tenantParams } from "#server/http/index.ts";
import { announcementInputSchema, customerListQuerySchema, customerParams, liftLimitSchema } from "#server/customers/index.ts";

const announcementParams = z.object({ tenantId: z.uuid(), announcementId: z.uuid() });
const reveals = (access: { roles: Parameters<typeof can>[0] }) => can(access.roles, "customers.contact");

export function customerRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/customers", tag: "customers",
      summary: "The shop's customers (50 a page), sortable and filterable; emails masked without customers.contact",
      auth: { tenant: { action: "customers.read", operator: true } }, params: tenantParams, query: customerListQuerySchema,
      async handler({ params, query, access, services }) {
        return services.customers.list({ tenantId: params.tenantId }, query, reveals(access));
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/customers/:customerId", tag: "customers",
      summary: "A customer's profile: their orders in this shop and lifetime spend",
      auth: { tenant: { action: "customers.read", operator: true } }, params: customerParams,
      async handler({ params, access, services }) {
        const profile = await services.customers.profile({ tenantId: params.tenantId }, params.customerId, reveals(access));
        if (!profile) throw new ApiError(404, "NOT_FOUND", "No such customer.");
        return profile;
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/announcements", tag: "customers",
      summary: "The announcement log (12 months): each with its targets and delivery counts per channel",
      auth: { tenant: { action: "customers.read", operator: true } }, params: tenantParams,
      async handler({ params, services }) {
        return { items: await services.customers.log({ tenantId: params.tenantId }) };
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/announcements/:announcementId", tag: "customers",
      summary: "One announcement's progress: sent, failed and opted out, per channel",
      auth: { tenant: { action: "customers.read", operator: true } }, params: announcementParams,
      async handler({ params, services }) {
        const [a] = await services.customers.log({ tenantId: params.tenantId }, { id: params.announcementId });
        if (!a) throw new ApiError(404, "NOT_FOUND", "No such announcement.");
        return a;
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/announcements", tag: "customers", status: 201,
      summary: "Send an announcement (at most 1,000 characters) to opted-in customers, by the shop's bot and email; 2 per 24 h (429)",
      auth: { tenant: { action: "customers.announce", operator: false } }, params: tenantParams, body: announcementInputSchema,
      async handler({ params, body, audit, services }) {
        return services.customers.announce({ tenantId: params.tenantId }, audit, body);
      },
    }),
    defineRoute({
      method: "put", path: "/ops/tenants/:tenantId/announcement-limit", tag: "operator",
      summary: "Lift a shop's 2-per-24h announcement limit for some hours (0 restores it), with a reason; audited",
      auth: "operator", params: tenantParams, body: liftLimitSchema,
      async handler({ params, body, audit, services }) {
        return services.customers.liftLimit({ tenantId: params.tenantId }, audit, body);
      },
    }),
  ];
}
