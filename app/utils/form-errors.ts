import type { SubmissionResult } from "@conform-to/react";

/**
 * Every message of a conform reply, form-level and per field, in one list (for small forms that have no fields to
 * show them beside); undefined when there are none.
 */
export function errorsOf(result: SubmissionResult<string[]> | undefined): string[] | undefined {
  const all = Object.values(result?.error ?? {}).flatMap((e) => e ?? []);
  return all.length ? all : undefined;
}
