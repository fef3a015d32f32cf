import type { NextFunction, Request, Response } from "express";
import type { Logger } from "#server/observability/logger.ts";

/** A typed API error: becomes the JSON envelope `{ success: false, error: { code, message, details? } }`. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details?: unknown,
  ) {
    super(message);
  }
}

export function sendError(res: Response, err: ApiError) {
  res.status(err.status).json({
    success: false,
    error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
  });
}

/** Last middleware: typed errors as envelopes, everything else as a bare 500 — never a stack trace. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) return sendError(res, err);
    logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), url: req.path }, "unhandled error");
    if (res.headersSent) return;
    sendError(res, new ApiError(500, "INTERNAL", "Something went wrong."));
  };
}
