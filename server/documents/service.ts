/**
 * Invoices and credit notes (ADR 028). The database issues them (number, amount) in the transaction that pays or
 * refunds the order; this service renders each one to PDF on its first download, stores it, and from then on
 * serves the stored file: a document never changes once someone has seen it.
 */
import type { OrderDocumentKind, PrismaClient } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { hashSecret } from "#server/secrets/index.ts";
import type { UploadService } from "#server/uploads/index.ts";
import { documentInput, type IssuedDocument } from "./document-input.ts";
import { renderDocumentPdf } from "./render.ts";
import { documentKey, type DocumentStore } from "./store.ts";

export interface DocumentFile {
  filename: string;
  content: Buffer;
}

export interface OrderDocumentsSummary {
  invoice: { number: string } | null;
  creditNote: { number: string } | null;
}

const NOT_FOUND: Record<OrderDocumentKind, ApiError> = {
  invoice: new ApiError(404, "INVOICE_NOT_FOUND", "This order has no invoice yet: it is issued when the order is paid."),
  credit_note: new ApiError(404, "CREDIT_NOTE_NOT_FOUND", "This order has no credit note: one is issued when the order is refunded."),
};

const select = { id: true, tenantId: true, orderId: true, kind: true, number: true, amount: true, createdAt: true, creditsId: true, storageKey: true } as const;

export class DocumentService {
  constructor(private deps: { prisma: PrismaClient; store: DocumentStore; uploads: UploadService }) {}

  /** Which documents the order has (numbers only), for the pages that link to them. */
  async forOrder(tenantId: string, orderId: string): Promise<OrderDocumentsSummary> {
    const rows = await this.deps.prisma.orderDocument.findMany({ where: { tenantId, orderId }, select: { kind: true, number: true } });
    const numberOf = (kind: OrderDocumentKind) => {
      const row = rows.find((r) => r.kind === kind);
      return row ? { number: row.number } : null;
    };
    return { invoice: numberOf("invoice"), creditNote: numberOf("credit_note") };
  }

  /** The order behind a buyer's link on this shop, or null (another shop's link is simply not found). */
  async orderIdByToken(tenantId: string, token: string): Promise<string | null> {
    const row = await this.deps.prisma.order.findFirst({ where: { tenantId, tokenHash: hashSecret(token) }, select: { id: true } });
    return row?.id ?? null;
  }

  /** The document as a PDF file, rendered now if this is its first download; null when the order has none. */
  async file(tenantId: string, orderId: string, kind: OrderDocumentKind): Promise<DocumentFile | null> {
    const doc = await this.deps.prisma.orderDocument.findFirst({ where: { tenantId, orderId, kind }, select });
    if (!doc) return null;
    const stored = doc.storageKey ? await this.deps.store.get(doc.storageKey) : null;
    return { filename: `${doc.number}.pdf`, content: stored ?? (await this.render(doc)) };
  }

  /** For routes: the file, or the typed 404 (INVOICE_NOT_FOUND, CREDIT_NOTE_NOT_FOUND). */
  async download(tenantId: string, orderId: string, kind: OrderDocumentKind): Promise<DocumentFile> {
    const file = await this.file(tenantId, orderId, kind);
    if (!file) throw NOT_FOUND[kind];
    return file;
  }

  /** The invoice to attach to the payment-received mail; null when the order has no invoice. */
  invoiceAttachment(tenantId: string, orderId: string): Promise<DocumentFile | null> {
    return this.file(tenantId, orderId, "invoice");
  }

  private async render(doc: IssuedDocument) {
    const pdf = await renderDocumentPdf(await documentInput(this.deps, doc));
    const key = documentKey(doc.tenantId, doc.id);
    const content = await this.deps.store.putOnce(key, pdf);
    // Recorded once (the row's trigger refuses any other change); a concurrent render has already done it.
    await this.deps.prisma.orderDocument.updateMany({ where: { id: doc.id, tenantId: doc.tenantId, storageKey: null }, data: { storageKey: key, renderedAt: new Date() } });
    return content;
  }
}
