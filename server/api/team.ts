/** Team routes: role grants and invitations (owner), invitation acceptance (the invited signed-in user). */
import { z } from "zod";
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { invitationAcceptSchema, invitationCreateSchema, roleGrantSchema } from "#server/auth/index.ts";
import { linkOrigin } from "./mail-context.ts";

const teamManagers = { tenant: { action: "team.manage" as const, operator: false } };
const teamReaders = { tenant: { action: "team.read" as const, operator: true } };

export function teamRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/roles", tag: "team", summary: "Members and their roles", auth: teamReaders,
      params: tenantParams,
      async handler({ params, services }) {
        return { items: await services.team.listRoles(params.tenantId) };
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/roles", tag: "team", summary: "Grant a further role to a member", auth: teamManagers, status: 201,
      params: tenantParams, body: roleGrantSchema,
      async handler({ params, body, audit, meta, services, res }) {
        return services.team.grantRole(audit, params.tenantId, body, linkOrigin(res, meta));
      },
    }),
    defineRoute({
      method: "delete", path: "/tenants/:tenantId/roles/:roleId", tag: "team", summary: "Revoke a role (never the last owner)", auth: teamManagers,
      params: tenantParams.extend({ roleId: z.uuid() }),
      async handler({ params, audit, meta, services, res }) {
        await services.team.revokeRole(audit, params.tenantId, params.roleId, linkOrigin(res, meta));
        return { revoked: true };
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/invitations", tag: "team", summary: "Open invitations", auth: teamReaders,
      params: tenantParams,
      async handler({ params, services }) {
        return { items: await services.team.listInvitations(params.tenantId) };
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/invitations", tag: "team", summary: "Invite someone by email (link valid 7 days, single use)",
      auth: teamManagers, status: 201,
      params: tenantParams, body: invitationCreateSchema,
      async handler({ params, body, audit, meta, services, res }) {
        const { invitation, token } = await services.team.invite(audit, params.tenantId, body, linkOrigin(res, meta));
        return { ...invitation, link: `${meta.origin}/invite/${token}` };
      },
    }),
    defineRoute({
      method: "delete", path: "/tenants/:tenantId/invitations/:invitationId", tag: "team", summary: "Withdraw an invitation", auth: teamManagers,
      params: tenantParams.extend({ invitationId: z.uuid() }),
      async handler({ params, audit, services }) {
        await services.team.revokeInvitation(audit, params.tenantId, params.invitationId);
        return { revoked: true };
      },
    }),
    defineRoute({
      method: "post", path: "/invitations/accept", tag: "team", summary: "Accept an invitation as the signed-in invitee", auth: "user",
      body: invitationAcceptSchema,
      async handler({ actor, body, audit, services }) {
        return services.team.accept({ ...audit, userId: actor.userId, email: actor.email }, body.token);
      },
    }),
  ];
}
