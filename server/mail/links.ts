/**
 * Absolute links for mail (ADR 026). Mail is read outside any request, so its links cannot be relative: the platform's
 * origin is PUBLIC_BASE_URL when set, else https://<PLATFORM_DOMAIN> in production and http://<PLATFORM_DOMAIN>:<PORT>
 * elsewhere; a shop's origin uses the same scheme and port on its primary host. Request-driven mail (reset, verify,
 * invite) should prefer the origin of the request that caused it, passed in the mail's data.
 */
import type { Env } from "#server/env.ts";

export type LinkEnv = Pick<Env, "PUBLIC_BASE_URL" | "PLATFORM_DOMAIN" | "NODE_ENV" | "PORT">;

export function platformOrigin(env: LinkEnv): string {
  if (env.PUBLIC_BASE_URL) return env.PUBLIC_BASE_URL.replace(/\/$/, "");
  return env.NODE_ENV === "production" ? `https://${env.PLATFORM_DOMAIN}` : `http://${env.PLATFORM_DOMAIN}:${env.PORT}`;
}

/** The origin of a shop's primary host (a verified custom domain, or `<slug>.<PLATFORM_DOMAIN>`). */
export function shopOrigin(env: LinkEnv, primaryHost: string): string {
  const base = new URL(platformOrigin(env));
  return `${base.protocol}//${primaryHost}${base.port ? `:${base.port}` : ""}`;
}
