import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { readSessionToken } from "#app/utils/session.server.ts";
import { requirePlatformHost, safeRedirect } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";

// Signing out changes state, so it is a POST with the CSRF token; a GET just goes home.
export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatformHost(context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const token = readSessionToken(request.headers.get("cookie"));
  if (token) await context.services.auth.signOut(token);
  return redirect(safeRedirect(formData.get("redirectTo"), "/"), {
    headers: { "Set-Cookie": context.services.auth.clearSessionCookie(context.request.secure) },
  });
}
