/** Tenant bot routes (BOT-1..3, docs/product.md §9): members read; owners and developers register, see the claim link, revoke. */
import { z } from "zod";
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { botRegisterSchema } from "#server/bots/index.ts";

const botParams = tenantParams.extend({ botId: z.uuid() });
const managers = { tenant: { action: "bots.manage" as const, operator: false } };

export function botRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/bots", tag: "bots", summary: "The shop's Telegram bots (never their tokens)",
      auth: { tenant: { action: "bots.read", operator: true } }, params: tenantParams,
      async handler({ params, services }) {
        return { items: await services.bots.list(params.tenantId) };
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/bots", tag: "bots", summary: "Register a bot by its @BotFather token (owner, developer)",
      auth: managers, params: tenantParams, body: botRegisterSchema, status: 201,
      async handler({ params, body, audit, services }) {
        return services.bots.register(audit, params.tenantId, body.token);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/bots/:botId/claim-link", tag: "bots", summary: "The single-use claim link (owner, developer)",
      auth: managers, params: botParams,
      async handler({ params, services }) {
        return services.bots.claimLink(params.tenantId, params.botId);
      },
    }),
    defineRoute({
      method: "delete", path: "/tenants/:tenantId/bots/:botId", tag: "bots", summary: "Revoke a bot (its webhook is removed)",
      auth: managers, params: botParams,
      async handler({ params, audit, services }) {
        return services.bots.revoke(audit, params.tenantId, params.botId);
      },
    }),
  ];
}
