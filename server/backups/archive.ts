/**
 * The per-shop archive format (ADR 043): gzip of a text file whose first line is a JSON header and whose body is, per
 * table, a line `@<table>` then one row per line as Postgres printed it (`to_jsonb(row)::text`). The rows never pass
 * through JavaScript numbers, so NUMERIC amounts and 64-bit values come back exactly; jsonb's text has no raw
 * newlines, so a line is a row. The checksum is the SHA-256 of the .gz file, kept beside it as `<file>.sha256` and in
 * backup_logs.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";

export const ARCHIVE_FORMAT = "storefront-shop-backup";

const headerSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(1),
  tenantId: z.uuid(),
  slug: z.string(),
  createdAt: z.iso.datetime(),
  /** table → its columns at backup time (a restore inserts only these; newer columns take their defaults). */
  tables: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), z.object({ columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)), rows: z.number().int().min(0) })),
});
export type ArchiveHeader = z.infer<typeof headerSchema>;

export interface ShopArchive {
  header: ArchiveHeader;
  /** table → rows as jsonb text. */
  rows: Map<string, string[]>;
}

export const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

export function encodeArchive(archive: ShopArchive): Buffer {
  const lines = [JSON.stringify(archive.header)];
  for (const [table, rows] of archive.rows) lines.push(`@${table}`, ...rows);
  return gzipSync(lines.join("\n") + "\n");
}

export class ArchiveError extends Error {}

/** Reads and checks an archive: the checksum (against `expectedSha256`, else the sidecar file), the header, the counts. */
export async function readArchive(file: string, expectedSha256?: string): Promise<{ archive: ShopArchive; sha256: string }> {
  const bytes = await readFile(file);
  const actual = sha256(bytes);
  const expected = expectedSha256 ?? (await readFile(`${file}.sha256`, "utf8").catch(() => "")).trim().split(/\s+/)[0];
  if (!expected) throw new ArchiveError(`no checksum for ${file}: expected ${file}.sha256 beside it`);
  if (expected !== actual) throw new ArchiveError(`checksum mismatch for ${file}: expected ${expected}, got ${actual}`);
  const lines = gunzipSync(bytes).toString("utf8").split("\n");
  const parsed = headerSchema.safeParse(JSON.parse(lines[0] ?? "null"));
  if (!parsed.success) throw new ArchiveError(`${file} is not a shop archive: ${parsed.error.issues[0]?.message}`);
  const rows = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    if (line.startsWith("@")) rows.set(line.slice(1), (current = []));
    else if (current) current.push(line);
    else throw new ArchiveError(`${file}: a row before any table`);
  }
  for (const [table, meta] of Object.entries(parsed.data.tables)) {
    if ((rows.get(table)?.length ?? 0) !== meta.rows) throw new ArchiveError(`${file}: ${table} has ${rows.get(table)?.length ?? 0} rows, the header says ${meta.rows}`);
  }
  if ([...rows.keys()].some((t) => !(t in parsed.data.tables))) throw new ArchiveError(`${file}: a table missing from the header`);
  return { archive: { header: parsed.data, rows }, sha256: actual };
}
