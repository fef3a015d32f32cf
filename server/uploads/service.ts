/** Tenant uploads: checked by magic bytes, capped in size, stored under the tenant's prefix with a random name. */
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient, UploadPurpose } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { looksLikeMarkup, sniffImage } from "./sniff.ts";
import type { FileStore } from "./store.ts";

export const UPLOAD_LIMITS: Record<UploadPurpose, number> = {
  item_image: 5 * 1024 * 1024,
  logo: 1024 * 1024,
  favicon: 256 * 1024,
};

const uploadSelect = { id: true, key: true, contentType: true, size: true, purpose: true, createdAt: true } as const;

/** The public path of an upload on its shop's host: /media/<random>.<ext> (the tenant comes from the Host). */
export function mediaPath(key: string) {
  return `/media/${key.slice(key.indexOf("/") + 1)}`;
}

export class UploadService {
  constructor(private deps: { prisma: PrismaClient; store: FileStore }) {}

  async save(actor: AuditActor, tenantId: string, purpose: UploadPurpose, bytes: Uint8Array) {
    const limit = UPLOAD_LIMITS[purpose];
    if (bytes.length === 0) throw new ApiError(400, "UPLOAD_EMPTY", "The file is empty.");
    if (bytes.length > limit) {
      throw new ApiError(413, "UPLOAD_TOO_LARGE", `The file is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; the limit is ${limit / 1024 / 1024} MB.`);
    }
    const type = sniffImage(bytes);
    if (!type) {
      throw new ApiError(
        415,
        "UPLOAD_TYPE_REFUSED",
        looksLikeMarkup(bytes) ? "SVG, HTML and other markup files are not accepted. Upload a PNG, JPEG, GIF or WebP image." : "This is not a PNG, JPEG, GIF, WebP or ICO image.",
      );
    }
    if (type.contentType === "image/x-icon" && purpose !== "favicon") {
      throw new ApiError(415, "UPLOAD_TYPE_REFUSED", "ICO files are only accepted as a favicon.");
    }
    const key = `${tenantId}/${randomBytes(18).toString("base64url")}.${type.ext}`;
    await this.deps.store.put(key, bytes);
    try {
      return await this.deps.prisma.$transaction(async (tx) => {
        const row = await tx.upload.create({
          data: { tenantId, key, contentType: type.contentType, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), purpose },
          select: uploadSelect,
        });
        await writeAudit(tx, actor, { action: "upload.create", tenantId, target: `upload:${row.id}`, details: { purpose, contentType: type.contentType, size: bytes.length } });
        return { ...row, url: mediaPath(row.key) };
      });
    } catch (err) {
      await this.deps.store.delete(key); // No orphaned bytes when the row could not be written.
      throw err;
    }
  }

  /** A file of this tenant by its public name, or null (another tenant's name is simply not found). */
  async read(tenantId: string, name: string) {
    if (!/^[A-Za-z0-9_-]{16,64}\.[a-z]{2,4}$/.test(name)) return null;
    const row = await this.deps.prisma.upload.findUnique({ where: { key: `${tenantId}/${name}`, tenantId }, select: { key: true, contentType: true } });
    if (!row) return null;
    const bytes = await this.deps.store.get(row.key);
    return bytes ? { bytes, contentType: row.contentType } : null;
  }

  list(tenantId: string, purpose?: UploadPurpose) {
    return this.deps.prisma.upload.findMany({
      where: { tenantId, ...(purpose ? { purpose } : {}) },
      select: uploadSelect,
      orderBy: { createdAt: "desc" },
      take: 100,
    });
  }

  async delete(actor: AuditActor, tenantId: string, id: string) {
    const row = await this.deps.prisma.$transaction(async (tx) => {
      const found = await tx.upload.findFirst({ where: { id, tenantId }, select: { id: true, key: true } });
      if (!found) throw new ApiError(404, "UPLOAD_NOT_FOUND", "No such file in this shop.");
      await tx.upload.delete({ where: { id: found.id, tenantId } });
      await writeAudit(tx, actor, { action: "upload.delete", tenantId, target: `upload:${id}` });
      return found;
    });
    await this.deps.store.delete(row.key);
  }
}
