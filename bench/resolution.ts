/**
 * TEN-3/TEN-4: what resolving a host costs as the platform grows to 10, 10,000 and 100,000 tenants (each with one
 * active primary custom domain, so 2N resolvable hosts: `<slug>.<platform>` and `shop.<slug>.example.com`).
 *
 * cold — a cache miss: TenantResolver.resolve() on the real Prisma client over Postgres, one lookup in flight,
 *        the cache cleared before every call. Subdomain and custom-domain hosts are timed separately because they
 *        take different query paths.
 * warm — a cache hit: the resolver's cache holds all 2N hosts and resolve() is called for hosts drawn uniformly at
 *        random from them. Filling 200k entries through real lookups would take minutes, so the warm resolver is
 *        filled through a replay shim: it runs the resolver's own queries (same `select`, captured from the call)
 *        as a few paged findMany() calls and answers each findUnique/findFirst with a copy of the row Postgres
 *        returned. The cached values are therefore exactly what real lookups produce; only the fill is batched.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { openDatabase } from "#server/db/client.ts";
import { TenantResolver } from "#server/tenancy/index.ts";
import type { ScratchDatabase } from "#tests/scratch-db.ts";

export interface ResolutionOptions {
  sizes: number[];
  platformDomain: string;
  coldSecondsPerKind: number;
  warmOpsPerPass: number;
  warmPasses: number;
}

export interface ColdStats {
  meanUs: number;
  p50Us: number;
  samples: number;
}

export interface SizeResult {
  n: number;
  hosts: number;
  warmOpsPerSec: number;
  warmNsPerOp: number;
  coldSubdomain: ColdStats;
  coldCustom: ColdStats;
  /** Mean of the two cold kinds: a 50/50 mix of subdomain and custom-domain misses. */
  coldMixUs: number;
}

export const slugOf = (i: number) => `t${String(i).padStart(6, "0")}`;
export const customHostOf = (i: number) => `shop.${slugOf(i)}.example.com`;

/** Tenants [from, to), each with a payment policy and one active primary custom domain (also seeds bench/edge-ask.ts). */
export async function grow(prisma: PrismaClient, from: number, to: number) {
  if (to <= from) return;
  await prisma.$executeRawUnsafe(
    `WITH ins AS (
       INSERT INTO tenants (id, slug, display_name, type, status, brand, updated_at)
       SELECT gen_random_uuid(), 't' || lpad(i::text, 6, '0'), 'Bench Tenant ' || i, 'hosted_seller', 'active',
              jsonb_build_object('displayName', 'Bench Tenant ' || i, 'tagline', 'Shop number ' || i, 'primaryColor', '#14532d'),
              now()
       FROM generate_series($1::int, $2::int - 1) AS i
       RETURNING id, slug
     ), pol AS (
       INSERT INTO tenant_payment_policies (id, tenant_id, allowed_rails, default_rail, updated_at)
       SELECT gen_random_uuid(), id, ARRAY['escrow', 'direct']::"PaymentRail"[], 'escrow', now() FROM ins
     )
     INSERT INTO tenant_domains (id, tenant_id, hostname, status, is_primary, verification_token, updated_at)
     SELECT gen_random_uuid(), id, 'shop.' || slug || '.example.com', 'active', true, md5(slug), now() FROM ins`,
    from,
    to,
  );
  await prisma.$executeRawUnsafe(`ANALYZE tenants, tenant_domains, tenant_payment_policies`);
}

/** A stand-in for PrismaClient that answers the resolver's two lookups from rows fetched in bulk by its own select. */
function replayShim(prisma: PrismaClient): PrismaClient {
  const PAGE = 10_000;
  let bySlug: Promise<Map<string, unknown>> | undefined;
  let byHost: Promise<Map<string, unknown>> | undefined;
  const expectKeys = (what: string, where: Record<string, unknown>, keys: string[]) => {
    const got = Object.keys(where).sort().join(",");
    if (got !== [...keys].sort().join(",")) throw new Error(`bench shim: unexpected ${what} where {${got}}; update bench/resolution.ts`);
  };
  const shim = {
    tenant: {
      async findUnique(args: { where: Record<string, unknown>; select: Record<string, unknown> }) {
        expectKeys("tenant.findUnique", args.where, ["slug"]);
        bySlug ??= (async () => {
          const map = new Map<string, unknown>();
          let after: string | undefined;
          for (;;) {
            const rows = (await prisma.tenant.findMany({
              where: after ? { slug: { gt: after } } : {},
              orderBy: { slug: "asc" },
              take: PAGE,
              select: { ...args.select, slug: true } as Prisma.TenantSelect,
            })) as unknown as Array<{ slug: string }>;
            for (const r of rows) map.set(r.slug, r);
            if (rows.length < PAGE) return map;
            after = rows.at(-1)!.slug;
          }
        })();
        const row = (await bySlug).get(args.where.slug as string);
        return row ? structuredClone(row) : null;
      },
    },
    tenantDomain: {
      async findFirst(args: { where: Record<string, unknown>; select: Record<string, unknown> }) {
        expectKeys("tenantDomain.findFirst", args.where, ["hostname", "status"]);
        byHost ??= (async () => {
          const map = new Map<string, unknown>();
          let after: string | undefined;
          for (;;) {
            const rows = (await prisma.tenantDomain.findMany({
              where: { status: args.where.status as Prisma.TenantDomainWhereInput["status"], ...(after ? { hostname: { gt: after } } : {}) },
              orderBy: { hostname: "asc" },
              take: PAGE,
              select: { ...args.select, hostname: true } as Prisma.TenantDomainSelect,
            })) as unknown as Array<{ hostname: string }>;
            for (const r of rows) {
              const { hostname, ...rest } = r;
              map.set(hostname, args.select.hostname ? r : rest);
            }
            if (rows.length < PAGE) return map;
            after = rows.at(-1)!.hostname;
          }
        })();
        const row = (await byHost).get(args.where.hostname as string);
        return row ? structuredClone(row) : null;
      },
    },
  };
  return shim as unknown as PrismaClient;
}

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

