import type { TenantContext } from "#server/http/index.ts";
import type { Services } from "#server/services.ts";
import type { Actor } from "#server/auth/index.ts";

declare module "@remix-run/node" {
  interface AppLoadContext extends TenantContext {
    platformDomain: string;
    /** Signs the flash (toast) cookie; from the validated env (server/env.ts flashSecretOf). */
    flashSecret: string;
    cspNonce: string;
    /** The signed-in user on the platform host (session cookie), or null. */
    actor: Actor | null;
    /** The CSRF token dashboard forms must echo; null when signed out. */
    csrfToken: string | null;
    request: { ip: string; userAgent: string | null; secure: boolean };
    services: Services;
    /** Set by handleError (entry.server.tsx) when a loader or action failed on a database outage: the answer is 503. */
    databaseUnavailable?: boolean;
  }
}
