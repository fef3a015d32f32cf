/**
 * On-demand TLS `ask` (EDGE-3): Caddy asks before issuing a certificate for a host. The answer comes from an
 * in-process snapshot of routable hosts — active (or degraded, within grace) custom domains of active tenants, active
 * tenants' platform subdomains, and the platform host itself — so a flood of handshakes for random names costs no DNS and no query. The snapshot is rebuilt on every
 * tenancy invalidation (the same Redis channel the resolver listens on) and every minute as a safety net.
 */
import type { PrismaClient } from "@prisma/client";
import type { NextFunction, Request, Response } from "express";
import type { RedisClient } from "#server/redis.ts";
import { isIpLiteral, normalizeHost, peerAddress } from "#server/http/index.ts";
import type { Logger } from "#server/observability/index.ts";

export class EdgeSnapshot {
  private hosts = new Set<string>();
  loads = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private deps: { prisma: PrismaClient; platformDomain: string; logger: Logger; refreshMs?: number }) {}

  async refresh() {
    // One round trip returning two space-separated strings: at 100k domains this is far cheaper than materialising
    // 200k row objects, and the event loop (which also serves shops) is not held up by the mapping.
    const [row] = await this.deps.prisma.$queryRaw<Array<{ slugs: string; hosts: string }>>`
      SELECT
        (SELECT coalesce(string_agg(slug, ' '), '') FROM tenants WHERE status = 'active') AS slugs,
        (SELECT coalesce(string_agg(d.hostname, ' '), '')
           FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id
          WHERE d.status IN ('active', 'degraded') AND t.status = 'active'
            -- A host with the merchant's own certificate (ADR 042) is never issued one on demand.
            AND NOT EXISTS (SELECT 1 FROM tenant_certificates c WHERE c.domain_id = d.id AND c.tenant_id = d.tenant_id)) AS hosts`;
    // Degraded domains are still served during their grace period, so their certificates must renew.
    const next = new Set<string>([this.deps.platformDomain]);
    const suffix = `.${this.deps.platformDomain}`;
    for (const slug of row!.slugs ? row!.slugs.split(" ") : []) next.add(slug + suffix);
    for (const host of row!.hosts ? row!.hosts.split(" ") : []) next.add(host);
    this.hosts = next;
    this.loads++;
  }

  allows(host: string) {
    return this.hosts.has(host);
  }

  get size() {
    return this.hosts.size;
  }

  /** Load once, then follow invalidations on `channel` (a dedicated subscriber connection) and refresh periodically. */
  async start(subscriber: RedisClient, channel: string) {
    await this.refresh();
    subscriber.on("message", (ch) => {
      if (ch === channel) this.refresh().catch((err: Error) => this.deps.logger.warn({ err: err.message }, "edge snapshot refresh failed"));
    });
    this.timer = setInterval(() => void this.refresh().catch(() => {}), this.deps.refreshMs ?? 60_000);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }
}

/**
 * Internal endpoints (ask, metrics, readiness details) answer only direct calls from loopback or a trusted proxy's
 * address: the edge's TLS ask, a scraper, a probe. A buyer's request that the edge relays arrives from the same address,
 * but Caddy's reverse_proxy always adds X-Forwarded-For (a client cannot remove it), so a forwarded request is never
 * internal.
 */
export function isInternalPeer(req: Request, trustedProxies: string[]) {
  if (req.headers["x-forwarded-for"] !== undefined || req.headers.forwarded !== undefined) return false;
  const peer = peerAddress(req);
  return peer === "127.0.0.1" || peer === "::1" || trustedProxies.includes(peer);
}

/** GET /internal/edge/ask?domain=<host> — only for the edge (loopback or a trusted proxy); everyone else gets 404. */
export function askHandler(snapshot: EdgeSnapshot, trustedProxies: string[]) {
  return (req: Request, res: Response, _next: NextFunction) => {
    if (!isInternalPeer(req, trustedProxies)) return res.status(404).type("text/plain").send("Not found");
    const raw = typeof req.query.domain === "string" ? req.query.domain : "";
    const host = normalizeHost(raw);
    if (!host || isIpLiteral(host)) return res.status(403).type("text/plain").send("refused");
    res.set("Cache-Control", "no-store");
    return snapshot.allows(host) ? res.status(200).type("text/plain").send("ok") : res.status(403).type("text/plain").send("refused");
  };
}
