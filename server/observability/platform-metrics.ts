/**
 * OPS-3 metrics read at scrape time: job queue depths (BullMQ, shared by all instances), custom domains by state and
 * TLS state, and this instance's tenant-resolution cache hits and misses. Rendered as Prometheus text families.
 */
import type { Queue } from "bullmq";
import { field } from "./metrics.ts";

export interface Family {
  name: string;
  help: string;
  type: "gauge" | "counter";
  samples: Array<{ labels?: Record<string, string>; value: number }>;
}

export function renderFamilies(families: Family[]): string {
  return families
    .map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.samples.map((s) => `${field(f.name, s.labels)} ${s.value}`)].join("\n"))
    .join("\n") + "\n";
}

const QUEUE_STATES = ["waiting", "prioritized", "active", "delayed", "failed"] as const;

export async function queueDepths(queues: Queue[]): Promise<Family> {
  const counts = await Promise.all(queues.map((q) => q.getJobCounts(...QUEUE_STATES)));
  return {
    name: "queue_jobs", help: "Jobs per BullMQ queue and state (failed = dead letter).", type: "gauge",
    samples: queues.flatMap((q, i) => QUEUE_STATES.map((state) => ({ labels: { queue: q.name, state }, value: counts[i]![state] ?? 0 }))),
  };
}

export function domainFamilies(counts: { byState: Array<{ status: string; tlsStatus: string; count: number }>; expiringSoon: number }): Family[] {
  return [
    {
      name: "tenant_domains", help: "Custom domains (not removed) by status and TLS status.", type: "gauge",
      samples: counts.byState.map((g) => ({ labels: { status: g.status, tls_status: g.tlsStatus }, value: g.count })),
    },
    { name: "tenant_domain_tls_expiring_soon", help: "Routed custom domains whose certificate ends within 14 days.", type: "gauge", samples: [{ value: counts.expiringSoon }] },
  ];
}

export function resolutionFamilies(counts: { hits: number; misses: number; evictions: number; size: number }): Family[] {
  return [
    {
      name: "tenant_resolution_cache_total", help: "Host to tenant resolutions of this instance, served from its cache (hit) or the database (miss).", type: "counter",
      samples: [{ labels: { result: "hit" }, value: counts.hits }, { labels: { result: "miss" }, value: counts.misses }],
    },
    {
      name: "tenant_resolution_cache_evictions_total", help: "Entries this instance's resolution cache dropped to stay within TENANT_CACHE_MAX_ENTRIES.", type: "counter",
      samples: [{ value: counts.evictions }],
    },
    { name: "tenant_resolution_cache_entries", help: "Entries in this instance's resolution cache.", type: "gauge", samples: [{ value: counts.size }] },
  ];
}
