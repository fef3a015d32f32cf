/** Sign-in and sign-up finish the same way: a redirect that sets the new session cookie. */
import { redirect, type AppLoadContext } from "@remix-run/node";
import { requirePlatformHost, safeRedirect } from "./auth.server.ts";

export { readSessionToken } from "#server/auth/index.ts";

export function redirectWithSession(context: AppLoadContext, token: string, to: string) {
  return redirect(to, {
    headers: { "Set-Cookie": context.services.auth.sessionCookie(token, context.request.secure) },
  });
}

type ReplyOptions = { formErrors?: string[]; fieldErrors?: Record<string, string[]>; resetForm?: boolean };

/** A conform submission whose replies never send a typed password (the `fields`) back to the browser. */
export function withoutPassword<R>(submission: { reply(o?: ReplyOptions & { hideFields?: string[] }): R }, fields = ["password"]) {
  return { reply: (o?: ReplyOptions) => submission.reply({ ...o, hideFields: fields }) };
}

/**
 * Loader of the sign-in and sign-up pages: platform host only; a signed-in visitor goes straight on to
 * `redirectTo` (same-site paths only, else `fallback`).
 */
export function signedOutPage(request: Request, context: AppLoadContext, fallback: string) {
  requirePlatformHost(context);
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"), fallback);
  if (context.actor) throw redirect(redirectTo);
  return { redirectTo, email: url.searchParams.get("email") ?? "" };
}
