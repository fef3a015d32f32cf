/**
 * Success feedback that survives a redirect: a signed flash cookie (read once, then cleared) instead of `?done=`
 * query strings. The dashboard and console layouts read it and render <Toast/>.
 */
import { createCookieSessionStorage, json, redirect, type AppLoadContext } from "@remix-run/node";
import { z } from "zod";

const TOAST_KEY = "toast";

const toastSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
});
export type Toast = z.infer<typeof toastSchema>;
export type ToastInput = Omit<Toast, "id"> & { id?: string };

function toastStorage(context: AppLoadContext) {
  return createCookieSessionStorage({
    cookie: {
      name: "sf_toast",
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: context.request.secure,
      secrets: [context.flashSecret],
    },
  });
}

/** A Set-Cookie header value that shows `toast` on the next page that reads it. */
export async function toastCookie(context: AppLoadContext, request: Request, toast: ToastInput) {
  const storage = toastStorage(context);
  const session = await storage.getSession(request.headers.get("Cookie"));
  session.flash(TOAST_KEY, { id: toast.id ?? crypto.randomUUID(), ...toast });
  return storage.commitSession(session);
}

/** Redirect to `url` and show `toast` there. */
export async function redirectWithToast(context: AppLoadContext, request: Request, url: string, toast: ToastInput, init?: ResponseInit) {
  const headers = new Headers(init?.headers);
  headers.append("Set-Cookie", await toastCookie(context, request, toast));
  return redirect(url, { ...init, headers });
}

/** The pending toast (null when none or tampered with) and the header that clears it once read. */
export async function getToast(context: AppLoadContext, request: Request) {
  const storage = toastStorage(context);
  const session = await storage.getSession(request.headers.get("Cookie"));
  const parsed = toastSchema.safeParse(session.get(TOAST_KEY));
  const toast = parsed.success ? parsed.data : null;
  return { toast, headers: toast ? { "Set-Cookie": await storage.destroySession(session) } : null };
}

/** A layout loader's result with the pending toast added (and the cookie cleared). */
export async function withToast<T extends Record<string, unknown>>(context: AppLoadContext, request: Request, value: T) {
  const { toast, headers } = await getToast(context, request);
  return json({ ...value, toast }, headers ? { headers } : undefined);
}
