/**
 * GET /digital/<signed link> on a shop's host (ADR 039): the file of a paid order's digital line, streamed from
 * disk. The link is bound to the host's shop (another shop's host: 404), expires (410) and counts against the line's
 * download limit (403 past it). Never cached: each response is one counted download.
 */
import type { NextFunction, Request, Response } from "express";
import type { Services } from "#server/services.ts";
import { ApiError, sendError, type TenantContext } from "#server/http/index.ts";

/** RFC 6266/5987: an ASCII fallback plus the exact UTF-8 name. */
function attachment(name: string) {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/[\\"]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function digitalDownloadHandler(services: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const tenant = (res.locals.tenantContext as TenantContext).tenant;
      if (!tenant) throw new ApiError(404, "NOT_FOUND", "Not found.");
      const file = await services.digital.download(tenant.id, String(req.params.token));
      res.status(200).set({
        "Content-Type": "application/octet-stream", "Content-Length": String(file.size), "Content-Disposition": attachment(file.fileName),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
      });
      file.stream.on("error", (err) => next(err));
      file.stream.pipe(res);
    } catch (err) {
      if (err instanceof ApiError) return sendError(res, err);
      next(err);
    }
  };
}
