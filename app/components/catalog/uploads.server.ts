/** Uploading the images of a dashboard form through the same UploadService the JSON API uses. */
import type { AppLoadContext } from "@remix-run/node";
import type { UploadPurpose } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
export { UPLOAD_LIMITS } from "#server/uploads/index.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { formatBytes } from "./media.ts";

/**
 * Express sets no body limit in front of Remix, and `request.formData()` buffers the whole body, so an action that
 * takes files refuses an oversized post from its Content-Length before reading it. Browsers always send the length
 * with a form; a post without one is refused too. Returns the message to show, or null when the size is fine.
 */
export function formTooLarge(request: Request, maxBytes: number) {
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(length) && length <= maxBytes) return null;
  return `That is more than ${formatBytes(maxBytes)} at once. Send fewer or smaller files.`;
}

type SaveResult = { ok: true; uploads: Array<{ id: string; url: string }> } | { ok: false; message: string };

/**
 * Saves every file or none: if one is refused (too large, not an image), the ones already stored are deleted again
 * and the message names the file. Unexpected errors propagate.
 */
export async function saveUploads(context: AppLoadContext, tenantId: string, purpose: UploadPurpose, files: File[]): Promise<SaveResult> {
  const saved: Array<{ id: string; url: string }> = [];
  for (const file of files) {
    try {
      const upload = await context.services.uploads.save(auditActor(context), tenantId, purpose, new Uint8Array(await file.arrayBuffer()));
      saved.push({ id: upload.id, url: upload.url });
    } catch (err) {
      await discardUploads(context, tenantId, saved.map((u) => u.id));
      if (err instanceof ApiError && err.status < 500) return { ok: false, message: file.name ? `${file.name}: ${err.message}` : err.message };
      throw err;
    }
  }
  return { ok: true, uploads: saved };
}

/** Undoes uploads whose form could not be saved after all (a CONFLICT, say), so no unreferenced files pile up. */
export async function discardUploads(context: AppLoadContext, tenantId: string, ids: string[]) {
  for (const id of ids) await context.services.uploads.delete(auditActor(context), tenantId, id).catch(() => {});
}
