/**
 * Maps a typed domain error (ApiError) from a service call onto a conform submission reply, so the dashboard
 * shows the same message the JSON API would return, next to the right field when there is one.
 */
import type { SubmissionResult } from "@conform-to/react";
import { ApiError } from "#server/http/index.ts";

export { ApiError };

export function replyWithApiError<T>(
  submission: { reply(options?: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }): SubmissionResult<T> },
  err: unknown,
  fieldByCode: Record<string, string> = {},
) {
  if (!(err instanceof ApiError) || err.status >= 500) throw err;
  const field = fieldByCode[err.code];
  return field ? submission.reply({ fieldErrors: { [field]: [err.message] } }) : submission.reply({ formErrors: [err.message] });
}

/**
 * For loaders, where a form reply makes no sense: a typed client error from a service (ITEM_NOT_FOUND, a bad
 * cursor) becomes that HTTP status for the route's error boundary; anything else propagates as a server error.
 * Use as `.catch(rethrowAsResponse)`.
 */
export function rethrowAsResponse(err: unknown): never {
  if (err instanceof ApiError && err.status < 500) throw new Response(err.message, { status: err.status });
  throw err;
}

/** The status of a form's error reply: 429 with Retry-After for a rate limit, else 400. */
export function errorReplyInit(err: unknown): ResponseInit {
  const limited = err instanceof ApiError && err.retryAfterSec ? err.retryAfterSec : null;
  return limited ? { status: 429, headers: { "Retry-After": String(limited) } } : { status: 400 };
}
