/** Catalog input schemas, shared by the JSON API, the dashboard forms, CSV import and manifests. */
import { z } from "zod";
import { MAX_PRICE_INTEGER_DIGITS, MAX_STOCK } from "./bounds.ts";
import { isCanonicalSlug, MAX_SLUG } from "./slug.ts";

export const priceSchema = z
  .string()
  .trim()
  .max(40, "Use a plain amount like 12 or 12.50.")
  .regex(/^\d+(\.\d{1,18})?$/, "Use a plain amount like 12 or 12.50.")
  // Bounded so no order of it can overflow the ledger (bounds.ts); the shop's currency limits the decimals (CatalogService).
  .refine((p) => p.split(".")[0]!.replace(/^0+(?=\d)/, "").length <= MAX_PRICE_INTEGER_DIGITS, "A price must be below 1,000,000,000,000.");

/** Length limits of the per-item SEO fields: what search engines show before cutting off. */
export const MAX_SEO_TITLE = 70;
export const MAX_SEO_DESCRIPTION = 160;
export const MAX_SKU = 64;
export const MAX_WEIGHT_GRAMS = 1_000_000_000;

/** Empty or absent text means "not set" (null); undefined stays undefined so a patch leaves the field alone. */
const optionalText = (max: number, message?: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .nullish()
    .transform((v) => (v === undefined ? undefined : v || null));

/** a > b for plain non-negative decimal strings (priceSchema's form), without floats. */
export function decimalGreater(a: string, b: string) {
  const norm = (s: string) => {
    const [i = "0", f = ""] = s.split(".");
    return [i.replace(/^0+(?=\d)/, ""), f.replace(/0+$/, "")] as const;
  };
  const [ai, af] = norm(a);
  const [bi, bf] = norm(b);
  if (ai.length !== bi.length) return ai.length > bi.length;
  if (ai !== bi) return ai > bi;
  const width = Math.max(af.length, bf.length);
  return af.padEnd(width, "0") > bf.padEnd(width, "0");
}

export const COMPARE_AT_MESSAGE = "The compare-at price must be higher than the price.";

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
  // Issue 22 point 6. Unique per shop, case-insensitively (the database enforces it; the service says 409 SKU_TAKEN).
  sku: optionalText(MAX_SKU, `A SKU has at most ${MAX_SKU} characters.`),
  // The "was" price, struck through on the storefront; must be above the price.
  compareAtPrice: priceSchema.nullish(),
  weightGrams: z.number().int().min(0).max(MAX_WEIGHT_GRAMS).nullish(),
  seoTitle: optionalText(MAX_SEO_TITLE, `Search engines show about ${MAX_SEO_TITLE} characters of a title; keep it to that.`),
  seoDescription: optionalText(MAX_SEO_DESCRIPTION, `Search engines show about ${MAX_SEO_DESCRIPTION} characters of a description; keep it to that.`),
  // Absent on create: generated from the title. Must already be in slug form (lower case, letters, digits, dashes).
  slug: z
    .string()
    .max(MAX_SLUG * 4)
    .refine(isCanonicalSlug, `Use lower-case letters, digits and single dashes (at most ${MAX_SLUG} characters), like "blue-mug".`)
    .optional(),
});
export const itemCreateSchema = itemFieldsSchema
  .extend({
    imageIds: z.array(z.uuid()).max(10).default([]),
  })
  .refine((v) => !v.compareAtPrice || decimalGreater(v.compareAtPrice, v.price), { path: ["compareAtPrice"], message: COMPARE_AT_MESSAGE });
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
