/**
 * Digital delivery routes (ADR 039): a digital item's file (streamed, 200 MB), licence keys and link, for those who
 * edit the catalog; an order's downloads for those who read orders.
 */
import { z } from "zod";
import { defineRoute, tenantParams } from "#server/http/index.ts";
import { DIGITAL_FILE_MAX_BYTES, digitalSettingsSchema, licenceKeysSchema } from "#server/digital/index.ts";

const itemParams = tenantParams.extend({ itemId: z.uuid() });
const editors = { tenant: { action: "catalog.edit" as const, operator: false } };
const readers = { tenant: { action: "catalog.read" as const, operator: true } };
const path = "/tenants/:tenantId/catalog/items/:itemId/digital";

export function digitalRoutes() {
  return [
    defineRoute({
      method: "get", path, tag: "catalog", summary: "What a digital item delivers: file, link, download limit, key pool counts (never the keys)",
      auth: readers, params: itemParams,
      async handler({ params, services }) {
        return services.digital.settings(params.tenantId, params.itemId);
      },
    }),
    defineRoute({
      method: "patch", path, tag: "catalog", summary: "Set a digital item's link (https) and download limit per order line (1–100, default 5)",
      auth: editors, params: itemParams, body: digitalSettingsSchema,
      async handler({ params, body, audit, services }) {
        return services.digital.updateSettings(audit, params.tenantId, params.itemId, body);
      },
    }),
    defineRoute({
      method: "put", path: `${path}/file`, tag: "catalog",
      summary: "Upload a digital item's file as the raw body (streamed to disk, 200 MB; name in X-File-Name, URL-encoded)",
      auth: editors, params: itemParams, raw: { limit: DIGITAL_FILE_MAX_BYTES, contentType: "application/octet-stream", stream: true },
      async handler({ params, audit, services, req }) {
        return services.digital.uploadFile(audit, params.tenantId, params.itemId, req, req.get("x-file-name"));
      },
    }),
    defineRoute({
      method: "post", path: `${path}/keys`, tag: "catalog",
      summary: "Add licence keys, one per line (each drawn once by a paid order; the free keys are the item's stock)",
      auth: editors, params: itemParams, body: licenceKeysSchema,
      async handler({ params, body, audit, services }) {
        return services.digital.addKeys(audit, params.tenantId, params.itemId, body.keys);
      },
    }),
    defineRoute({
      method: "get", path: "/tenants/:tenantId/orders/:orderId/digital", tag: "orders",
      summary: "An order's digital lines: files, downloads used of the limit, keys drawn (members who read orders)",
      auth: { tenant: { action: "orders.read" as const, operator: false } }, params: tenantParams.extend({ orderId: z.uuid() }),
      async handler({ params, services }) {
        return { items: await services.digital.merchantGrants(params.tenantId, params.orderId) };
      },
    }),
  ];
}
