/**
 * OPS-4: the request id and, once resolved, the shop's tenantId on every log line written while a request is being
 * handled, whichever module writes it (the logger's mixin reads them from here; no logger is passed down for it).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { NextFunction, Request, Response } from "express";

interface LogContext {
  reqId: string;
  tenantId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** The fields the logger adds to each line (pino `mixin`). */
export function logContextFields(): Partial<LogContext> {
  const ctx = storage.getStore();
  return ctx ? { reqId: ctx.reqId, ...(ctx.tenantId ? { tenantId: ctx.tenantId } : {}) } : {};
}

/** Opens the request's context; installed right after the request id is assigned. */
export function logContextMiddleware() {
  return (_req: Request, res: Response, next: NextFunction) => storage.run({ reqId: String(res.locals.requestId) }, next);
}

/** Records the shop the request turned out to be for (called by tenant resolution). */
export function setLogTenant(tenantId: string) {
  const ctx = storage.getStore();
  if (ctx) ctx.tenantId = tenantId;
}
