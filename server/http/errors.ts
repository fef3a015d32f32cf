import type { NextFunction, Request, Response } from "express";
import type { Logger } from "#server/observability/index.ts";

// The Remix build bundles its own copy of this module while the services in the load context use the server's
// copy, so class identity differs between them. A global-symbol brand makes `instanceof` work across both.
const BRAND = Symbol.for("storefront.ApiError");

/** A typed API error: becomes the JSON envelope `{ success: false, error: { code, message, details? } }`. */
export class ApiError extends Error {
  readonly [BRAND] = true;
  static [Symbol.hasInstance](value: unknown) {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  constructor(
    public status: number,
    public code: string,
    message: string,
    public details?: unknown,
    /** Sent as Retry-After (RATE_LIMITED). */
    public retryAfterSec?: number,
  ) {
    super(message);
  }

  static rateLimited(retryAfterSec: number, message = "Too many requests. Please wait and try again.") {
    return new ApiError(429, "RATE_LIMITED", message, undefined, retryAfterSec);
  }
}

export function sendError(res: Response, err: ApiError) {
  if (err.retryAfterSec) res.set("Retry-After", String(err.retryAfterSec));
  res.status(err.status).json({
    success: false,
    error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
  });
}

/** Last middleware: typed errors as envelopes, everything else as a bare 500 — never a stack trace. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) return sendError(res, err);
    // body-parser: malformed JSON (400) or a body over the cap (413) is the client's error, not ours.
    const parserError = err as { type?: string; status?: number };
    if (parserError?.type === "entity.parse.failed") return sendError(res, new ApiError(400, "VALIDATION_ERROR", "The body is not valid JSON."));
    if (parserError?.type === "entity.too.large") return sendError(res, new ApiError(413, "PAYLOAD_TOO_LARGE", "The body is too large."));
    logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), url: req.path }, "unhandled error");
    if (res.headersSent) return;
    sendError(res, new ApiError(500, "INTERNAL", "Something went wrong."));
  };
}
