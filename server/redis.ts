/**
 * One way to open Redis for every topology (docs/decisions/021-redis-topologies.md): a standalone server
 * (REDIS_URL), a Redis Cluster (REDIS_CLUSTER_NODES) or a Sentinel-managed master (REDIS_SENTINELS +
 * REDIS_SENTINEL_NAME). Callers get a `RedisClient` and never branch on the topology; the few places where keys
 * must share a cluster slot ask `hashTag`.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import type { Env } from "./env.ts";

export type RedisClient = Redis | Cluster;
export type RedisTarget = Pick<Env, "REDIS_URL" | "REDIS_CLUSTER_NODES" | "REDIS_SENTINELS" | "REDIS_SENTINEL_NAME">;
type Use = "client" | "subscriber" | "worker";

/** Producers fail fast; BullMQ workers need `maxRetriesPerRequest: null` (docs/security.md reliability 4). */
export function createRedis(target: string | RedisTarget, options: RedisOptions & { use?: Use } = {}): RedisClient {
  const { use = "client", ...rest } = options;
  const base: RedisOptions = { maxRetriesPerRequest: use === "worker" ? null : 2, connectTimeout: 2_000, ...rest };
  if (typeof target === "string") return new Redis(target, base);
  if (target.REDIS_CLUSTER_NODES.length) {
    const cluster: ClusterOptions = {
      redisOptions: base,
      // Replies of MOVED/ASK and a failover within the cluster are followed; a command still fails after this.
      maxRedirections: 16,
      ...(use === "worker" ? {} : { clusterRetryStrategy: (times: number) => Math.min(100 * times, 2_000) }),
    };
    return new Cluster(target.REDIS_CLUSTER_NODES, cluster);
  }
  if (target.REDIS_SENTINELS.length) {
    // ioredis asks the sentinels for the current master and, after a failover (+switch-master), reconnects to the
    // promoted replica; `failoverDetector` follows the sentinels' notice instead of waiting for a broken socket.
    return new Redis({ ...base, sentinels: target.REDIS_SENTINELS, name: target.REDIS_SENTINEL_NAME!, failoverDetector: true });
  }
  return new Redis(target.REDIS_URL, base);
}

/**
 * Wraps `name` in a hash tag on a cluster, so every key that starts with it lands in one slot (multi-key commands
 * and Lua scripts that span them stay legal). On a single server it is returned as is: existing keys keep their names.
 */
export function hashTag(client: RedisClient, name: string) {
  return client.isCluster ? `{${name}}` : name;
}

/** BullMQ's key prefix: on a cluster a hash tag, because each queue's Lua scripts touch many of its keys at once. */
export const bullPrefix = (client: RedisClient, prefix: string) => hashTag(client, `${prefix}bull`);
