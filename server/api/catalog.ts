/** Catalog and upload routes (CAT-1..3, docs/security.md 12): owners and managers edit; operators may read. */
import type { UploadPurpose } from "@prisma/client";
import { z } from "zod";
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { catalogQuerySchema, itemCreateSchema, itemPatchSchema, parseCatalogCsv, stockAdjustSchema, type ImportReport } from "#server/catalog/index.ts";
import { UPLOAD_LIMITS } from "#server/uploads/index.ts";

const itemParams = tenantParams.extend({ itemId: z.uuid() });
const editors = { tenant: { action: "catalog.edit" as const, operator: false } };
const readers = { tenant: { action: "catalog.read" as const, operator: true } };

export function catalogRoutes() {
  return [
    defineRoute({
      method: "get", path: "/tenants/:tenantId/catalog/items", tag: "catalog", summary: "List items (search, category, status; cursor pages of ≤ 100)",
      auth: readers, params: tenantParams, query: catalogQuerySchema,
      async handler({ params, query, services }) {
        return services.catalog.list(params.tenantId, query, { forBuyers: false });
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/catalog/items", tag: "catalog", summary: "Create an item", auth: editors, status: 201,
      params: tenantParams, body: itemCreateSchema,
      async handler({ params, body, audit, services }) {
        return services.catalog.create(audit, params.tenantId, body);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/catalog/items/:itemId", tag: "catalog", summary: "One item", auth: readers,
      params: itemParams,
      async handler({ params, services }) {
        return services.catalog.get(params.tenantId, params.itemId, { forBuyers: false });
      },
    }),
    defineRoute({
      method: "patch", path: "/tenants/:tenantId/catalog/items/:itemId", tag: "catalog", summary: "Edit an item (compare-and-swap on version)",
      auth: editors, params: itemParams, body: itemPatchSchema,
      async handler({ params, body, audit, services }) {
        return services.catalog.update(audit, params.tenantId, params.itemId, body);
      },
    }),
    defineRoute({
      method: "delete", path: "/tenants/:tenantId/catalog/items/:itemId", tag: "catalog", summary: "Archive an item (kept for order history)",
      auth: editors, params: itemParams,
      async handler({ params, audit, services }) {
        return services.catalog.archive(audit, params.tenantId, params.itemId);
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/catalog/items/:itemId/stock", tag: "catalog", summary: "Adjust stock by a delta (atomic, never below 0)",
      auth: editors, params: itemParams, body: stockAdjustSchema,
      async handler({ params, body, audit, services }) {
        return services.catalog.adjustStock(audit, params.tenantId, params.itemId, body.delta);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/catalog/categories", tag: "catalog", summary: "Categories with item counts", auth: readers,
      params: tenantParams,
      async handler({ params, services }) {
        return { items: await services.catalog.categories(params.tenantId, { forBuyers: false }) };
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/catalog/import", tag: "catalog",
      summary: "Import items from CSV (all rows or none; the report lists every invalid row; image_url fetched once, public hosts only)",
      auth: editors, params: tenantParams, query: z.object({ dryRun: z.enum(["true", "false"]).default("false") }),
      raw: { limit: 1024 * 1024, contentType: "text/csv" },
      async handler({ params, query, rawBody, audit, services, res }) {
        const invalid = (report: ImportReport) =>
          res.status(422).json({ success: false, error: { code: "IMPORT_INVALID", message: `${report.errors.length} row(s) need fixing; nothing was imported.`, details: report } });
        const parsed = parseCatalogCsv(rawBody.toString("utf8"));
        if (parsed.report.errors.length) return void invalid(parsed.report);
        // A dry run fetches no image: each is downloaded once, on the real import.
        if (query.dryRun === "true") return parsed.report;
        const report = await services.catalog.import(audit, params.tenantId, parsed);
        if (report.errors.length) return void invalid(report);
        return report;
      },
    }),
    defineRoute({
      method: "post", path: "/tenants/:tenantId/uploads", tag: "catalog",
      summary: "Upload an image (type checked by magic bytes; PNG, JPEG, GIF, WebP; ICO for favicons; SVG refused)",
      auth: editors, params: tenantParams,
      query: z.object({ purpose: z.enum(["item_image", "logo", "favicon"]).default("item_image") }),
      raw: { limit: UPLOAD_LIMITS.item_image + 1, contentType: "application/octet-stream" },
      status: 201,
      async handler({ params, query, rawBody, audit, services }) {
        return services.uploads.save(audit, params.tenantId, query.purpose as UploadPurpose, rawBody);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/uploads", tag: "catalog", summary: "The shop's uploaded files", auth: readers,
      params: tenantParams, query: z.object({ purpose: z.enum(["item_image", "logo", "favicon"]).optional() }),
      async handler({ params, query, services }) {
        return { items: await services.uploads.list(params.tenantId, query.purpose) };
      },
    }),
    defineRoute({
      method: "delete", path: "/tenants/:tenantId/uploads/:uploadId", tag: "catalog", summary: "Delete an uploaded file", auth: editors,
      params: tenantParams.extend({ uploadId: z.uuid() }),
      async handler({ params, audit, services }) {
        await services.uploads.delete(audit, params.tenantId, params.uploadId);
        return { deleted: true };
      },
    }),
  ];
}
