/**
 * Job handlers for custom domains and the edge (DOM-4, EDGE-2). A handler that throws is retried with backoff by the
 * worker (and dead-lettered after its attempts), which is how "Caddy was down during a verify" heals by itself.
 */
import type { Services } from "#server/services.ts";
import { enqueueJob, type JobHandlers } from "./worker.ts";

export function domainJobHandlers(services: Services): Pick<JobHandlers, "domains.sweep" | "domains.check" | "edge.reconcile"> {
  return {
    async "domains.sweep"() {
      for (const d of await services.domains.due()) {
        // One job per domain and due time: a sweep that runs twice before the check does not check twice.
        await enqueueJob(services.queue, "domains.check", { domainId: d.id }, { jobId: `domain-check-${d.id}-${d.nextCheckAt.getTime()}` });
      }
    },
    async "domains.check"({ domainId }) {
      const r = await services.domains.check("system:scheduler", null, domainId);
      if (r.edgeError) throw new Error(`domain ${domainId} verified but the edge was not updated: ${r.edgeError}`);
    },
    async "edge.reconcile"({ reason }) {
      if (!services.edge) return;
      const r = await services.edge.reconcile(reason);
      if (!r.ok) throw new Error(r.error ?? "edge reconcile failed");
    },
  };
}
