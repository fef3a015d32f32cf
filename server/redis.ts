import { Redis, type RedisOptions } from "ioredis";

/** Producers fail fast; BullMQ workers need `maxRetriesPerRequest: null` (docs/security.md reliability 4). */
export function createRedis(url: string, options: RedisOptions & { use?: "client" | "subscriber" | "worker" } = {}) {
  const { use = "client", ...rest } = options;
  return new Redis(url, {
    maxRetriesPerRequest: use === "worker" ? null : 2,
    connectTimeout: 2_000,
    ...rest,
  });
}
