/** Catalog input schemas, shared by the JSON API, the dashboard forms, CSV import and manifests. */
import { z } from "zod";
import { MAX_PRICE_INTEGER_DIGITS, MAX_STOCK } from "./bounds.ts";

export const priceSchema = z
  .string()
  .trim()
  .max(40, "Use a plain amount like 12 or 12.50.")
  .regex(/^\d+(\.\d{1,18})?$/, "Use a plain amount like 12 or 12.50.")
  // Bounded so no order of it can overflow the ledger (bounds.ts); the shop's currency limits the decimals (CatalogService).
  .refine((p) => p.split(".")[0]!.replace(/^0+(?=\d)/, "").length <= MAX_PRICE_INTEGER_DIGITS, "A price must be below 1,000,000,000,000.");

export const itemFieldsSchema = z.object({
  title: z.string().trim().min(1, "Give the item a title.").max(200),
  description: z.string().max(10_000).default(""),
  price: priceSchema,
  category: z
    .string()
    .trim()
    .max(60)
    .nullish()
    .transform((c) => (c ? c : null)),
  kind: z.enum(["physical", "digital"]).default("physical"),
  // null = unlimited.
  stock: z.number().int().min(0).max(MAX_STOCK).nullable().default(null),
  active: z.boolean().default(true),
});
export const itemCreateSchema = itemFieldsSchema.extend({
  imageIds: z.array(z.uuid()).max(10).default([]),
});
export type ItemCreateInput = z.infer<typeof itemCreateSchema>;

export const itemPatchSchema = itemFieldsSchema.partial().extend({
  // Compare-and-swap: a stale edit gets CONFLICT instead of silently overwriting.
  version: z.number().int().positive(),
  imageIds: z.array(z.uuid()).max(10).optional(),
});
export type ItemPatchInput = z.infer<typeof itemPatchSchema>;

export const stockAdjustSchema = z.object({
  delta: z.number().int().min(-MAX_STOCK).max(MAX_STOCK).refine((d) => d !== 0, "The change cannot be zero."),
});

export const MAX_PAGE = 100;
export const catalogQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  category: z.string().trim().max(60).optional(),
  /** Merchant view only: which items to list. The storefront always lists active ones. */
  status: z.enum(["active", "inactive", "archived", "all"]).default("all"),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(24),
  cursor: z.string().max(200).optional(),
});
export type CatalogQuery = z.infer<typeof catalogQuerySchema>;
