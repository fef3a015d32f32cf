/**
 * CSRF, second line (docs/security.md 5): every dashboard form posted by a signed-in user must carry the per-session
 * token from the root loader (<CsrfInput/>). The first line, Fetch Metadata / Origin, is server/http/csrf.ts.
 */
import { timingSafeEqual } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";

export const CSRF_FIELD = "csrf";

export function requireCsrf(formData: FormData, context: AppLoadContext) {
  const expected = context.csrfToken;
  // Signed-out forms (sign-in, sign-up) have no session to forge; they are covered by the Origin check.
  if (!expected) return;
  const got = formData.get(CSRF_FIELD);
  const ok = typeof got === "string" && got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
  if (!ok) throw new Response("The form expired or came from another site. Reload the page and try again.", { status: 403 });
}
