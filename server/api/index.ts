/**
 * The control-plane JSON API (docs/product.md §9), served on the platform host only. Route definitions live in the
 * sibling files; this assembles them, the JSON body parser (1 MB cap) and the OpenAPI document.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import type { Services } from "#server/services.ts";
import { type TenantContext, defineRoute, mountRoutes, openApiDocument, type RouteDef, ApiError, sendError, jsonBody } from "#server/http/index.ts";
import { listAudit } from "#server/audit/index.ts";
import { beforeCursorSchema } from "#server/db/index.ts";
import { authRoutes } from "./auth.ts";
import { reportRoutes } from "./reports.ts";
import { tenantRoutes } from "./tenants.ts";
import { teamRoutes } from "./team.ts";
import { policyRoutes } from "./policy.ts";
import { catalogRoutes } from "./catalog.ts";
import { botRoutes } from "./bots.ts";
import { domainRoutes } from "./domains.ts";
import { alertRoutes } from "./alerts.ts";
import { orderRoutes } from "./orders.ts";
import { moneyOpsRoutes } from "./money-ops.ts";
import { integrationRoutes } from "./integrations.ts";
import { digitalRoutes } from "./digital.ts";
import { documentRoutes, storefrontDocumentDocs } from "./documents.ts";
import { notificationRoutes } from "./notifications.ts";
import { customerRoutes } from "./customers.ts";
import { shippingRoutes } from "./shipping.ts";

export { mediaHandler, storefrontRouter } from "./storefront.ts";
export { digitalDownloadHandler } from "./digital-download.ts";
export { checkoutRateLimit, storefrontOrdersRouter } from "./storefront-orders.ts";
export { miniAppSessionHandler, telegramWebhookRouter } from "./telegram.ts";
export { stripeWebhookRouter } from "./stripe-webhook.ts";

const operatorRoutes = () => [
  defineRoute({
    method: "get", path: "/audit", tag: "operator", summary: "The platform audit log, filtered", auth: "operator",
    query: z.object({
      tenantId: z.uuid().optional(),
      actorId: z.uuid().optional(),
      action: z.string().max(60).optional(),
      before: beforeCursorSchema.optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    async handler({ query, services }) {
      return listAudit(services.prisma, query);
    },
  }),
];

export function controlPlaneRoutes(): RouteDef[] {
  return [...authRoutes(), ...tenantRoutes(), ...teamRoutes(), ...policyRoutes(), ...catalogRoutes(), ...botRoutes(), ...domainRoutes(), ...alertRoutes(), ...operatorRoutes(), ...orderRoutes(), ...documentRoutes(), ...moneyOpsRoutes(), ...integrationRoutes(), ...notificationRoutes(), ...reportRoutes(), ...customerRoutes(), ...shippingRoutes(), ...digitalRoutes()];
}

export function openApi() {
  return openApiDocument([...controlPlaneRoutes(), ...storefrontDocumentDocs()], { title: "Storefront platform control-plane API", version: "1" });
}

export function controlPlaneRouter(services: Services) {
  const router = express.Router();
  // Tenant hosts expose only /api/storefront: the control plane does not exist there.
  router.use((_req: Request, res: Response, next: NextFunction) => {
    if (!(res.locals.tenantContext as TenantContext).isPlatformHost) return sendError(res, new ApiError(404, "NOT_FOUND", "No such endpoint."));
    next();
  });
  router.use(jsonBody("1mb"));
  const doc = openApi();
  router.get("/openapi.json", (_req, res) => res.json(doc));
  mountRoutes(router, controlPlaneRoutes(), services);
  router.use((_req: Request, res: Response) => sendError(res, new ApiError(404, "NOT_FOUND", "No such endpoint.")));
  return router;
}
