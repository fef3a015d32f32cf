/**
 * CSV import with a per-row report. Columns: title, description, price, category, stock, kind, active (header row
 * required, order free). Every row is validated first; if any row is invalid nothing is imported and the report
 * says what to fix in each — a half-imported catalog is harder to repair than a rejected file.
 */
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { itemCreateSchema, type ItemCreateInput } from "./schemas.ts";

export const MAX_IMPORT_ROWS = 1000;

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
});

export interface ImportReport {
  total: number;
  imported: number;
  errors: Array<{ row: number; messages: string[] }>;
}

export function parseCatalogCsv(text: string): { rows: ItemCreateInput[]; report: ImportReport } {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: false, bom: true, relax_column_count: false });
  } catch (err) {
    return { rows: [], report: { total: 0, imported: 0, errors: [{ row: 0, messages: [`Not a readable CSV file: ${(err as Error).message.split("\n")[0]}`] }] } };
  }
  if (records.length > MAX_IMPORT_ROWS) {
    return { rows: [], report: { total: records.length, imported: 0, errors: [{ row: 0, messages: [`At most ${MAX_IMPORT_ROWS} rows per file.`] }] } };
  }
  const rows: ItemCreateInput[] = [];
  const errors: ImportReport["errors"] = [];
  records.forEach((rec, i) => {
    const line = i + 2; // 1-based, after the header row
    const cells = rowSchema.safeParse(rec);
    // Validate the item fields even when a cell failed, so the report lists every problem of the row at once.
    const fields = cells.success ? cells.data : { ...rec, stock: null, active: true };
    const item = itemCreateSchema.safeParse({ ...fields, category: (fields as { category?: string }).category || null });
    if (cells.success && item.success) return void rows.push(item.data);
    const issues = [...(cells.success ? [] : cells.error.issues), ...(item.success ? [] : item.error.issues)];
    const messages = [...new Set(issues.map((iss) => `${iss.path.join(".") || "row"}: ${iss.message}`))];
    errors.push({ row: line, messages });
  });
  return { rows, report: { total: records.length, imported: 0, errors } };
}
