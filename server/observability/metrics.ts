/**
 * Shared metrics in Redis, so a value set by a worker (edge reconcile drift and failures) is what every web
 * instance's /metrics shows. Each is declared here once (name, help, type); the Redis hash keeps one field per name.
 */
import type { RedisClient } from "#server/redis.ts";
import { registerFamilies, type FamilyDef, type Registry } from "./registry.ts";

const key = (prefix: string) => `${prefix}metrics`;

const GAUGES = {
  edge_route_drift: "Routes the last unprompted edge reconcile found missing, changed or stray in Caddy.",
  edge_reconcile_ok: "1 when the last edge reconcile reached Caddy and applied its routes, else 0.",
  edge_routed_hosts: "Hosts routed at the edge after the last reconcile.",
} as const;
const COUNTERS = {
  edge_route_drift_total: "Edge route drift found by reconciles: routes changed by something other than a known database change.",
  edge_reconcile_failures_total: "Edge reconciles that failed (Caddy unreachable or refused the routes).",
  mail_sent_total: "Mail messages an SMTP server accepted (or, in development, written to MAIL_DIR).",
  mail_failed_total: "Mail messages failed for good: refused by the server (5xx), out of attempts, or unrenderable.",
  mail_retries_total: "Mail delivery attempts that failed temporarily (SMTP 4xx, network) and were queued again.",
} as const;

export type SharedGauge = keyof typeof GAUGES;
export type SharedCounter = keyof typeof COUNTERS;

export async function setGauge(redis: RedisClient, prefix: string, name: SharedGauge, value: number) {
  await redis.hset(key(prefix), name, String(value));
}

export async function incCounter(redis: RedisClient, prefix: string, name: SharedCounter, by = 1) {
  await redis.hincrbyfloat(key(prefix), name, by);
}

export async function readMetrics(redis: RedisClient, prefix: string): Promise<Record<string, number>> {
  const all = await redis.hgetall(key(prefix));
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, Number(v)]));
}

/**
 * The shared values on `registry`, read from Redis (one HGETALL per scrape). A gauge nobody has set yet has no
 * value; a counter nobody has incremented is 0.
 */
export function registerSharedMetrics(registry: Registry, redis: RedisClient, prefix: string) {
  const defs: Array<FamilyDef<Record<string, number>>> = [
    ...Object.entries(GAUGES).map(([name, help]) => ({
      name, help, type: "gauge" as const, samples: (all: Record<string, number>) => (name in all ? [{ value: all[name]! }] : []),
    })),
    ...Object.entries(COUNTERS).map(([name, help]) => ({
      name, help, type: "counter" as const, samples: (all: Record<string, number>) => [{ value: all[name] ?? 0 }],
    })),
  ];
  registerFamilies(registry, () => readMetrics(redis, prefix), defs);
}
