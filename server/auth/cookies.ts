/**
 * The session cookie: HttpOnly, SameSite=Lax, Path=/, no Domain (host-only, so one shop's host never sees another
 * host's cookie). Under HTTPS it is Secure and carries the `__Host-` prefix, which browsers only accept host-only.
 */
import { createHash } from "node:crypto";

export const COOKIE_NAME = "sf_session";
export const SECURE_COOKIE_NAME = "__Host-sf_session";

export function sessionCookie(token: string, options: { secure: boolean; maxAgeSec: number }) {
  const name = options.secure ? SECURE_COOKIE_NAME : COOKIE_NAME;
  return [`${name}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${options.maxAgeSec}`, ...(options.secure ? ["Secure"] : [])].join("; ");
}

export function clearSessionCookie(options: { secure: boolean }) {
  return sessionCookie("", { ...options, maxAgeSec: 0 });
}

/** The session token from a Cookie header; the `__Host-` name wins when both are present. */
export function readSessionToken(cookieHeader: string | undefined | null): string | null {
  if (!cookieHeader) return null;
  let plain: string | null = null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(value)) continue;
    if (name === SECURE_COOKIE_NAME) return value;
    if (name === COOKIE_NAME) plain = value;
  }
  return plain;
}

/**
 * CSRF token for dashboard forms, derived from the session secret: a cross-site page can neither read the cookie
 * nor compute this value, and it rotates with the session.
 */
export function csrfTokenFor(sessionToken: string) {
  return createHash("sha256").update(`csrf\0${sessionToken}`).digest("base64url");
}
