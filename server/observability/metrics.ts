/**
 * Shared metrics in Redis, so a value set by a worker (reconciliation drift, invariant violations) is what every web
 * instance's /metrics shows. Prometheus text format; names and label values are ours (no user input).
 */
import type { RedisClient } from "#server/redis.ts";

const key = (prefix: string) => `${prefix}metrics`;
const NAME = /^[a-z_][a-z0-9_]*$/;

export function field(name: string, labels: Record<string, string> = {}) {
  if (!NAME.test(name)) throw new TypeError(`bad metric name ${name}`);
  const l = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`);
  return l.length ? `${name}{${l.join(",")}}` : name;
}

export async function setGauge(redis: RedisClient, prefix: string, name: string, value: number, labels?: Record<string, string>) {
  await redis.hset(key(prefix), field(name, labels), String(value));
}

export async function incCounter(redis: RedisClient, prefix: string, name: string, by = 1, labels?: Record<string, string>) {
  await redis.hincrbyfloat(key(prefix), field(name, labels), by);
}

export async function readMetrics(redis: RedisClient, prefix: string): Promise<Record<string, number>> {
  const all = await redis.hgetall(key(prefix));
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, Number(v)]));
}

export async function renderMetrics(redis: RedisClient, prefix: string): Promise<string> {
  const all = await readMetrics(redis, prefix);
  return Object.keys(all).sort().map((k) => `${k} ${all[k]}`).join("\n") + "\n";
}
