/**
 * Express middleware: Host → tenant (TEN-3). The host comes from the Host header, or from X-Forwarded-Host only
 * when the TCP peer is a configured trusted proxy. Client headers such as X-Tenant-Id are never read.
 */
import type { NextFunction, Request, Response } from "express";
import { hasValidPort, normalizeHost } from "./host.ts";
import { ApiError, sendError } from "./errors.ts";
import type { Resolution, ResolvedTenant, TenantResolver } from "#server/tenancy/index.ts";
import { renderStatusPage } from "./status-pages.ts";
import { setLogTenant } from "#server/observability/index.ts";

export interface TenantContext {
  host: string | null;
  isPlatformHost: boolean;
  tenant: ResolvedTenant | null;
}

/** Paths served on every host of a shop, never redirected: health and edge endpoints, webhooks. */
const NO_REDIRECT = /^\/(?:internal|healthz|readyz|metrics|api\/telegram)(?:\/|$)/;

/** The TCP peer's address (IPv4-mapped IPv6 unwrapped). */
export function peerAddress(req: Request) {
  return (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
}

/** The Host the client asked for, as sent (port included): X-Forwarded-Host only from a trusted proxy. */
export function rawRequestHost(req: Request, trustedProxies: string[]): string | undefined {
  const forwarded = req.headers["x-forwarded-host"];
  if (forwarded && trustedProxies.includes(peerAddress(req))) return String(forwarded).split(",")[0];
  return req.headers.host;
}

export function requestHost(req: Request, trustedProxies: string[]): string | null {
  return normalizeHost(rawRequestHost(req, trustedProxies));
}

export function tenantContextMiddleware(resolver: TenantResolver, trustedProxies: string[]) {
  return async (req: Request, res: Response, next: NextFunction) => {
    // A port above 65535 is no address at all: a typed 400, before any shop is resolved (or counted).
    const raw = rawRequestHost(req, trustedProxies);
    if (raw && !hasValidPort(raw)) return sendError(res, new ApiError(400, "VALIDATION_ERROR", "The Host header is not valid."));
    const host = normalizeHost(raw);
    let resolution: Resolution;
    try {
      resolution = await resolver.resolve(host);
    } catch (err) {
      return next(err);
    }
    if (resolution.kind === "unknown") return renderStatusPage(res, 404);
    if (resolution.kind === "tenant") {
      setLogTenant(resolution.tenant.id);
      const { status } = resolution.tenant;
      if (status === "suspended") return renderStatusPage(res, 503);
      if (status === "closed") return renderStatusPage(res, 410);
    }
    // TEN-6: every other host of the shop answers with a redirect to the same path on its primary host.
    if (resolution.kind === "tenant" && host !== resolution.tenant.primaryHost && !NO_REDIRECT.test(req.path)) {
      const port = /:(\d+)$/.exec(rawRequestHost(req, trustedProxies) ?? "")?.[1];
      const location = `${req.protocol}://${resolution.tenant.primaryHost}${port ? `:${port}` : ""}${req.originalUrl}`;
      // 301 for reads; 308 keeps the method and body of anything else (a form post must not turn into a GET).
      return res.status(req.method === "GET" || req.method === "HEAD" ? 301 : 308).set({ Location: location, "Cache-Control": "no-store" }).end();
    }
    const ctx: TenantContext = {
      host,
      isPlatformHost: resolution.kind === "platform",
      tenant: resolution.kind === "tenant" ? resolution.tenant : null,
    };
    res.locals.tenantContext = ctx;
    next();
  };
}
