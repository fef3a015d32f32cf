/**
 * Sales overview and Payouts (ADR 031): the figures the dashboard shows, for API clients. The tenant floor is in
 * every query; `sales.read` and `payouts.read` in the permission table say who may read them.
 */
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { movementsQuerySchema, overviewQuerySchema } from "#server/reports/index.ts";

export function reportRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/sales-overview", tag: "orders",
      summary: "Orders, GMV, conversion, refunds and disputes for today / 7 / 30 days, a daily chart, top items and rails (the shop's time zone)",
      auth: { tenant: { action: "sales.read", operator: true } }, params: tenantParams, query: overviewQuerySchema,
      async handler({ params, query, services }) {
        return services.reports.overview(params.tenantId, query.chart);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/payouts", tag: "orders",
      summary: "Balances from the ledger: held in escrow, payable to the merchant, paid out, fees owed",
      auth: { tenant: { action: "payouts.read", operator: true } }, params: tenantParams,
      async handler({ params, services }) {
        return { balances: await services.reports.balances(params.tenantId) };
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/payouts/movements", tag: "orders",
      summary: "Ledger movements of the shop's escrow, payable and fee accounts, each with its order (local days from..to)",
      auth: { tenant: { action: "payouts.read", operator: true } }, params: tenantParams, query: movementsQuerySchema,
      async handler({ params, query, services }) {
        const page = await services.reports.movements(params.tenantId, query);
        return { from: page.range.fromDay, to: page.range.toDay, timeZone: page.range.timeZone, items: page.items, nextAfter: page.nextAfter };
      },
    }),
  ];
}
