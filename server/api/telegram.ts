/** Telegram-facing HTTP: the bot webhook (platform host) and the Mini App sign-in (shop hosts). */
import express, { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { handleWebhook, signInBuyer, BUYER_COOKIE, BUYER_SESSION_TTL_MS } from "#server/bots/index.ts";
import { ApiError, sendError, type TenantContext } from "#server/http/index.ts";
import type { Logger } from "#server/observability/index.ts";
import type { Services } from "#server/services.ts";

/** POST /api/telegram/webhook/:botId — the raw body is kept so nothing is parsed before the secret is checked. */
export function telegramWebhookRouter(services: Services, logger: Logger) {
  const router = Router();
  router.post("/:botId", express.raw({ type: () => true, limit: "1mb" }), async (req: Request, res: Response, next: NextFunction) => {
    try {
      const outcome = await handleWebhook(
        { prisma: services.prisma, box: services.box, conversation: services.botConversation, logger },
        String(req.params.botId),
        req.get("x-telegram-bot-api-secret-token"),
        Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      );
      if (outcome.status === 200) return res.json({ ok: true });
      const codes = { 400: "VALIDATION_ERROR", 401: "UNAUTHENTICATED", 404: "NOT_FOUND" } as const;
      sendError(res, new ApiError(outcome.status, codes[outcome.status], "Update refused."));
    } catch (err) {
      next(err);
    }
  });
  return router;
}

export { BUYER_COOKIE };

/** POST /api/storefront/telegram/session {initData}: signs a Mini App buyer in for this shop (host-only cookie). */
export function miniAppSessionHandler(services: Services) {
  const body = z.object({ initData: z.string().min(1).max(4096) });
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const tenant = (res.locals.tenantContext as TenantContext).tenant;
      if (!tenant) throw new ApiError(404, "TENANT_NOT_FOUND", "No shop at this address.");
      const parsed = body.safeParse(req.body);
      if (!parsed.success) throw new ApiError(400, "VALIDATION_ERROR", "initData is required.");
      const { token, buyer } = await signInBuyer({ prisma: services.prisma, box: services.box }, tenant.id, parsed.data.initData);
      // Inside Telegram's web client the shop runs in a cross-site iframe, which needs SameSite=None (Secure only).
      const attrs = req.secure ? ["Secure", "SameSite=None"] : ["SameSite=Lax"];
      res.append("Set-Cookie", [`${BUYER_COOKIE}=${token}`, "Path=/", "HttpOnly", `Max-Age=${BUYER_SESSION_TTL_MS / 1000}`, ...attrs].join("; "));
      res.json({ success: true, data: { buyer } });
    } catch (err) {
      if (err instanceof ApiError) return sendError(res, err);
      next(err);
    }
  };
}
