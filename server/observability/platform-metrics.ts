/**
 * OPS-3 metrics read at scrape time: job queue depths (BullMQ, shared by all instances) and custom domains by state
 * and TLS state (Postgres), loaded together once per scrape; and this instance's tenant-resolution cache hits and
 * misses, read from the resolver.
 */
import type { Queue } from "bullmq";
import { registerFamilies, type Registry } from "./registry.ts";

const QUEUE_STATES = ["waiting", "prioritized", "active", "delayed", "failed"] as const;

type QueueCounts = Array<{ queue: string; counts: Record<string, number> }>;
interface DomainCounts {
  byState: Array<{ status: string; tlsStatus: string; count: number }>;
  expiringSoon: number;
}
interface ResolverCounts {
  hits: number;
  misses: number;
  evictions: number;
  size: number;
}

async function queueDepths(queues: Queue[]): Promise<QueueCounts> {
  const counts = await Promise.all(queues.map((q) => q.getJobCounts(...QUEUE_STATES)));
  return queues.map((q, i) => ({ queue: q.name, counts: counts[i]! }));
}

export function registerPlatformMetrics(
  registry: Registry,
  deps: { queues: Queue[]; domainCounts: () => Promise<DomainCounts>; resolver: ResolverCounts },
) {
  const load = async () => {
    const [queues, domains] = await Promise.all([queueDepths(deps.queues), deps.domainCounts()]);
    return { queues, domains };
  };
  registerFamilies(registry, load, [
    {
      name: "queue_jobs", help: "Jobs per BullMQ queue and state (failed = dead letter).", type: "gauge", labelNames: ["queue", "state"],
      samples: ({ queues }) => queues.flatMap(({ queue, counts }) => QUEUE_STATES.map((state) => ({ labels: { queue, state }, value: counts[state] ?? 0 }))),
    },
    {
      name: "tenant_domains", help: "Custom domains (not removed) by status and TLS status.", type: "gauge", labelNames: ["status", "tls_status"],
      samples: ({ domains }) => domains.byState.map((g) => ({ labels: { status: g.status, tls_status: g.tlsStatus }, value: g.count })),
    },
    {
      name: "tenant_domain_tls_expiring_soon", help: "Routed custom domains whose certificate ends within 14 days.", type: "gauge",
      samples: ({ domains }) => [{ value: domains.expiringSoon }],
    },
  ]);

  const resolver = deps.resolver;
  registerFamilies(registry, async () => resolver, [
    {
      name: "tenant_resolution_cache_total", help: "Host to tenant resolutions of this instance, served from its cache (hit) or the database (miss).",
      type: "counter", labelNames: ["result"],
      samples: (r) => [{ labels: { result: "hit" }, value: r.hits }, { labels: { result: "miss" }, value: r.misses }],
    },
    {
      name: "tenant_resolution_cache_evictions_total", help: "Entries this instance's resolution cache dropped to stay within TENANT_CACHE_MAX_ENTRIES.",
      type: "counter", samples: (r) => [{ value: r.evictions }],
    },
    { name: "tenant_resolution_cache_entries", help: "Entries in this instance's resolution cache.", type: "gauge", samples: (r) => [{ value: r.size }] },
  ]);
}
