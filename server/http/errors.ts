import type { NextFunction, Request, Response } from "express";
import type { Logger } from "#server/observability/index.ts";
import { isDatabaseUnavailable } from "./db-unavailable.ts";
import { renderStatusPage } from "./status-pages.ts";

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

const PARSER_ERRORS: Record<string, ApiError> = {
  "entity.parse.failed": new ApiError(400, "VALIDATION_ERROR", "The body is not valid JSON."),
  "entity.too.large": new ApiError(413, "PAYLOAD_TOO_LARGE", "The body is too large."),
  "charset.unsupported": new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as UTF-8 (application/json; charset=utf-8)."),
  "encoding.unsupported": new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "The body's Content-Encoding is not supported."),
  "request.size.invalid": new ApiError(400, "VALIDATION_ERROR", "The body's length does not match Content-Length."),
  "request.aborted": new ApiError(400, "VALIDATION_ERROR", "The request was aborted."),
};

/** Seconds a client is asked to wait after a database outage answer: about one Postgres restart. */
export const OUTAGE_RETRY_AFTER_SEC = 5;

/**
 * Marks a response as the platform's outage, not the shop's fault: the per-shop error rate (OPS-1) leaves it out,
 * as it leaves out the client's own 4xx.
 */
export const PLATFORM_OUTAGE = "platformOutage";

/** The outage answer: the 503 envelope on the API, the neutral 503 page elsewhere; both with Retry-After. */
export function sendOutage(req: Request, res: Response) {
  res.locals[PLATFORM_OUTAGE] = true;
  if (req.originalUrl.startsWith("/api/")) {
    return sendError(res, new ApiError(503, "SERVICE_UNAVAILABLE", "The service is briefly unavailable. Please try again shortly.", undefined, OUTAGE_RETRY_AFTER_SEC));
  }
  res.set("Retry-After", String(OUTAGE_RETRY_AFTER_SEC));
  renderStatusPage(res, 503);
}

/**
 * Last middleware: typed errors as envelopes; the database out of reach as a 503 SERVICE_UNAVAILABLE with
 * Retry-After; everything else as a bare 500 — never a stack trace.
 */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) return sendError(res, err);
    // body-parser: malformed JSON, a body over the cap, a charset or encoding it cannot read are the client's errors.
    const parserError = PARSER_ERRORS[(err as { type?: string } | null)?.type ?? ""];
    if (parserError) return sendError(res, parserError);
    if (isDatabaseUnavailable(err)) {
      // Expected during a restart or failover: one warning line, no stack; the pool reconnects on its own.
      logger.warn({ err: err instanceof Error ? err.message : String(err), url: req.path }, "database unavailable");
      if (!res.headersSent) sendOutage(req, res);
      return;
    }
    logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), url: req.path }, "unhandled error");
    if (res.headersSent) return;
    sendError(res, new ApiError(500, "INTERNAL", "Something went wrong."));
  };
}
