/**
 * Invoice and credit note downloads (ADR 028). Members who read orders get them from the dashboard (session cookie
 * or API token, platform host); the buyer gets them by the order's link on its own shop's host (storefront-orders.ts).
 */
import type { Response } from "express";
import { z } from "zod";
import type { OrderDocumentKind } from "@prisma/client";
import { defineRoute, tenantParams } from "#server/http/index.ts";
import type { DocumentFile } from "#server/documents/index.ts";

const orderParams = tenantParams.extend({ orderId: z.uuid() });
/** As the order itself (orders.read): support yes, developers no; operators with a stated reason. */
const readers = { tenant: { action: "orders.read" as const, operator: true, breakGlass: true } };

/** Path segment → document kind, shared by both surfaces. */
export const DOCUMENT_PATHS: Record<string, OrderDocumentKind> = { invoice: "invoice", "credit-note": "credit_note" };

export function sendDocument(res: Response, file: DocumentFile) {
  res.set({
    "Content-Type": "application/pdf",
    "Content-Disposition": `attachment; filename="${file.filename}"`,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
  });
  res.status(200).send(file.content);
}

const TOKEN = z.string().regex(/^[A-Za-z0-9_-]{43}$/).describe("The secret from the buyer's order link");

/**
 * The buyer's downloads as the OpenAPI document lists them. They are served by the storefront router on the shop's
 * own host (storefront-orders.ts), not by the control plane, so these definitions are documentation only.
 */
export function storefrontDocumentDocs() {
  return Object.entries(DOCUMENT_PATHS).map(([segment, kind]) =>
    defineRoute({
      method: "get", path: `/storefront/orders/:token/${segment}`, tag: "storefront", produces: "application/pdf", auth: "public",
      summary: `The buyer downloads the order's ${kind === "invoice" ? "invoice" : "credit note"} (PDF), on the order's own shop host only; 404 ${kind === "invoice" ? "INVOICE_NOT_FOUND" : "CREDIT_NOTE_NOT_FOUND"} when it has none`,
      params: z.object({ token: TOKEN }),
      handler() {
        throw new Error("served by the storefront router");
      },
    }),
  );
}

export function documentRoutes() {
  return Object.entries(DOCUMENT_PATHS).map(([segment, kind]) =>
    defineRoute({
      method: "get", path: `/tenants/:tenantId/orders/:orderId/${segment}`, tag: "orders", produces: "application/pdf",
      summary: kind === "invoice"
        ? "Download the order's invoice (PDF, issued when paid; 404 INVOICE_NOT_FOUND before)"
        : "Download the order's credit note (PDF, issued when refunded; 404 CREDIT_NOTE_NOT_FOUND before)",
      auth: readers, params: orderParams,
      async handler({ params, services, res }) {
        sendDocument(res, await services.documents.download(params.tenantId, params.orderId, kind));
      },
    }),
  );
}
