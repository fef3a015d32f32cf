/**
 * Security headers on every response (docs/security.md 6): nonce-based CSP, nosniff, referrer policy, HSTS on HTTPS.
 * The nonce reaches Remix through the load context so inline scripts and the brand <style> carry it.
 */
import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

// Telegram's web clients may frame the storefront (Mini App); nobody else may.
const FRAME_ANCESTORS = "'self' https://web.telegram.org https://*.telegram.org";

export function securityHeaders() {
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.set({
      "Content-Security-Policy": [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
        `style-src 'self' 'nonce-${nonce}'`,
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        `frame-ancestors ${FRAME_ANCESTORS}`,
      ].join("; "),
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    });
    // Browsers ignore (and warn about) both on plain-HTTP origins.
    if (req.secure) res.set({ "Strict-Transport-Security": "max-age=31536000; includeSubDomains", "Cross-Origin-Opener-Policy": "same-origin" });
    next();
  };
}
