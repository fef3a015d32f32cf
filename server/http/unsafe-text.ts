/**
 * Text the database cannot store is refused at the HTTP boundary (docs/decisions/020-request-hardening.md): a NUL
 * character (Postgres refuses \u0000 in text) or a UTF-16 surrogate without its pair (no UTF-8 form). Checked once for
 * every request — the URL here, JSON bodies in `jsonBody`, form bodies in `formBodyCheck`, raw text bodies in the
 * API route builder — so no handler, zod schema or Remix action has to remember it, and such input is a typed 400
 * instead of a database error counted as the shop's 5xx.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { ApiError, sendError } from "./errors.ts";

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasUnsafeText(text: string) {
  return UNSAFE.test(text);
}

/**
 * The path ("" for the value itself) of the first string, or object key, the database cannot store; else null.
 * Walked with an explicit stack, not recursion: a JSON body of a few KB can nest deeper than the call stack allows.
 */
export function findUnsafeText(value: unknown): string | null {
  const todo: Array<[unknown, string]> = [[value, ""]];
  while (todo.length) {
    const [v, path] = todo.pop()!;
    if (typeof v === "string") {
      if (hasUnsafeText(v)) return path;
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    // Pushed in reverse, so the first unsafe value in document order is the one reported.
    for (const [key, inner] of Object.entries(v).reverse()) {
      const at = path ? `${path}.${key}` : key;
      if (hasUnsafeText(key)) return at;
      todo.push([inner, at]);
    }
  }
  return null;
}

export function unsafeTextError(where: string, path: string) {
  return new ApiError(400, "VALIDATION_ERROR", `Invalid ${where}.`, {
    issues: [{ in: where, path, message: "Text may not contain NUL characters or unpaired UTF-16 surrogates." }],
  });
}

/** `%00` anywhere in the URL (path or query): every loader and API filter is covered. */
export function rejectUnsafeUrl(): RequestHandler {
  return (req, res, next) => (/%00/.test(req.originalUrl) ? sendError(res, unsafeTextError("URL", "")) : next());
}

/** express.json for the API routers: UTF-8 only (others are 415, errors.ts), no text the database cannot store. */
export function jsonBody(limit: string): RequestHandler[] {
  return [
    express.json({ limit, type: "application/json" }),
    (req, res, next) => {
      const at = req.is("application/json") ? findUnsafeText(req.body) : null;
      return at === null ? next() : sendError(res, unsafeTextError("body", at));
    },
  ];
}

/** Larger than any Remix action takes (the item form's 12 MB of images); a bigger form post is refused unread. */
export const MAX_FORM_BODY_BYTES = 16 * 1024 * 1024;
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

async function readBody(req: Request, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The text fields of a form body (files are bytes and may hold anything); null when a multipart body does not parse. */
async function formText(body: Buffer, contentType: string): Promise<string[] | null> {
  const type = contentType.toLowerCase();
  if (type.startsWith("text/plain")) return [body.toString("utf8")];
  const form = type.startsWith("multipart/")
    ? await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData().catch(() => null)
    : new URLSearchParams(body.toString("utf8"));
  if (!form) return null;
  return [...form].flatMap(([name, value]) => (typeof value === "string" ? [name, value] : [name]));
}

/**
 * In front of Remix: a form post's body is read (up to MAX_FORM_BODY_BYTES) and checked; the Remix handler then
 * reads it from `res.locals.formBody` (remix-handler.ts) instead of the spent request stream.
 */
export function formBodyCheck(maxBytes = MAX_FORM_BODY_BYTES) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const contentType = req.get("content-type") ?? "";
    if (req.method === "GET" || req.method === "HEAD" || !FORM_TYPES.some((t) => contentType.toLowerCase().startsWith(t))) return next();
    try {
      if (Number(req.get("content-length") ?? 0) > maxBytes) return sendError(res, new ApiError(413, "PAYLOAD_TOO_LARGE", "The body is too large."));
      const body = await readBody(req, maxBytes);
      if (!body) return sendError(res, new ApiError(413, "PAYLOAD_TOO_LARGE", "The body is too large."));
      const fields = await formText(body, contentType);
      // A multipart body that does not parse would make the Remix action's request.formData() throw: a 500.
      if (!fields) return sendError(res, new ApiError(400, "VALIDATION_ERROR", "The form body is malformed."));
      if (fields.some(hasUnsafeText)) return sendError(res, unsafeTextError("form", ""));
      res.locals.formBody = body;
      next();
    } catch (err) {
      next(err);
    }
  };
}
