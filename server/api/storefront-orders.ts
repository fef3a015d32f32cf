/**
 * Buyer money API on a shop's host (the tenant comes from the Host, never the client): checkout, the order by its
 * link token, sandbox payment (mounted only with PAYMENTS_SANDBOX=true), a new delivery code, disputes, and the
 * order's invoice and credit note (PDF). Responses are never cached.
 */
import { Router, type NextFunction, type Request, type Response } from "express";
import { z, type ZodType } from "zod";
import type { OrderStatus, PaymentRail } from "@prisma/client";
import type { Env } from "#server/env.ts";
import type { Logger } from "#server/observability/index.ts";
import type { Services } from "#server/services.ts";
import { type TenantContext, ApiError, sendError, rateLimit, jsonBody } from "#server/http/index.ts";
import { checkoutConsentSchema } from "#server/customers/index.ts";
import { checkoutSchema, disputeOpenSchema, idempotencyKeySchema } from "#server/money/index.ts";
import { buyerFromCookie } from "#server/bots/index.ts";
import { DOCUMENT_PATHS, sendDocument } from "./documents.ts";

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  throw new ApiError(400, "VALIDATION_ERROR", "Invalid body.", { issues: r.error.issues.map((i) => ({ in: "body", path: i.path.join("."), message: i.message })) });
}

/** Checkouts per minute per shop and client IP, shared by the JSON checkout and the storefront checkout page's posts. */
export function checkoutRateLimit(services: Services, env: Env, logger: Logger) {
  return rateLimit({
    redis: services.redis, prefix: env.REDIS_PREFIX, logger,
    rule: { name: "checkout", limit: env.RATE_LIMIT_CHECKOUT_PER_MIN, windowMs: 60_000 },
    subject: (req, res) => `${(res.locals.tenantContext as TenantContext).tenant?.id}:${req.ip}`,
  });
}

export function storefrontOrdersRouter(services: Services, env: Env, logger: Logger) {
  const router = Router();
  const tenantId = (res: Response) => {
    const t = (res.locals.tenantContext as TenantContext).tenant;
    if (!t) throw new ApiError(404, "TENANT_NOT_FOUND", "No shop at this address.");
    return t.id;
  };
  const token = (req: Request) => {
    const t = tokenSchema.safeParse(req.params.token);
    if (!t.success) throw new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
    return t.data;
  };
  const handle = (status: number, fn: (req: Request, res: Response) => Promise<unknown>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (req.method === "POST" && !req.is("application/json")) throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.");
      const data = await fn(req, res);
      res.status(status).set("Cache-Control", "no-store").json({ success: true, data });
    } catch (err) {
      if (err instanceof ApiError) return sendError(res, err);
      next(err);
    }
  };
  const json = jsonBody("64kb");
  const checkoutLimit = checkoutRateLimit(services, env, logger);

  router.post("/checkout", checkoutLimit, json, handle(201, async (req, res) => {
    const key = idempotencyKeySchema.safeParse(req.get("idempotency-key"));
    if (!key.success) throw new ApiError(400, "VALIDATION_ERROR", key.error.issues[0]!.message, { issues: [{ in: "header", path: "Idempotency-Key", message: key.error.issues[0]!.message }] });
    // A card payment comes back to the order's page on the host the buyer is on (a host of this very shop).
    const shop = tenantId(res);
    const input = parseBody(checkoutSchema, req.body);
    // Marketing consent is the shop's customer record's, not the order's (ADR 033): parsed here, kept off the money core.
    const consent = parseBody(checkoutConsentSchema, req.body);
    const buyer = await buyerFromCookie(services.prisma, shop, req.headers.cookie);
    const result = await services.money.checkout(shop, input, key.data, `${req.protocol}://${req.get("host")}`, buyer);
    if (consent.marketingOptIn) await services.customers.optInAtCheckout({ tenantId: shop }, input.email);
    if (result.replayed) res.set("Idempotent-Replayed", "true");
    return { token: result.token, orderPath: `/orders/${result.token}`, order: result.order, redirectUrl: result.redirectUrl };
  }));
  router.get("/orders/:token", handle(200, async (req, res) => services.money.buyerOrder(tenantId(res), token(req))));
  if (env.PAYMENTS_SANDBOX) {
    router.post("/orders/:token/sandbox-pay", json, handle(200, async (req, res) => services.money.sandboxPay(tenantId(res), token(req))));
  }
  // The invoice and credit note by the order's link, on its own shop's host only (another shop's host: 404).
  for (const [segment, kind] of Object.entries(DOCUMENT_PATHS)) {
    router.get(`/orders/:token/${segment}`, async (req, res, next) => {
      try {
        const shop = tenantId(res);
        const orderId = await services.documents.orderIdByToken(shop, token(req));
        if (!orderId) throw new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
        sendDocument(res, await services.documents.download(shop, orderId, kind));
      } catch (err) {
        if (err instanceof ApiError) return sendError(res, err);
        next(err);
      }
    });
  }
  // Digital delivery (ADR 039): the order's files, keys and links; on escrow, opening them confirms delivery.
  const digitalOf = async (shop: string, order: { id: string; rail: PaymentRail; status: OrderStatus }) => services.digital.buyerContent(shop, order);
  router.get("/orders/:token/digital", handle(200, async (req, res) => {
    const shop = tenantId(res);
    return digitalOf(shop, await services.money.buyerOrder(shop, token(req)));
  }));
  router.post("/orders/:token/digital/open", json, handle(200, async (req, res) => {
    const shop = tenantId(res);
    const { outcome, order } = await services.money.openDigital(shop, token(req));
    return { outcome, ...(await digitalOf(shop, order)) };
  }));
  router.post("/orders/:token/delivery-code/reissue", json, handle(200, async (req, res) => services.money.reissueDeliveryCode(tenantId(res), token(req))));
  router.post("/orders/:token/dispute", json, handle(201, async (req, res) =>
    services.money.openDispute(tenantId(res), token(req), parseBody(disputeOpenSchema, req.body).reason),
  ));
  return router;
}
