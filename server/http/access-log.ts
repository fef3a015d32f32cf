/**
 * One log line per request. Paths are logged without the query string, and path segments that are secrets
 * (invitation links) are masked; headers are logged at debug level only, through the logger's redaction
 * (cookies, Authorization, Set-Cookie never reach a log line; docs/security.md 7).
 */
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "#server/observability/index.ts";

export function maskPath(path: string) {
  return path
    .replace(/^\/invite\/[^/]+/, "/invite/[redacted]")
    // Buyer order links are bearer secrets too.
    .replace(/^(\/api\/storefront)?\/orders\/[^/]+/, "$1/orders/[redacted]");
}

export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    // Captured now: mounted routers rewrite req.url while the request is handled.
    const path = maskPath(req.path);
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const line = { reqId: res.locals.requestId, method: req.method, host: req.headers.host, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      if (logger.isLevelEnabled("debug")) {
        logger.debug({ ...line, req: { headers: req.headers }, res: { headers: res.getHeaders() } }, "request");
      } else {
        logger.info(line, "request");
      }
    });
    next();
  };
}
