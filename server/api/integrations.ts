/** Payment integrations (issue 14, ADR 024): the shop's own Stripe account. Owner and finance; keys never leave. */
import { z } from "zod";
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { connectIntegrationSchema } from "#server/money/index.ts";

const readers = { tenant: { action: "integrations.read" as const, operator: true } };
const managers = { tenant: { action: "integrations.manage" as const, operator: false } };

export function integrationRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/integrations", tag: "payments", summary: "The shop's connected payment integrations (no keys)",
      auth: readers, params: tenantParams,
      async handler({ params, services }) {
        return { items: await services.money.listIntegrations(params.tenantId) };
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/integrations", tag: "payments", status: 201,
      summary: "Connect the shop's Stripe account: the key is checked with Stripe first; a refused key stores nothing",
      auth: managers, params: tenantParams, body: connectIntegrationSchema,
      async handler({ params, body, audit, services }) {
        return services.money.connectIntegration(audit, params.tenantId, body);
      },
    }),
    defineRoute({
      method: "delete", path: "/tenants/:tenantId/integrations/:integrationId", tag: "payments", summary: "Disconnect a payment integration",
      auth: managers, params: tenantParams.extend({ integrationId: z.uuid() }),
      async handler({ params, audit, services }) {
        return services.money.disconnectIntegration(audit, params.tenantId, params.integrationId);
      },
    }),
  ];
}
