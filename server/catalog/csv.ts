/**
 * CSV import with a per-row report. Columns: title, description, price, category, stock, kind, active, sku,
 * compare_at_price, weight_grams, seo_title, seo_description, slug, image_url (header row required, order free). Every row is validated first; if any row is invalid nothing is imported and the report
 * says what to fix in each — a half-imported catalog is harder to repair than a rejected file.
 */
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { itemCreateSchema, type ItemCreateInput } from "./schemas.ts";

export const MAX_IMPORT_ROWS = 1000;
/** Rows with an image_url per file: each is a download during the import request (see import.ts). */
export const MAX_IMAGE_ROWS = 100;

/** Optional whole-number cell: empty means not set. */
const optionalInt = (message: string) =>
  z
    .string()
    .trim()
    .default("")
    .transform((v, ctx) => {
      if (v === "") return null;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return Number(v);
    });
const imageUrlCell = z
  .string()
  .trim()
  .max(2000)
  .default("")
  .refine((v) => v === "" || /^https?:\/\/[^\s]+$/i.test(v), "an http or https URL of the image, or empty")
  .transform((v) => v || null);

const boolCell = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v, ctx) => {
    if (v === "" || ["true", "yes", "1", "y"].includes(v)) return true;
    if (["false", "no", "0", "n"].includes(v)) return false;
    ctx.addIssue({ code: "custom", message: "use true or false" });
    return z.NEVER;
  });

const rowSchema = z.object({
  title: z.string(),
  description: z.string().default(""),
  price: z.string(),
  category: z.string().default(""),
  stock: z
    .string()
    .trim()
    .default("")
    .transform((v, ctx) => {
      if (v === "" || v.toLowerCase() === "unlimited") return null;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: "custom", message: "a whole number, or empty for unlimited" });
        return z.NEVER;
      }
      return Number(v);
    }),
  kind: z.string().trim().toLowerCase().default("physical"),
  active: boolCell.default(true),
  sku: z.string().default(""),
  compare_at_price: z.string().trim().default(""),
  weight_grams: optionalInt("whole grams, or empty"),
  seo_title: z.string().default(""),
  seo_description: z.string().default(""),
  slug: z.string().trim().default(""),
  image_url: imageUrlCell,
});

/** A row's cells as the item fields (the CSV's snake_case columns, empty meaning "not set"). */
function itemFields(cells: z.output<typeof rowSchema>) {
  const { compare_at_price, weight_grams, seo_title, seo_description, image_url: _url, slug, category, ...rest } = cells;
  return {
    ...rest,
    category: category || null,
    compareAtPrice: compare_at_price || null,
    weightGrams: weight_grams,
    seoTitle: seo_title,
    seoDescription: seo_description,
    slug: slug || undefined,
  };
}

export interface ImportReport {
  total: number;
  imported: number;
  errors: Array<{ row: number; messages: string[] }>;
}

export interface ParsedCatalog {
  rows: ItemCreateInput[];
  /** Per row (same index): the image to fetch into the shop's storage on import, or null. */
  imageUrls: Array<string | null>;
  report: ImportReport;
}

export function parseCatalogCsv(text: string): ParsedCatalog {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: false, bom: true, relax_column_count: false });
  } catch (err) {
    return { rows: [], imageUrls: [], report: { total: 0, imported: 0, errors: [{ row: 0, messages: [`Not a readable CSV file: ${(err as Error).message.split("\n")[0]}`] }] } };
  }
  if (records.length > MAX_IMPORT_ROWS) {
    return { rows: [], imageUrls: [], report: { total: records.length, imported: 0, errors: [{ row: 0, messages: [`At most ${MAX_IMPORT_ROWS} rows per file.`] }] } };
  }
  const withImages = records.filter((r) => r.image_url?.trim()).length;
  if (withImages > MAX_IMAGE_ROWS) {
    return { rows: [], imageUrls: [], report: { total: records.length, imported: 0, errors: [{ row: 0, messages: [`At most ${MAX_IMAGE_ROWS} rows with an image_url per file; split it into several files.`] }] } };
  }
  const rows: ItemCreateInput[] = [];
  const imageUrls: Array<string | null> = [];
  const errors: ImportReport["errors"] = [];
  records.forEach((rec, i) => {
    const line = i + 2; // 1-based, after the header row
    const cells = rowSchema.safeParse(rec);
    // Validate the item fields even when a cell failed, so the report lists every problem of the row at once.
    const fields = cells.success ? itemFields(cells.data) : { ...rec, category: rec.category || null, stock: null, active: true };
    const item = itemCreateSchema.safeParse(fields);
    if (cells.success && item.success) {
      rows.push(item.data);
      imageUrls.push(cells.data.image_url);
      return;
    }
    const issues = [...(cells.success ? [] : cells.error.issues), ...(item.success ? [] : item.error.issues)];
    const messages = [...new Set(issues.map((iss) => `${iss.path.join(".") || "row"}: ${iss.message}`))];
    errors.push({ row: line, messages });
  });
  return { rows, imageUrls, report: { total: records.length, imported: 0, errors } };
}
