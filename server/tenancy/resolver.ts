/**
 * Host → tenant resolution (TEN-3/TEN-4), served from an in-process cache so a hit does no I/O.
 * Positive entries live TENANT_CACHE_TTL_MS, unknown hosts TENANT_NEGATIVE_TTL_MS, and the cache holds at most
 * TENANT_CACHE_MAX_ENTRIES (least recently used evicted first: random hosts cannot grow it without bound); any tenant or domain write
 * publishes an invalidation on Redis that every instance applies (docs/decisions/002-resolution-cache.md).
 */
import type { PrismaClient } from "@prisma/client";
import type { RedisClient } from "#server/redis.ts";
import { classifyHost, type HostKind } from "#server/http/index.ts";
import type { Brand } from "./brand.ts";

export interface ResolvedTenant {
  id: string;
  slug: string;
  displayName: string;
  status: "pending" | "active" | "suspended" | "closed";
  type: string;
  brand: Partial<Brand>;
  features: Record<string, unknown>;
  localeDefaults: string[];
  currency: string;
  /** False while the shop is paused (/pause or the dashboard toggle, ADR 032): checkout refuses SHOP_PAUSED. */
  acceptingOrders: boolean;
  primaryHost: string;
  /** Rails the policy allows; checkout narrows them further per cart (PAY-2). */
  paymentRails: string[];
  /** The policy's default rail: what checkout picks when the cart triggers no escrow rule and the buyer keeps it. */
  defaultRail: string | null;
  /** Where the on-chain rails pay this shop (null: they are not offered). */
  payoutAddress: string | null;
}

export type Resolution =
  | { kind: "platform" }
  | { kind: "tenant"; tenant: ResolvedTenant; via: "subdomain" | "custom" }
  | { kind: "unknown" };

/** The Redis channel (after the deployment prefix) on which tenancy changes are announced. */
export const TENANCY_CHANNEL = "tenancy:invalidate";
const CHANNEL = TENANCY_CHANNEL;
const DEFAULT_MAX_ENTRIES = 10_000;

export class TenantResolver {
  private cache = new Map<string, { value: Resolution; expiresAt: number }>();
  /** Database lookups made by this resolver: what the negative-cache guarantee is measured by. */
  lookups = 0;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(
    private deps: {
      prisma: PrismaClient;
      platformDomain: string;
      ttlMs: number;
      negativeTtlMs: number;
      /** Most entries kept (default 10,000); the least recently used goes first. */
      maxEntries?: number;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  async resolve(host: string | null): Promise<Resolution> {
    const kind = classifyHost(host, this.deps.platformDomain);
    if (kind.kind === "platform") return { kind: "platform" };
    if (kind.kind === "invalid") return { kind: "unknown" };
    const key = host!;
    const entry = this.cache.get(key);
    if (entry && entry.expiresAt > this.now()) {
      this.hits++;
      // Map order is insertion order: moving a hit to the end keeps the first key the least recently used.
      this.cache.delete(key);
      this.cache.set(key, entry);
      return entry.value;
    }
    this.misses++;
    const value = await this.load(kind);
    const ttl = value.kind === "unknown" ? this.deps.negativeTtlMs : this.deps.ttlMs;
    this.cache.delete(key);
    this.cache.set(key, { value, expiresAt: this.now() + ttl });
    const max = this.deps.maxEntries ?? DEFAULT_MAX_ENTRIES;
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= max) break;
      this.cache.delete(oldest);
      this.evictions++;
    }
    return value;
  }

  private async load(kind: Exclude<HostKind, { kind: "platform" | "invalid" }>): Promise<Resolution> {
    this.lookups++;
    const { prisma, platformDomain } = this.deps;
    const select = {
      id: true, slug: true, displayName: true, status: true, type: true, brand: true, features: true,
      localeDefaults: true, currency: true, acceptingOrders: true, paymentPolicy: { select: { allowedRails: true, defaultRail: true, payoutAddress: true } },
      domains: { where: { isPrimary: true, status: { in: ["active" as const, "degraded" as const] } }, select: { hostname: true }, take: 1 },
    };
    let row;
    let via: "subdomain" | "custom";
    if (kind.kind === "subdomain") {
      row = await prisma.tenant.findUnique({ where: { slug: kind.slug }, select });
      via = "subdomain";
    } else {
      const domain = await prisma.tenantDomain.findFirst({
        // Degraded domains are still served during their grace period (DOM-4).
        where: { hostname: kind.hostname, status: { in: ["active", "degraded"] } },
        select: { tenant: { select } },
      });
      row = domain?.tenant;
      via = "custom";
    }
    // Pending tenants are reachable only through preview (TEN-5): to the public they do not exist.
    if (!row || row.status === "pending") return { kind: "unknown" };
    const { domains, paymentPolicy, ...t } = row;
    return {
      kind: "tenant",
      via,
      tenant: {
        ...t,
        brand: (t.brand ?? {}) as Partial<Brand>,
        features: (t.features ?? {}) as Record<string, unknown>,
        primaryHost: domains[0]?.hostname ?? `${t.slug}.${platformDomain}`,
        paymentRails: paymentPolicy?.allowedRails ?? [],
        defaultRail: paymentPolicy?.defaultRail ?? null,
        payoutAddress: paymentPolicy?.payoutAddress ?? null,
      },
    };
  }

  clear() {
    this.cache.clear();
  }

  get size() {
    return this.cache.size;
  }

  /** Subscribe to cross-instance invalidations. `subscriber` must be a dedicated connection. */
  async listen(subscriber: RedisClient, prefix: string) {
    await subscriber.subscribe(prefix + CHANNEL);
    subscriber.on("message", (channel) => {
      if (channel === prefix + CHANNEL) this.clear();
    });
  }
}

/** Tell every instance that tenant or domain data changed. Call after the write has committed. */
export async function publishTenancyChange(redis: RedisClient, prefix: string, reason: string) {
  await redis.publish(prefix + CHANNEL, reason);
}
