import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { createTestDatabase } from "./db.ts";
import { createTenant } from "./factories.ts";
import { TenantResolver } from "#server/tenancy/index.ts";

const db = await createTestDatabase();

/** Counts every query Prisma actually sends, whatever the resolver believes it does. */
function countingClient() {
  const counter = { queries: 0 };
  const prisma = db.prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        counter.queries++;
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  return { prisma, counter };
}

describe("resolution cache", () => {
  it("1,000 random unknown hosts cost at most 1,000 queries, and repeating them costs none", async () => {
    const { prisma, counter } = countingClient();
    const resolver = new TenantResolver({ prisma, platformDomain: "localhost", ttlMs: 60_000, negativeTtlMs: 60_000 });
    const hosts = Array.from({ length: 1000 }, (_, i) => (i % 2 ? `${randomBytes(6).toString("hex")}.localhost` : `${randomBytes(6).toString("hex")}.example.com`));
    for (const h of hosts) expect((await resolver.resolve(h)).kind).toBe("unknown");
    expect(counter.queries).toBeGreaterThan(0);
    expect(counter.queries).toBeLessThanOrEqual(1000);
    const before = counter.queries;
    for (const h of hosts) await resolver.resolve(h);
    expect(counter.queries).toBe(before);
  });

  it("a hit does no I/O; an expired negative entry is looked up again", async () => {
    await createTenant(db.prisma, { slug: "later" });
    let now = 0;
    const { prisma, counter } = countingClient();
    const resolver = new TenantResolver({ prisma, platformDomain: "localhost", ttlMs: 1000, negativeTtlMs: 100, now: () => now });
    expect((await resolver.resolve("later.localhost")).kind).toBe("tenant");
    const q = counter.queries;
    for (let i = 0; i < 100; i++) await resolver.resolve("later.localhost");
    expect(counter.queries).toBe(q);
    await resolver.resolve("missing.localhost");
    const q2 = counter.queries;
    now = 50;
    await resolver.resolve("missing.localhost");
    expect(counter.queries).toBe(q2);
    now = 200;
    await resolver.resolve("missing.localhost");
    expect(counter.queries).toBe(q2 + 1);
  });

  it("2,000 random unknown hosts with a cap of 500 leave at most 500 entries, counted as evictions; known shops still resolve", async () => {
    await createTenant(db.prisma, { slug: "kept" });
    const resolver = new TenantResolver({ prisma: db.prisma, platformDomain: "localhost", ttlMs: 60_000, negativeTtlMs: 60_000, maxEntries: 500 });
    expect((await resolver.resolve("kept.localhost")).kind).toBe("tenant");
    for (let i = 0; i < 2000; i++) {
      await resolver.resolve(`${randomBytes(6).toString("hex")}.${i % 2 ? "localhost" : "example.com"}`);
      // A shop in use stays recently used, so the flood evicts the random names, not it.
      if (i % 100 === 0) expect((await resolver.resolve("kept.localhost")).kind).toBe("tenant");
    }
    expect(resolver.size).toBeLessThanOrEqual(500);
    expect(resolver.evictions).toBeGreaterThanOrEqual(1500);
    const lookups = resolver.lookups;
    expect((await resolver.resolve("kept.localhost")).kind).toBe("tenant");
    expect(resolver.lookups).toBe(lookups);
    // A shop evicted by the flood is looked up again, and still resolves.
    const cold = new TenantResolver({ prisma: db.prisma, platformDomain: "localhost", ttlMs: 60_000, negativeTtlMs: 60_000, maxEntries: 10 });
    expect((await cold.resolve("kept.localhost")).kind).toBe("tenant");
    for (let i = 0; i < 50; i++) await cold.resolve(`${randomBytes(6).toString("hex")}.localhost`);
    expect(cold.size).toBe(10);
    expect((await cold.resolve("kept.localhost")).kind).toBe("tenant");
  });
});
