/**
 * CSRF (docs/security.md 5, docs/decisions/020-request-hardening.md).
 *
 * `sessionWriteGuard`: every state-changing request that carries the session cookie (and no Bearer token) must prove
 * it comes from this host's own pages: a same-origin `Origin`, or a same-origin `Referer` when Origin is absent. It
 * runs before every route, whatever the content type, because raw-body API routes (CSV import, uploads) take the
 * bodies an HTML form can send, and a shop's subdomain is the same *site* as the platform host, so SameSite=Lax does
 * not keep the cookie off its form posts.
 *
 * `crossSiteGuard`: in front of Remix, any write announced as cross-site by Fetch Metadata or Origin is refused (the
 * sign-in and storefront forms carry no session). The per-session form token (app/utils/csrf.server.ts) and the
 * JSON content-type check (api-route.ts) stay behind these as second lines.
 */
import type { NextFunction, Request, Response } from "express";
import { readSessionToken } from "#server/auth/index.ts";
import { ApiError, sendError } from "./errors.ts";
import { rawRequestHost } from "./tenant-context.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

const rejected = () => new ApiError(403, "CSRF_REJECTED", "This request came from another site and was refused.");

function selfOrigin(req: Request, trustedProxies: string[]) {
  return `${req.protocol}://${(rawRequestHost(req, trustedProxies) ?? "").toLowerCase()}`;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Whether the request says it came from another origin (Fetch Metadata or Origin); absent headers say nothing. */
function announcedCrossOrigin(req: Request, self: string) {
  const site = req.get("sec-fetch-site");
  const origin = req.get("origin");
  return site === "cross-site" || site === "same-site" || (origin !== undefined && origin !== self);
}

/** Session-cookie writes must show a same-origin Origin (or Referer); Bearer-token API calls are not cookie-borne. */
export function sessionWriteGuard(trustedProxies: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method) || !readSessionToken(req.headers.cookie)) return next();
    // authContext ignores the cookie of an /api call that sends Authorization: that call is token-authenticated.
    if (req.headers.authorization && req.path.startsWith("/api/")) return next();
    const self = selfOrigin(req, trustedProxies);
    if (announcedCrossOrigin(req, self)) return sendError(res, rejected());
    const origin = req.get("origin") ?? originOf(req.get("referer") ?? "");
    if (origin !== self) return sendError(res, rejected());
    next();
  };
}

/** Any write (with or without a session) that announces itself as cross-origin is refused before Remix. */
export function crossSiteGuard(trustedProxies: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next();
    if (announcedCrossOrigin(req, selfOrigin(req, trustedProxies))) return sendError(res, rejected());
    next();
  };
}
