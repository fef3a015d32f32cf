/**
 * The shop's own mail sender (issue 15 point 2, seed G6, ADR 027). Every member reads it (no secret is ever in a
 * response); owners and developers set it up, verify its DNS records, send the test email and remove it.
 */
import { z } from "zod";
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { saveShopSenderSchema } from "#server/mail/index.ts";

const readers = { tenant: { action: "notifications.read" as const, operator: true } };
const managers = { tenant: { action: "notifications.manage" as const, operator: false } };
const senderParams = tenantParams.extend({ integrationId: z.uuid() });

export function notificationRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/notifications/sender", tag: "notifications",
      summary: "The shop's own SMTP sender (no password or key), the DNS records to publish and the last DNS check; null when none",
      auth: readers, params: tenantParams,
      async handler({ params, services }) {
        return services.shopSender.get(params.tenantId);
      },
    }),
    defineRoute({
      method: "put", path: "/tenants/:tenantId/notifications/sender", tag: "notifications",
      summary: "Create or update the shop's SMTP sender (kind notification, provider smtp); the password may be left out on update. Signs in to the server to set the status",
      auth: managers, params: tenantParams, body: saveShopSenderSchema,
      async handler({ params, body, audit, services }) {
        return services.shopSender.save(audit, params.tenantId, body);
      },
    }),
    defineRoute({
      method: "delete", path: "/tenants/:tenantId/notifications/sender/:integrationId", tag: "notifications",
      summary: "Remove the shop's sender (its password and DKIM key are wiped); mail goes through the platform sender again",
      auth: managers, params: senderParams,
      async handler({ params, audit, services }) {
        return services.shopSender.remove(audit, params.tenantId, params.integrationId);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/notifications/sender/:integrationId/verify-dns", tag: "notifications",
      summary: "Check the SPF and DKIM records through DNS_SERVERS; each problem is explained in one sentence",
      auth: managers, params: senderParams,
      async handler({ params, audit, services }) {
        return services.shopSender.verifyDns(audit, params.tenantId, params.integrationId);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/integrations/:integrationId/test", tag: "notifications",
      summary: "G6-7: send a test email to the shop's owner through its sender now (SMTP_TEST_FAILED 422 with the server's reason; 5 per 15 minutes)",
      auth: managers, params: senderParams,
      async handler({ params, audit, services }) {
        return services.shopSender.testSend(audit, params.tenantId, params.integrationId);
      },
    }),
  ];
}
