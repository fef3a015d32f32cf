/** The Redis topology settings (docs/decisions/021-redis-topologies.md): exactly one topology, well-formed addresses. */
import { describe, expect, it } from "vitest";
import { parseEnv } from "#server/env.ts";

describe("Redis topology env", () => {
  it("defaults to the standalone REDIS_URL and parses cluster seeds and sentinels as host:port lists", () => {
    const plain = parseEnv({});
    expect([plain.REDIS_URL, plain.REDIS_CLUSTER_NODES, plain.REDIS_SENTINELS]).toEqual(["redis://127.0.0.1:6379", [], []]);
    expect(parseEnv({ REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b:7001" }).REDIS_CLUSTER_NODES).toEqual([{ host: "10.0.0.1", port: 7000 }, { host: "redis-b", port: 7001 }]);
    const s = parseEnv({ REDIS_SENTINELS: "s1:26379,s2:26379,s3:26379", REDIS_SENTINEL_NAME: "sf" });
    expect([s.REDIS_SENTINELS.length, s.REDIS_SENTINEL_NAME]).toEqual([3, "sf"]);
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: "a:7000", REDIS_SENTINELS: "s:26379", REDIS_SENTINEL_NAME: "sf" }, /exclusive/],
    [{ REDIS_URL: "redis://a:6379", REDIS_CLUSTER_NODES: "a:7000" }, /REDIS_URL and REDIS_CLUSTER_NODES are exclusive/],
    [{ REDIS_URL: "redis://a:6379", REDIS_SENTINELS: "s:26379", REDIS_SENTINEL_NAME: "sf" }, /REDIS_URL and REDIS_SENTINELS are exclusive/],
    [{ REDIS_SENTINELS: "s:26379" }, /REDIS_SENTINEL_NAME is required/],
    [{ REDIS_SENTINEL_NAME: "sf" }, /REDIS_SENTINELS is empty/],
    [{ REDIS_CLUSTER_NODES: "a" }, /host:port/],
    [{ REDIS_CLUSTER_NODES: "a:99999" }, /REDIS_CLUSTER_NODES/],
  ])("refuses %o", (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
  });
});
