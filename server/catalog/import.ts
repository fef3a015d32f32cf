/**
 * Running a checked CSV import (csv.ts): each distinct image_url is fetched once, through the SSRF-guarded fetcher,
 * into the shop's storage via the upload pipeline (magic-byte sniffing, size cap), then every item is created in one
 * transaction. Any failing image fails the import like an invalid row would: the report names the row, the files
 * already stored are deleted, and nothing is created.
 */
import { ApiError } from "#server/http/index.ts";
import type { AuditActor } from "#server/audit/index.ts";
import { RemoteImageError, type RemoteImageFetcher, type UploadService } from "#server/uploads/index.ts";
import type { ImportReport, ParsedCatalog } from "./csv.ts";
import type { CatalogService } from "./service.ts";

const CONCURRENCY = 4;

export interface ImageImportDeps {
  uploads: UploadService;
  fetchImage: RemoteImageFetcher;
}

export async function runCatalogImport(
  catalog: CatalogService,
  deps: ImageImportDeps,
  actor: AuditActor,
  tenantId: string,
  parsed: ParsedCatalog,
): Promise<ImportReport> {
  const urls = [...new Set(parsed.imageUrls.filter((u): u is string => u !== null))];
  const stored = new Map<string, string>(); // url → upload id
  const failed = new Map<string, string>(); // url → why
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++]!;
      try {
        const bytes = await deps.fetchImage(url);
        stored.set(url, (await deps.uploads.save(actor, tenantId, "item_image", bytes)).id);
      } catch (err) {
        if (!(err instanceof RemoteImageError) && !(err instanceof ApiError)) throw err;
        failed.set(url, err.message);
      }
    }
  };
  const discard = () => Promise.all([...stored.values()].map((id) => deps.uploads.delete(actor, tenantId, id).catch(() => undefined)));
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, urls.length) }, worker));
  } catch (err) {
    await discard();
    throw err;
  }
  if (failed.size) {
    await discard();
    const errors = parsed.imageUrls.flatMap((url, i) => (url && failed.has(url) ? [{ row: i + 2, messages: [`image_url: ${failed.get(url)}`] }] : []));
    return { ...parsed.report, errors };
  }
  const rows = parsed.rows.map((row, i) => {
    const url = parsed.imageUrls[i];
    return url ? { ...row, imageIds: [stored.get(url)!, ...row.imageIds] } : row;
  });
  try {
    const ids = await catalog.createMany(actor, tenantId, rows);
    return { ...parsed.report, imported: ids.length };
  } catch (err) {
    await discard();
    throw err;
  }
}