async function coldStats(resolver: TenantResolver, hostOf: (i: number) => string, n: number, seconds: number, rnd: () => number): Promise<ColdStats> {
  const pick = () => hostOf(Math.floor(rnd() * n));
  for (let i = 0; i < 200; i++) {
    resolver.clear();
    const r = await resolver.resolve(pick());
    if (r.kind !== "tenant") throw new Error(`cold lookup did not find a tenant: ${JSON.stringify(r)}`);
  }
  const samples: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const host = pick();
    resolver.clear();
    const t0 = performance.now();
    await resolver.resolve(host);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return { meanUs: mean * 1000, p50Us: samples[Math.floor(samples.length / 2)]! * 1000, samples: samples.length };
}

async function warmOpsPerSec(prisma: PrismaClient, opts: ResolutionOptions, n: number, rnd: () => number) {
  const resolver = new TenantResolver({ prisma: replayShim(prisma), platformDomain: opts.platformDomain, ttlMs: 3_600_000, negativeTtlMs: 3_600_000 });
  const hosts: string[] = [];
  for (let i = 0; i < n; i++) hosts.push(`${slugOf(i)}.${opts.platformDomain}`, customHostOf(i));
  for (const h of hosts) {
    const r = await resolver.resolve(h);
    if (r.kind !== "tenant") throw new Error(`warm fill: ${h} did not resolve to a tenant`);
  }
  if (resolver.size !== hosts.length) throw new Error(`warm fill: cache holds ${resolver.size}, expected ${hosts.length}`);
  const idx = new Uint32Array(opts.warmOpsPerPass);
  for (let i = 0; i < idx.length; i++) idx[i] = Math.floor(rnd() * hosts.length);
  const lookupsBefore = resolver.lookups;
  const pass = async () => {
    const t0 = performance.now();
    for (let i = 0; i < idx.length; i++) await resolver.resolve(hosts[idx[i]!]!);
    return idx.length / ((performance.now() - t0) / 1000);
  };
  for (let w = 0; w < 3; w++) await pass(); // JIT and cache warm-up
  const rates: number[] = [];
  for (let p = 0; p < opts.warmPasses; p++) rates.push(await pass());
  if (resolver.lookups !== lookupsBefore) throw new Error("warm passes hit the database: the cache was not warm");
  rates.sort((a, b) => a - b);
  return { opsPerSec: rates[Math.floor(rates.length / 2)]!, hosts: hosts.length };
}

export async function runResolutionBench(db: ScratchDatabase, opts: ResolutionOptions, log: (line: string) => void): Promise<SizeResult[]> {
  const database = await openDatabase(db.url);
  const results: SizeResult[] = [];
  try {
    const { prisma } = database;
    const rnd = lcg(0x5eed);
    let have = 0;
    for (const n of [...opts.sizes].sort((a, b) => a - b)) {
      const t0 = performance.now();
      await grow(prisma, have, n);
      have = n;
      const cold = new TenantResolver({ prisma, platformDomain: opts.platformDomain, ttlMs: 3_600_000, negativeTtlMs: 3_600_000 });
      const coldSubdomain = await coldStats(cold, (i) => `${slugOf(i)}.${opts.platformDomain}`, n, opts.coldSecondsPerKind, rnd);
      const coldCustom = await coldStats(cold, customHostOf, n, opts.coldSecondsPerKind, rnd);
      const warm = await warmOpsPerSec(prisma, opts, n, rnd);
      const r: SizeResult = {
        n,
        hosts: warm.hosts,
        warmOpsPerSec: warm.opsPerSec,
        warmNsPerOp: 1e9 / warm.opsPerSec,
        coldSubdomain,
        coldCustom,
        coldMixUs: (coldSubdomain.meanUs + coldCustom.meanUs) / 2,
      };
      results.push(r);
      log(
        `  N=${n}: warm ${Math.round(r.warmNsPerOp)} ns/resolve (${fmtInt(r.warmOpsPerSec)}/s over ${r.hosts} cached hosts); ` +
          `cold subdomain ${Math.round(coldSubdomain.meanUs)} µs (p50 ${Math.round(coldSubdomain.p50Us)}, n=${coldSubdomain.samples}), ` +
          `custom ${Math.round(coldCustom.meanUs)} µs (p50 ${Math.round(coldCustom.p50Us)}, n=${coldCustom.samples}) ` +
          `[${((performance.now() - t0) / 1000).toFixed(1)}s]`,
      );
    }
  } finally {
    await database.close();
  }
  return results;
}

export const fmtInt = (x: number) => Math.round(x).toLocaleString("en-US");
