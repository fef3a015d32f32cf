/** Operators read the alerts table (ADR 042): what fired, for whom, whether it reached anyone, and when it cleared. */
import { z } from "zod";
import { defineRoute } from "#server/http/index.ts";

export function alertRoutes() {
  return [
    defineRoute({
      method: "get", path: "/ops/alerts", tag: "operator", summary: "Alerts to owners and operators, newest first (open=true: only open ones)", auth: "operator",
      query: z.object({ open: z.enum(["true", "false"]).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
      async handler({ query, services }) {
        return { items: await services.alerts.list({ open: query.open === "true", limit: query.limit }) };
      },
    }),
    defineRoute({
      method: "get", path: "/ops/tenants/health-summary", tag: "operator", auth: "operator",
      summary: "Per-shop health: domains (status, TLS expiry), bots (status, last update seen), open alerts, last backup, kill switch",
      async handler({ services }) {
        return services.alerts.healthSummary();
      },
    }),
  ];
}
