/** Sign-in and sign-up finish the same way: a redirect that sets the new session cookie. */
import { redirect, type AppLoadContext } from "@remix-run/node";
import { mailContext, readDeviceId, type RequestMeta } from "#server/auth/index.ts";
import { requirePlatformHost, safeRedirect } from "./auth.server.ts";

export { readSessionToken, describeUserAgent } from "#server/auth/index.ts";

/** Sets the new session cookie and renews the device cookie (ADR 030: known devices get no sign-in mail). */
export function redirectWithSession(context: AppLoadContext, token: string, to: string, deviceId: string) {
  const headers = new Headers();
  headers.append("Set-Cookie", context.services.auth.sessionCookie(token, context.request.secure));
  headers.append("Set-Cookie", context.services.auth.deviceCookie(deviceId, context.request.secure));
  return redirect(to, { headers });
}

/**
 * The request as account code needs it: client IP and browser, the device cookie, and where mailed links point
 * (this page's origin: account pages exist on the platform host only) in the browser's language.
 */
export function accountMeta(request: Request, context: AppLoadContext): RequestMeta & { mail: NonNullable<RequestMeta["mail"]> } {
  return {
    ip: context.request.ip,
    userAgent: context.request.userAgent,
    deviceId: readDeviceId(request.headers.get("cookie")),
    mail: mailContext(new URL(request.url).origin, request.headers.get("accept-language")),
  };
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
