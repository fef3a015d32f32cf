/**
 * Who is calling: an API token (`Authorization: Bearer sfp_…`, on /api only) or the session cookie (platform host
 * only; cookies are host-only, so a shop host never carries one). Sets `res.locals.actor` (or null) and, for
 * sessions, the CSRF token the dashboard forms must echo.
 */
import type { NextFunction, Request, Response } from "express";
import { csrfTokenFor, readSessionToken, type AuthService } from "#server/auth/index.ts";
import type { TenantContext } from "./tenant-context.ts";
import { ApiError, sendError } from "./errors.ts";

export function authContext(auth: AuthService) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.actor = null;
    res.locals.csrfToken = null;
    if (!(res.locals.tenantContext as TenantContext).isPlatformHost) return next();
    try {
      const header = req.get("authorization");
      if (header && req.path.startsWith("/api/")) {
        const m = /^Bearer\s+(\S+)$/i.exec(header);
        const actor = m ? await auth.actorFromApiToken(m[1]!) : null;
        // A bad token is an error, never a silent downgrade to anonymous.
        if (!actor) return sendError(res, new ApiError(401, "UNAUTHENTICATED", "The API token is invalid, expired or revoked."));
        res.locals.actor = actor;
        return next();
      }
      const token = readSessionToken(req.headers.cookie);
      if (token) {
        const actor = await auth.actorFromSession(token);
        if (actor) {
          res.locals.actor = actor;
          res.locals.csrfToken = csrfTokenFor(token);
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
