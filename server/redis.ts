import { Redis, type RedisOptions } from "ioredis";

/** Producers fail fast; BullMQ workers need `maxRetriesPerRequest: null` (SECURITY.md reliability 4). */
export function createRedis(url: string, opts: RedisOptions & { role?: "client" | "subscriber" | "worker" } = {}) {
  const { role = "client", ...rest } = opts;
  return new Redis(url, {
    maxRetriesPerRequest: role === "worker" ? null : 2,
    enableOfflineQueue: role !== "client" ? true : true,
    connectTimeout: 2_000,
    ...rest,
  });
}
