/**
 * Payment evidence for manual invoices (ADR 025): a bank statement or receipt a finance member attaches when marking
 * an order paid. Unlike shop images these are private: kept in their own store (EVIDENCE_DIR), never listed in
 * `uploads` (so never under /media), and read back only through a members-only route, by tenant, order and id.
 */
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { FileStore } from "./store.ts";

export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;

type EvidenceType = { contentType: "application/pdf" | "image/png" | "image/jpeg"; ext: string };

/** By magic bytes only; the declared name and Content-Type are ignored. */
export function sniffEvidence(b: Uint8Array): EvidenceType | null {
  const starts = (sig: number[]) => sig.every((v, i) => b[i] === v);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return { contentType: "application/pdf", ext: "pdf" }; // %PDF-
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { contentType: "image/png", ext: "png" };
  if (starts([0xff, 0xd8, 0xff])) return { contentType: "image/jpeg", ext: "jpg" };
  return null;
}

const select = { id: true, orderId: true, contentType: true, size: true, createdAt: true } as const;

export class EvidenceService {
  constructor(private deps: { prisma: PrismaClient; store: FileStore }) {}

  async save(actor: AuditActor, tenantId: string, orderId: string, bytes: Uint8Array) {
    const order = await this.deps.prisma.order.findFirst({ where: { id: orderId, tenantId }, select: { rail: true } });
    if (!order) throw new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
    if (order.rail !== "manual_invoice") throw new ApiError(409, "CONFLICT", "Evidence files are for manual-invoice orders.");
    if (bytes.length === 0) throw new ApiError(400, "UPLOAD_EMPTY", "The file is empty.");
    if (bytes.length > EVIDENCE_MAX_BYTES) {
      throw new ApiError(413, "UPLOAD_TOO_LARGE", `The file is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB.`);
    }
    const type = sniffEvidence(bytes);
    if (!type) throw new ApiError(415, "UPLOAD_TYPE_REFUSED", "Attach a PDF, PNG or JPEG file.");
    const key = `${tenantId}/${randomBytes(18).toString("base64url")}.${type.ext}`;
    await this.deps.store.put(key, bytes);
    try {
      return await this.deps.prisma.$transaction(async (tx) => {
        const row = await tx.orderEvidence.create({
          data: { tenantId, orderId, key, contentType: type.contentType, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), uploadedBy: actor.userId },
          select,
        });
        await writeAudit(tx, actor, { action: "order.evidence_upload", tenantId, target: `order:${orderId}`, details: { evidenceId: row.id, contentType: type.contentType, size: bytes.length } });
        return row;
      });
    } catch (err) {
      await this.deps.store.delete(key); // No orphaned bytes when the row could not be written.
      throw err;
    }
  }

  /** The order's evidence files (metadata only). */
  list(tenantId: string, orderId: string) {
    return this.deps.prisma.orderEvidence.findMany({ where: { tenantId, orderId }, select, orderBy: { createdAt: "asc" }, take: 50 });
  }

  /** One file of this shop's order, or 404 (another shop's id is simply not found). */
  async find(tenantId: string, orderId: string, id: string) {
    const row = await this.deps.prisma.orderEvidence.findFirst({ where: { id, tenantId, orderId }, select: { ...select, key: true } });
    if (!row) throw new ApiError(404, "EVIDENCE_NOT_FOUND", "No such evidence file for this order.");
    return row;
  }

  async read(tenantId: string, orderId: string, id: string) {
    const row = await this.find(tenantId, orderId, id);
    const bytes = await this.deps.store.get(row.key);
    if (!bytes) throw new ApiError(404, "EVIDENCE_NOT_FOUND", "No such evidence file for this order.");
    return { bytes, contentType: row.contentType, name: `evidence-${row.id.slice(0, 8)}.${row.key.split(".").pop()}` };
  }
}
