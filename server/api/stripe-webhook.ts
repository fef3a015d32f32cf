/**
 * POST /api/payments/stripe/webhook/:integrationId (ADR 024). Mounted before tenant resolution, the JSON parser and
 * the CSRF guard (Stripe sends no cookie): the raw bytes go to the signature check untouched.
 */
import express, { Router, type NextFunction, type Request, type Response } from "express";
import { ApiError, sendError } from "#server/http/index.ts";
import type { Logger } from "#server/observability/index.ts";
import type { Services } from "#server/services.ts";

export function stripeWebhookRouter(services: Services, logger: Logger) {
  const router = Router();
  router.post("/:integrationId", express.raw({ type: () => true, limit: "512kb" }), async (req: Request, res: Response, next: NextFunction) => {
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await services.money.stripeWebhook(String(req.params.integrationId), req.get("stripe-signature"), raw);
      res.json(result);
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status >= 400 && err.status < 500) logger.warn({ code: err.code, integrationId: req.params.integrationId }, "stripe webhook refused");
        return sendError(res, err);
      }
      next(err);
    }
  });
  return router;
}
