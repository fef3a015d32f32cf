import { Router } from "express";
import { buildBootstrapPayload } from "#server/tenancy/index.ts";
import { ApiError, sendError } from "#server/http/errors.ts";
import type { TenantContext } from "#server/http/tenant-context.ts";

/** Public storefront API: the tenant comes from the Host (res.locals.tenantContext), never from the client. */
export function storefrontRouter() {
  const router = Router();
  router.get("/bootstrap", (_req, res) => {
    const ctx = res.locals.tenantContext as TenantContext;
    if (!ctx.tenant) return sendError(res, new ApiError(404, "TENANT_NOT_FOUND", "No shop at this address."));
    res.set("Cache-Control", "public, max-age=30").json({ success: true, data: buildBootstrapPayload(ctx.tenant) });
  });
  return router;
}
