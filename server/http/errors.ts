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

const PARSER_ERRORS: Record<string, ApiError> = {
  "entity.parse.failed": new ApiError(400, "VALIDATION_ERROR", "The body is not valid JSON."),
  "entity.too.large": new ApiError(413, "PAYLOAD_TOO_LARGE", "The body is too large."),
  "charset.unsupported": new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as UTF-8 (application/json; charset=utf-8)."),
  "encoding.unsupported": new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "The body's Content-Encoding is not supported."),
  "request.size.invalid": new ApiError(400, "VALIDATION_ERROR", "The body's length does not match Content-Length."),
  "request.aborted": new ApiError(400, "VALIDATION_ERROR", "The request was aborted."),
};

/** Last middleware: typed errors as envelopes, everything else as a bare 500 — never a stack trace. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) return sendError(res, err);
    // body-parser: malformed JSON, a body over the cap, a charset or encoding it cannot read are the client's errors.
    const parserError = PARSER_ERRORS[(err as { type?: string } | null)?.type ?? ""];
    if (parserError) return sendError(res, parserError);
    logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), url: req.path }, "unhandled error");
    if (res.headersSent) return;
    sendError(res, new ApiError(500, "INTERNAL", "Something went wrong."));
  };
}
