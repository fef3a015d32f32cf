/**
 * Maps a typed domain error (ApiError) from a service call onto a conform submission reply, so the dashboard
 * shows the same message the JSON API would return, next to the right field when there is one.
 */
import type { SubmissionResult } from "@conform-to/react";
import { ApiError } from "#server/http/errors.ts";

export function replyWithApiError<T>(
  submission: { reply(options?: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }): SubmissionResult<T> },
  err: unknown,
  fieldByCode: Record<string, string> = {},
) {
  if (!(err instanceof ApiError) || err.status >= 500) throw err;
  const field = fieldByCode[err.code];
  return field ? submission.reply({ fieldErrors: { [field]: [err.message] } }) : submission.reply({ formErrors: [err.message] });
}
