import type { TenantContext } from "#server/http/tenant-context.ts";
import type { Services } from "#server/services.ts";

declare module "@remix-run/node" {
  interface AppLoadContext extends TenantContext {
    platformDomain: string;
    cspNonce: string;
    services: Services;
  }
}
