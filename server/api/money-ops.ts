/** Operator money routes: the disputes queue, kill switches, reconciliation runs and reports. */
import { z } from "zod";
import { defineRoute, ApiError } from "#server/http/index.ts";
import { chainClearHaltSchema, disputeResolveSchema, killSwitchSchema } from "#server/money/index.ts";

export function moneyOpsRoutes() {
  return [
    defineRoute({
      method: "get", path: "/ops/money/disputes", tag: "operator", summary: "The disputes queue (oldest first)", auth: "operator",
      query: z.object({ status: z.enum(["open", "resolved"]).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      async handler({ query, services }) {
        return { items: await services.money.listDisputes(query.status, query.limit) };
      },
    }),
    defineRoute({
      method: "post", path: "/ops/money/disputes/:disputeId/resolve", tag: "operator", summary: "Resolve a dispute as release or refund", auth: "operator",
      params: z.object({ disputeId: z.uuid() }), body: disputeResolveSchema,
      async handler({ params, body, audit, services }) {
        await services.money.resolveDispute(audit, params.disputeId, body.resolution, body.note);
        return { resolved: true };
      },
    }),
    defineRoute({
      method: "get", path: "/ops/money/card-flags", tag: "operator", summary: "Card payments flagged for a look (amount mismatch, paid too late, partial refund)", auth: "operator",
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      async handler({ query, services }) {
        return { items: await services.money.flaggedCardEvents(query.limit) };
      },
    }),
    defineRoute({
      method: "get", path: "/ops/money/kill-switch", tag: "operator", summary: "Kill switch state (global and per tenant)", auth: "operator",
      async handler({ services }) {
        return services.money.killSwitchState();
      },
    }),
    defineRoute({
      method: "put", path: "/ops/money/kill-switch", tag: "operator", summary: "Turn a kill switch on or off (tenantId null = global), with a reason", auth: "operator",
      body: killSwitchSchema,
      async handler({ body, audit, services }) {
        return services.money.setKillSwitch(audit, body);
      },
    }),
    defineRoute({
      method: "post", path: "/ops/money/reconciliation", tag: "operator", summary: "Run reconciliation now (reports; never fixes)", auth: "operator",
      async handler({ audit, services }) {
        const r = await services.money.reconcile("manual", audit);
        if (r.skipped) throw new ApiError(409, "RECONCILIATION_RUNNING", "Another reconciliation is running; try again shortly.");
        return r;
      },
    }),
    defineRoute({
      method: "get", path: "/ops/money/reconciliation", tag: "operator", summary: "Latest reconciliation reports and the violation counter", auth: "operator",
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
      async handler({ query, services }) {
        return services.money.reconciliationReports(query.limit);
      },
    }),
    defineRoute({
      method: "get", path: "/ops/money/chain", tag: "operator", auth: "operator",
      summary: "On-chain rails: indexer position and halt, flagged events (with their refund) and failed payouts; `status` null when the rails are off",
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      async handler({ query, services }) {
        const [status, flagged, failedPayouts] = await Promise.all([
          services.money.chainStatus(), services.money.flaggedChainEvents(query.limit), services.money.failedChainPayouts(query.limit),
        ]);
        return { status, flagged, failedPayouts };
      },
    }),
    defineRoute({
      method: "post", path: "/ops/money/chain/events/:eventId/refund", tag: "operator", auth: "operator",
      summary: "Have the arbiter refund a flagged funding to its payer (audited money.chain_refund_flagged). Errors: 404 CHAIN_EVENT_NOT_FOUND, "
        + "409 CHAIN_EVENT_NOT_REFUNDABLE (not a flagged Funded), 409 CHAIN_REFUND_EXISTS (asked before; nothing sent again), 409 CHAIN_OFF",
      params: z.object({ eventId: z.uuid() }),
      async handler({ params, audit, services }) {
        return { eventId: params.eventId, step: await services.money.refundFlaggedFunding(audit, params.eventId) };
      },
    }),
    defineRoute({
      method: "post", path: "/ops/money/chain/clear-halt", tag: "operator", auth: "operator",
      summary: "Clear the chain indexer's halt after checking the chain, optionally rescanning from a block (audited money.chain_clear_halt). "
        + "Errors: 409 CHAIN_NOT_HALTED, 400 CHAIN_RESCAN_OUT_OF_RANGE, 409 CHAIN_OFF",
      body: chainClearHaltSchema,
      async handler({ body, audit, services }) {
        const rescanFromBlock = body.rescanFromBlock === undefined ? undefined : BigInt(body.rescanFromBlock);
        return services.money.clearChainHalt(audit, { rescanFromBlock });
      },
    }),
    defineRoute({
      method: "get", path: "/ops/money/metrics", tag: "operator", summary: "Money metrics in Prometheus text format", auth: "operator",
      async handler({ services, res }) {
        res.type("text/plain; version=0.0.4").send(await services.money.metricsText());
      },
    }),
  ];
}
