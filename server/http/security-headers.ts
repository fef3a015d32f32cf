/**
 * Security headers on every response (docs/security.md 6): nonce-based CSP, nosniff, referrer policy, HSTS on HTTPS.
 * The nonce reaches Remix through the load context so inline scripts and the brand <style> carry it.
 *
 * Framing: nobody may frame a page (`frame-ancestors 'none'`, X-Frame-Options DENY) — the dashboard, console and
 * sign-in pages on the platform host above all. Only a shop's own host, which the Telegram Mini App embeds in
 * Telegram's web clients, lets those frame it (`allowTelegramFraming`, after tenant resolution).
 */
import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { TenantContext } from "./tenant-context.ts";

const TELEGRAM_FRAME_ANCESTORS = "'self' https://web.telegram.org https://*.telegram.org";

function contentSecurityPolicy(nonce: string, frameAncestors: string) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' https: data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");
}

export function securityHeaders() {
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.set({
      "Content-Security-Policy": contentSecurityPolicy(nonce, "'none'"),
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    });
    // Browsers ignore (and warn about) both on plain-HTTP origins.
    if (req.secure) res.set({ "Strict-Transport-Security": "max-age=31536000; includeSubDomains", "Cross-Origin-Opener-Policy": "same-origin" });
    next();
  };
}

/** On a shop's host (storefront pages and API), Telegram's web clients may frame the page: the Mini App. */
export function allowTelegramFraming() {
  return (_req: Request, res: Response, next: NextFunction) => {
    if ((res.locals.tenantContext as TenantContext).tenant) {
      res.set("Content-Security-Policy", contentSecurityPolicy(res.locals.cspNonce as string, TELEGRAM_FRAME_ANCESTORS));
      res.removeHeader("X-Frame-Options");
    }
    next();
  };
}
