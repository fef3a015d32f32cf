/**
 * Platform fee statements (G13-7, ADR 025): every member of a shop reads its own (like the fee itself); operators read
 * every shop's and mark one settled (audited, posted in the ledger).
 */
import { z } from "zod";
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { feeSettleSchema, feeStatementsQuerySchema } from "#server/money/index.ts";

const members = { tenant: { action: "platformFee.read" as const, operator: true } };
const statementParams = z.object({ statementId: z.uuid() });

export function feeStatementRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/fee-statements", tag: "orders", summary: "The shop's monthly platform-fee statements (newest first)",
      auth: members, params: tenantParams,
      async handler({ params, services }) {
        return { items: await services.money.feeStatements(params.tenantId) };
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/fee-statements/:statementId", tag: "orders", summary: "One fee statement with its orders and fees",
      auth: members, params: tenantParams.merge(statementParams),
      async handler({ params, services }) {
        return services.money.feeStatement(params.tenantId, params.statementId);
      },
    }),
    defineRoute({
      method: "get", path: "/ops/fee-statements", tag: "operator", summary: "Every shop's fee statements (filter by month, status)", auth: "operator",
      query: feeStatementsQuerySchema,
      async handler({ query, services }) {
        return { items: await services.money.allFeeStatements(query) };
      },
    }),
    defineRoute({
      method: "post", path: "/ops/fee-statements/:statementId/settle", tag: "operator",
      summary: "Mark a statement settled (the shop paid it): audited and posted in the ledger", auth: "operator",
      params: statementParams, body: feeSettleSchema,
      async handler({ params, body, audit, services }) {
        return services.money.settleFeeStatement(audit, params.statementId, body.note);
      },
    }),
  ];
}
