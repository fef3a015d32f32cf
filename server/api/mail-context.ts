/**
 * Where links in request-driven mail point (ADR 030): the origin of the request when it came to the platform host,
 * else the platform's own origin. A shop's host never lends its name to an account link: whoever controls a shop's
 * domain must not receive someone's reset link.
 */
import type { Request, Response } from "express";
import { mailContext, readDeviceId, type RequestMeta } from "#server/auth/index.ts";
import type { TenantContext } from "#server/http/index.ts";
import type { Services } from "#server/services.ts";

export function linkOrigin(res: Response, meta: { origin: string }): string | undefined {
  return (res.locals.tenantContext as TenantContext | undefined)?.isPlatformHost ? meta.origin : undefined;
}

/** The request meta of account routes: IP, User-Agent, the mail's origin and language, the device cookie. */
export function accountMeta(req: Request, res: Response, meta: { ip: string; userAgent: string | null; origin: string }, services: Services): RequestMeta {
  return {
    ip: meta.ip,
    userAgent: meta.userAgent,
    mail: mailContext(linkOrigin(res, meta) ?? services.auth.platformOrigin(), req.get("accept-language")),
    deviceId: readDeviceId(req.headers.cookie),
  };
}
