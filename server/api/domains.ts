/**
 * Custom domain routes (DOM-1..5, TEN-6): members read; owners, managers and developers add, check, remove and pick
 * the primary host. Operators read every shop's domains and the edge's health.
 */
import { z } from "zod";
import { defineRoute, tenantParams, ApiError } from "#server/http/index.ts";
import { reconcileAsOperator } from "#server/edge/index.ts";
import { uploadCertificateSchema } from "#server/certificates/index.ts";

const domainParams = tenantParams.extend({ domainId: z.uuid() });
const editors = { tenant: { action: "domains.manage" as const, operator: false } };
const certificateEditors = { tenant: { action: "domains.certificates" as const, operator: false } };
const readers = { tenant: { action: "domains.read" as const, operator: true } };

export const addDomainSchema = z.object({
  hostname: z.string().max(1000),
  mode: z.enum(["cname", "apex"]).optional(),
});

export function domainRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/domains", tag: "domains", summary: "The shop's custom domains with the DNS records to create",
      auth: readers, params: tenantParams,
      async handler({ params, services }) {
        return { items: await services.domains.list(params.tenantId) };
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/domains", tag: "domains", summary: "Add a custom domain (DOMAIN_INVALID, DOMAIN_TAKEN)",
      auth: editors, params: tenantParams, body: addDomainSchema, status: 201,
      async handler({ params, body, audit, services }) {
        return services.domains.add(audit, params.tenantId, body);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/domains/:domainId", tag: "domains", summary: "One domain, with its doctor messages and event log",
      auth: readers, params: domainParams,
      async handler({ params, services }) {
        return services.domains.get(params.tenantId, params.domainId);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/domains/:domainId/check", tag: "domains", summary: "Check the DNS records now (throttled per domain)",
      auth: editors, params: domainParams,
      async handler({ params, audit, services }) {
        const r = await services.domains.check(`${audit.kind}:${audit.userId}`, params.tenantId, params.domainId, { manual: true });
        return { ...r.domain, throttled: r.throttled };
      },
    }),
    defineRoute({
      method: "delete", path: "/tenants/:tenantId/domains/:domainId", tag: "domains", summary: "Remove a domain (it stops being served)",
      auth: editors, params: domainParams,
      async handler({ params, audit, services }) {
        return services.domains.remove(audit, params.tenantId, params.domainId);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/domains/:domainId/certificate", tag: "domains", summary: "The domain's own certificate (null: issued on demand)",
      auth: readers, params: domainParams,
      async handler({ params, services }) {
        return { certificate: await services.certificates.get(params.tenantId, params.domainId) };
      },
    }),
    defineRoute({
      method: "put", path: "/tenants/:tenantId/domains/:domainId/certificate", tag: "domains",
      summary: "Upload the shop's own certificate for an active domain: PEM chain + key, or PKCS#12 (CERT_PFX_PASSWORD, CERT_KEY_MISMATCH, CERT_EXPIRED, CERT_SAN_MISMATCH, CERT_CHAIN_BROKEN, …)",
      auth: certificateEditors, params: domainParams, body: uploadCertificateSchema,
      async handler({ params, body, audit, services }) {
        return services.certificates.upload(audit, params.tenantId, params.domainId, body);
      },
    }),
    defineRoute({
      method: "delete", path: "/tenants/:tenantId/domains/:domainId/certificate", tag: "domains", summary: "Remove the own certificate (on-demand issuance takes over)",
      auth: certificateEditors, params: domainParams,
      async handler({ params, audit, services }) {
        return services.certificates.remove(audit, params.tenantId, params.domainId);
      },
    }),
    defineRoute({
      method: "put", path: "/tenants/:tenantId/primary-domain", tag: "domains", summary: "Set the primary host (null: the platform subdomain)",
      auth: editors, params: tenantParams, body: z.object({ domainId: z.uuid().nullable() }),
      async handler({ params, body, audit, services }) {
        return services.domains.setPrimary(audit, params.tenantId, body.domainId);
      },
    }),
    defineRoute({
      method: "get", path: "/ops/domains", tag: "operator", summary: "Domain health across shops, with the edge's last reconcile", auth: "operator",
      query: z.object({ status: z.enum(["pending", "active", "degraded", "failed", "suspended"]).optional(), q: z.string().max(253).optional() }),
      async handler({ query, services }) {
        return { items: await services.domains.health(query), edge: services.edge ? await services.edge.lastReport() : null };
      },
    }),
    defineRoute({
      method: "post", path: "/ops/edge/reconcile", tag: "operator", summary: "Reconcile the edge with the database now", auth: "operator",
      async handler({ services, audit }) {
        if (!services.edge) throw new ApiError(409, "EDGE_NOT_CONFIGURED", "CADDY_ADMIN_URL is not set: this platform does not manage an edge.");
        return reconcileAsOperator(services.edge, services.prisma, audit);
      },
    }),
  ];
}
