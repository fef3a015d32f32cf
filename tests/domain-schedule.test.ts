/**
 * DOM-4 schedules on the real service, database and a DNS server on loopback, with the clock moved by hand:
 * pending backoff (first checks within minutes, capped at 4 h), failure after 7 days with the owner told, daily
 * re-checks of active domains (degraded, then unrouted after the grace period), and recovery.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { createDnsLookup, DomainService } from "#server/domains/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import { startTestDns, type TestDns } from "./dns-server.ts";
import { EDGE_CNAME, publishRecords } from "./edge-stack.ts";

const db = await createTestDatabase();
const redis = new Redis(REDIS_URL);
let dns: TestDns;
let service: DomainService;
let tenantId: string;
let clock = new Date("2026-11-23T12:00:00Z");
const told: Array<{ tenantId: string; id: string; text: string }> = [];
const published: string[] = [];
const audit = { userId: null, kind: "system" as const };
const MIN = 60_000;
const HOUR = 60 * MIN;

beforeAll(async () => {
  dns = await startTestDns();
  tenantId = (await createTenant(db.prisma, { slug: "sched" })).id;
  service = new DomainService({
    prisma: db.prisma, redis, prefix: redisPrefix(), platformDomain: "localhost",
    dns: createDnsLookup({ servers: [dns.address], timeoutMs: 500 }),
    edge: { cnameTarget: EDGE_CNAME, ipv4: [], ipv6: [], caaIssuers: [] },
    publish: async (reason) => void published.push(reason),
    notify: async (tid, event) => void told.push({ tenantId: tid, ...event }),
    manualCheckMinMs: 0, pendingMaxDays: 7, degradedGraceHours: 72,
    now: () => clock,
  });
});
afterAll(async () => {
  redis.disconnect();
  await dns?.close();
});

const row = (id: string) => db.prisma.tenantDomain.findUniqueOrThrow({ where: { id } });
const events = (id: string) => db.prisma.tenantDomainEvent.findMany({ where: { domainId: id }, orderBy: { createdAt: "asc" } });

describe("pending domains", () => {
  it("are re-checked on a backoff: first within minutes, then less often, capped at 4 h", async () => {
    clock = new Date("2026-11-23T12:00:00Z");
    const d = await service.add(audit, tenantId, { hostname: "slow.example.test" });
    const gaps: number[] = [];
    let next = (await row(d.id)).nextCheckAt!;
    gaps.push((next.getTime() - clock.getTime()) / MIN);
    for (let i = 0; i < 9; i++) {
      clock = next;
      expect((await service.due()).map((x) => x.id)).toContain(d.id);
      const r = await service.check("system:scheduler", null, d.id);
      expect(r.to).toBe("pending");
      const after = (await row(d.id)).nextCheckAt!;
      gaps.push((after.getTime() - clock.getTime()) / MIN);
      next = after;
      expect((await service.due()).map((x) => x.id)).not.toContain(d.id); // not due again until then
    }
    expect(gaps).toEqual([1, 2, 5, 10, 30, 60, 120, 240, 240, 240]);
    // Logged: the addition, and the first check with the DNS answers seen; later checks that found the same problems
    // are not repeated in the log. A check that finds something new is.
    let log = await events(d.id);
    expect(log).toHaveLength(2);
    expect(log.at(-1)).toMatchObject({ fromStatus: "pending", toStatus: "pending", actor: "system:scheduler" });
    expect((log.at(-1)!.evidence as { problems: Array<{ code: string }> }).problems.map((p) => p.code)).toEqual(["txt_missing", "nxdomain"]);
    dns.set("slow.example.test", "CNAME", ["elsewhere.example.net"]);
    await service.check("system:scheduler", null, d.id);
    log = await events(d.id);
    expect(log).toHaveLength(3);
    expect((log.at(-1)!.evidence as { problems: Array<{ code: string }> }).problems.map((p) => p.code)).toEqual(["txt_missing", "cname_elsewhere"]);
  });

  it("give up after 7 days: failed, no more checks, and the owner is told", async () => {
    clock = new Date("2026-11-23T12:00:00Z");
    const d = await service.add(audit, tenantId, { hostname: "never.example.test" });
    clock = new Date(clock.getTime() + 7 * 24 * HOUR - MIN);
    expect((await service.check("system:scheduler", null, d.id)).to).toBe("pending");
    clock = new Date(clock.getTime() + MIN);
    const r = await service.check("system:scheduler", null, d.id);
    expect(r.to).toBe("failed");
    expect(r.domain.problems.length).toBeGreaterThan(0);
    expect((await row(d.id)).nextCheckAt).toBeNull();
    expect((await service.due()).map((x) => x.id)).not.toContain(d.id);
    expect(told.at(-1)).toMatchObject({ tenantId, text: expect.stringMatching(/never\.example\.test could not be verified within 7 days/) });
    // The merchant fixes DNS and checks again: failed → active.
    publishRecords(dns, r.domain.records);
    expect((await service.check("user:x", tenantId, d.id, { manual: true })).to).toBe("active");
  });
});

describe("active domains", () => {
  it("are re-checked daily: degraded when DNS stops pointing at us, unrouted after the grace period, active again when fixed", async () => {
    clock = new Date("2026-12-01T00:00:00Z");
    const d = await service.add(audit, tenantId, { hostname: "daily.example.test" });
    publishRecords(dns, d.records);
    const verified = await service.check("user:x", tenantId, d.id, { manual: true });
    expect(verified.to).toBe("active");
    expect((await row(d.id)).nextCheckAt!.getTime() - clock.getTime()).toBe(24 * HOUR);
    expect(published.at(-1)).toMatch(/daily\.example\.test pending → active/);

    // The merchant deletes the TXT record after verification: that is fine for an active domain.
    dns.remove("_storefront-verify.daily.example.test");
    clock = new Date(clock.getTime() + 24 * HOUR);
    expect((await service.check("system:scheduler", null, d.id)).to).toBe("active");

    // The CNAME moves elsewhere: degraded (still served), the merchant is warned.
    dns.set("daily.example.test", "CNAME", ["other-host.example.net"]);
    clock = new Date(clock.getTime() + 24 * HOUR);
    const degraded = await service.check("system:scheduler", null, d.id);
    expect(degraded.to).toBe("degraded");
    expect(degraded.domain.degradedSince).toEqual(clock);
    expect(degraded.domain.problems[0]).toMatch(/other-host\.example\.net/);
    expect(told.at(-1)!.text).toMatch(/no longer points at the shop/);

    // Within the grace period it stays degraded; after 72 h it is suspended (unrouted) and no longer primary.
    clock = new Date(clock.getTime() + 71 * HOUR);
    expect((await service.check("system:scheduler", null, d.id)).to).toBe("degraded");
    clock = new Date(clock.getTime() + HOUR);
    const off = await service.check("system:scheduler", null, d.id);
    expect(off.to).toBe("suspended");
    expect(off.domain.isPrimary).toBe(false);
    expect(told.at(-1)!.text).toMatch(/no longer served/);
    expect(published.at(-1)).toMatch(/degraded → suspended/);

    // Fixed DNS (with the TXT again: it needs ownership proof to come back) → active.
    publishRecords(dns, d.records);
    dns.remove("daily.example.test", "CNAME");
    dns.set("daily.example.test", "CNAME", [EDGE_CNAME]);
    expect((await service.check("user:x", tenantId, d.id, { manual: true })).to).toBe("active");
    const transitions = (await events(d.id)).filter((e) => e.fromStatus !== e.toStatus).map((e) => `${e.fromStatus}→${e.toStatus}`);
    expect(transitions).toEqual(["null→pending", "pending→active", "active→degraded", "degraded→suspended", "suspended→active"]);
  });

  it("a degraded domain whose DNS is fixed within the grace period is active again", async () => {
    clock = new Date("2026-12-10T00:00:00Z");
    const d = await service.add(audit, tenantId, { hostname: "wobbly.example.test" });
    publishRecords(dns, d.records);
    await service.check("user:x", tenantId, d.id, { manual: true });
    dns.set("wobbly.example.test", "CNAME", ["elsewhere.example.net"]);
    clock = new Date(clock.getTime() + 24 * HOUR);
    expect((await service.check("system:scheduler", null, d.id)).to).toBe("degraded");
    dns.set("wobbly.example.test", "CNAME", [EDGE_CNAME]);
    clock = new Date(clock.getTime() + HOUR);
    const back = await service.check("system:scheduler", null, d.id);
    expect(back.to).toBe("active");
    expect(back.domain.degradedSince).toBeNull();
  });
});
