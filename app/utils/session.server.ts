/** Sign-in and sign-up finish the same way: a redirect that sets the new session cookie. */
import { redirect, type AppLoadContext } from "@remix-run/node";
import { sessionCookie } from "#server/auth/cookies.ts";

export function redirectWithSession(context: AppLoadContext, token: string, to: string) {
  return redirect(to, {
    headers: { "Set-Cookie": sessionCookie(token, { secure: context.request.secure, maxAgeSec: context.services.auth.sessionTtlSec }) },
  });
}

type ReplyOptions = { formErrors?: string[]; fieldErrors?: Record<string, string[]> };

/** A conform submission whose replies never send the typed password back to the browser. */
export function withoutPassword<R>(submission: { reply(o?: ReplyOptions & { hideFields?: string[] }): R }) {
  return { reply: (o?: ReplyOptions) => submission.reply({ ...o, hideFields: ["password"] }) };
}
