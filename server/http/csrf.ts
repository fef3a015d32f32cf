/**
 * CSRF, first line (docs/security.md 5): a state-changing request to the dashboard from another site is refused by
 * Fetch Metadata / Origin before it reaches Remix. The second line is the per-session token each form carries,
 * checked in the Remix action (app/utils/csrf.server.ts), for browsers that send neither header.
 */
import type { NextFunction, Request, Response } from "express";
import { ApiError, sendError } from "./errors.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function crossSiteGuard() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next();
    const site = req.get("sec-fetch-site");
    const origin = req.get("origin");
    const self = `${req.protocol}://${req.get("host")}`;
    if (site === "cross-site" || (origin && origin !== "null" && origin !== self) || origin === "null") {
      return sendError(res, new ApiError(403, "CSRF_REJECTED", "This request came from another site and was refused."));
    }
    next();
  };
}
