/**
 * Express → Remix, in place of @remix-run/express's handler, for two reasons (docs/decisions/020-request-hardening.md):
 * the URL is built from the validated host (the adapter trusts any X-Forwarded-Host port and throws a 500 on one
 * above 65535), and a form body already read and checked by `formBodyCheck` is handed over from `res.locals`.
 * Remix runs in its production server mode in every NODE_ENV: errors reach the client without message or stack
 * (docs/security.md 13); Remix logs them server-side.
 */
import type { NextFunction, Request, Response } from "express";
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import { rawRequestHost } from "./tenant-context.ts";
import { sendOutage } from "./errors.ts";

export function remixHandler(opts: { build: ServerBuild; trustedProxies: string[]; getLoadContext(req: Request, res: Response): AppLoadContext }) {
  const handle = createRequestHandler(opts.build, "production");
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const controller = new AbortController();
      // Stop loaders and actions once the client is gone and nothing can be written any more.
      res.on("close", () => void (res.writableFinished || controller.abort()));
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        for (const v of ([] as string[]).concat(value ?? [])) headers.append(key, v);
      }
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const checked = res.locals.formBody as Buffer | undefined;
      const body = !hasBody ? undefined : checked ? new Uint8Array(checked) : createReadableStreamFromReadable(req);
      const url = `${req.protocol}://${rawRequestHost(req, opts.trustedProxies)}${req.originalUrl}`;
      const request = new Request(url, { method: req.method, headers, body, signal: controller.signal, ...(hasBody ? { duplex: "half" } : {}) });
      const context = opts.getLoadContext(req, res);
      const response = await handle(request, context);
      // A loader or action that failed because the database is out of reach (app/entry.server.tsx handleError marks
      // it): the outage answer instead of Remix's 500 page.
      if (response.status >= 500 && context.databaseUnavailable) {
        await response.body?.cancel();
        return sendOutage(req, res);
      }
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [key, value] of response.headers.entries()) res.append(key, value);
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (err) {
      next(err);
    }
  };
}
