/**
 * Express middleware: Host → tenant (TEN-3). The host comes from the Host header, or from X-Forwarded-Host only
 * when the TCP peer is a configured trusted proxy. Client headers such as X-Tenant-Id are never read.
 */
import type { NextFunction, Request, Response } from "express";
import { normalizeHost } from "#server/tenancy/host.ts";
import type { Resolution, ResolvedTenant, TenantResolver } from "#server/tenancy/resolver.ts";
import { renderStatusPage } from "./status-pages.ts";

export interface TenantContext {
  host: string | null;
  isPlatformHost: boolean;
  tenant: ResolvedTenant | null;
}

export function requestHost(req: Request, trustedProxies: string[]): string | null {
  const peer = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  const forwarded = req.headers["x-forwarded-host"];
  if (forwarded && trustedProxies.includes(peer)) {
    return normalizeHost(String(forwarded).split(",")[0]);
  }
  return normalizeHost(req.headers.host);
}

export function tenantContextMiddleware(resolver: TenantResolver, trustedProxies: string[]) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const host = requestHost(req, trustedProxies);
    let resolution: Resolution;
    try {
      resolution = await resolver.resolve(host);
    } catch (err) {
      return next(err);
    }
    if (resolution.kind === "unknown") return renderStatusPage(res, 404);
    if (resolution.kind === "tenant") {
      const { status } = resolution.tenant;
      if (status === "suspended") return renderStatusPage(res, 503);
      if (status === "closed") return renderStatusPage(res, 410);
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
