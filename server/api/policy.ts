/** Payment policy routes (PAY-1/2): any member reads; owner and finance write, compare-and-swap on version. */
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { getPaymentPolicy, paymentPolicySchema, putPaymentPolicy } from "#server/tenancy/index.ts";


export function policyRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/payment-policy", tag: "payments", summary: "The shop's payment policy",
      auth: { tenant: { action: "policy.read", operator: true } },
      params: tenantParams,
      async handler({ params, services }) {
        return getPaymentPolicy(services.prisma, params.tenantId);
      },
    }),
    defineRoute({
      method: "put", path: "/tenants/:tenantId/payment-policy", tag: "payments", summary: "Replace the payment policy (owner, finance)",
      auth: { tenant: { action: "policy.edit", operator: false } },
      params: tenantParams, body: paymentPolicySchema,
      async handler({ params, body, audit, services }) {
        return putPaymentPolicy(services.prisma, services.publishTenancyChange, audit, params.tenantId, body);
      },
    }),
  ];
}
