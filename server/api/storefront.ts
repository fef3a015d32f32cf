import { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { buildBootstrapPayload, storefrontFeatures, type ResolvedTenant } from "#server/tenancy/index.ts";
import { ApiError, sendError, type TenantContext } from "#server/http/index.ts";
import { catalogQuerySchema, publicItem } from "#server/catalog/index.ts";
import type { Services } from "#server/services.ts";

const publicQuery = catalogQuerySchema.pick({ q: true, category: true, limit: true, cursor: true });

/** Public storefront API: the tenant comes from the Host (res.locals.tenantContext), never from the client. */
export function storefrontRouter(services: Services) {
  const router = Router();
  const tenantOf = (res: Response): ResolvedTenant => {
    const ctx = res.locals.tenantContext as TenantContext;
    if (!ctx.tenant) throw new ApiError(404, "TENANT_NOT_FOUND", "No shop at this address.");
    return ctx.tenant;
  };
  const handle = (fn: (req: Request, res: Response) => Promise<unknown>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const data = await fn(req, res);
      res.set("Cache-Control", "public, max-age=30").json({ success: true, data });
    } catch (err) {
      if (err instanceof ApiError) return sendError(res, err);
      next(err);
    }
  };
  router.get("/bootstrap", handle(async (_req, res) => {
    const tenant = tenantOf(res);
    const [offeredRails, bot] = await Promise.all([
      services.money.offeredRails(tenant.id),
      services.prisma.tenantBot.findFirst({ where: { tenantId: tenant.id, status: "active", miniAppUrl: { not: null } }, select: { id: true } }),
    ]);
    return buildBootstrapPayload(tenant, storefrontFeatures(tenant, { offeredRails, miniApp: Boolean(bot) }));
  }));
  router.get(
    "/catalog",
    handle(async (req, res) => {
      const tenant = tenantOf(res);
      const parsed = publicQuery.safeParse(req.query);
      if (!parsed.success) throw new ApiError(400, "VALIDATION_ERROR", "Invalid query.", { issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
      const page = await services.catalog.list(tenant.id, { ...parsed.data, status: "active" }, { forBuyers: true });
      return { items: page.items.map((i) => publicItem(i, tenant.currency)), nextCursor: page.nextCursor };
    }),
  );
  router.get(
    "/items/:itemId",
    handle(async (req, res) => {
      const tenant = tenantOf(res);
      const id = z.uuid().safeParse(req.params.itemId);
      if (!id.success) throw new ApiError(404, "ITEM_NOT_FOUND", "No such item.");
      return publicItem(await services.catalog.get(tenant.id, id.data, { forBuyers: true }), tenant.currency);
    }),
  );
  return router;
}

/** GET /media/:name on a shop's host: that shop's uploads only, typed by the magic-byte check, never sniffed. */
export function mediaHandler(services: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const tenant = (res.locals.tenantContext as TenantContext).tenant;
      const file = tenant ? await services.uploads.read(tenant.id, String(req.params.name)) : null;
      if (!file) return res.status(404).type("text/plain").send("Not found");
      res.set({ "Content-Type": file.contentType, "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=31536000, immutable", "Content-Disposition": "inline" });
      res.send(file.bytes);
    } catch (err) {
      next(err);
    }
  };
}
