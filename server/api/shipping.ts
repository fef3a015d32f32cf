/** Shipping zones, rates and tax settings (ADR 035): any member reads; owners, managers and finance replace them (CAS on version). */
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { getShippingTax, putShippingTax, putShippingTaxSchema } from "#server/shipping/index.ts";

export function shippingRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/shipping", tag: "shipping", summary: "The shop's shipping zones, rates and tax settings",
      auth: { tenant: { action: "shipping.read", operator: true } },
      params: tenantParams,
      async handler({ params, services }) {
        return getShippingTax(services.prisma, params.tenantId);
      },
    }),
    defineRoute({
      method: "put", path: "/tenants/:tenantId/shipping", tag: "shipping",
      summary: "Replace the shipping zones, rates and tax settings (owner, manager, finance; version 0 creates them)",
      auth: { tenant: { action: "shipping.edit", operator: false } },
      params: tenantParams, body: putShippingTaxSchema,
      async handler({ params, body, audit, services }) {
        return putShippingTax(services.prisma, audit, params.tenantId, body);
      },
    }),
  ];
}
