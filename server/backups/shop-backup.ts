/**
 * Per-shop backups (ADR 043): each shop's rows, read in one snapshot through tenancy's table discovery (the same as
 * tenants:dump, so a new table is never left out), written as one gzip archive with its SHA-256 under
 * BACKUP_DIR/<tenant id>/, and recorded in backup_logs. A failure is recorded too; two in a row for one shop raise an
 * operator alert (an error log line with `alert`, and the platform_backup_failures metric). Retention prunes files
 * the policy no longer keeps and marks their rows `pruned`.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SqlQuery, SqlRunner } from "#server/db/index.ts";
import type { Logger } from "#server/observability/index.ts";
import { tenantOwnedTables } from "#server/tenancy/index.ts";
import { ARCHIVE_FORMAT, encodeArchive, sha256, type ArchiveHeader } from "./archive.ts";
import { backupsToKeep, DEFAULT_RETENTION, type RetentionPolicy } from "./retention.ts";

/** Shops whose data is backed up daily: live and suspended ones (a suspended shop is the one an incident may need back). */
const BACKED_UP_STATUSES = ["active", "suspended"];

export type ShopBackupResult =
  | { ok: true; tenantId: string; path: string; sha256: string; sizeBytes: number }
  | { ok: false; tenantId: string; error: string; consecutiveFailures: number };

export interface BackupDeps {
  sql: SqlRunner;
  dir: string;
  logger: Pick<Logger, "info" | "error" | "warn">;
  now?: () => Date;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:.]/g, ""); // to the millisecond: a retry never overwrites

/** Reads one shop in a single read-only snapshot: every table is as of the same instant. */
async function snapshotShop(sql: SqlRunner, tenantId: string, createdAt: Date) {
  return sql.transaction(async (q: SqlQuery) => {
    await q("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const [tenant] = await q<{ slug: string }>(`SELECT slug FROM tenants WHERE id = $1::uuid`, [tenantId]);
    if (!tenant) throw new Error(`no tenant ${tenantId}`);
    const header: ArchiveHeader = { format: ARCHIVE_FORMAT, version: 1, tenantId, slug: tenant.slug, createdAt: createdAt.toISOString(), tables: {} };
    const rows = new Map<string, string[]>();
    for (const table of await tenantOwnedTables(q)) {
      // Identifiers come from the catalog (never from input); the tenant id is a parameter.
      const found = await q<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM "${table.name}" t WHERE "${table.key}" = $1::uuid ORDER BY ${table.order}`, [tenantId]);
      rows.set(table.name, found.map((r) => r.row));
      header.tables[table.name] = { columns: table.columns, rows: found.length };
    }
    return { header, rows };
  });
}

export async function backupShop(deps: BackupDeps, tenantId: string): Promise<ShopBackupResult> {
  const runAt = deps.now?.() ?? new Date();
  try {
    const archive = await snapshotShop(deps.sql, tenantId, runAt);
    const bytes = encodeArchive(archive);
    const hash = sha256(bytes);
    const dir = path.resolve(deps.dir, tenantId);
    const file = path.join(dir, `${archive.header.slug}-${stamp(runAt)}.jsonl.gz`);
    await mkdir(dir, { recursive: true });
    // Written under a temporary name and renamed: a crash never leaves a half archive under the real name.
    await writeFile(`${file}.sha256.tmp`, `${hash}  ${path.basename(file)}\n`);
    await writeFile(`${file}.tmp`, bytes);
    await rename(`${file}.tmp`, file);
    await rename(`${file}.sha256.tmp`, `${file}.sha256`);
    await deps.sql.query(
      `INSERT INTO backup_logs (kind, tenant_id, run_at, status, size_bytes, path, sha256) VALUES ('shop', $1::uuid, $2, 'ok', $3, $4, $5)`,
      [tenantId, runAt, bytes.length, file, hash],
    );
    return { ok: true, tenantId, path: file, sha256: hash, sizeBytes: bytes.length };
  } catch (err) {
    const error = (err as Error).message.slice(0, 2000) || "unknown error";
    await deps.sql.query(`INSERT INTO backup_logs (kind, tenant_id, run_at, status, error) VALUES ('shop', $1::uuid, $2, 'failed', $3)`, [tenantId, runAt, error]);
    const consecutiveFailures = await failureStreak(deps.sql.query, tenantId);
    if (consecutiveFailures >= 2) {
      deps.logger.error({ alert: "backup_failed_repeatedly", tenantId, consecutiveFailures, err: error }, "shop backup failed twice or more in a row");
    } else deps.logger.warn({ tenantId, err: error }, "shop backup failed");
    return { ok: false, tenantId, error, consecutiveFailures };
  }
}

/** Failed runs since the shop's last successful one (pruned counts as successful: it was a good archive). */
export async function failureStreak(query: SqlQuery, tenantId: string): Promise<number> {
  const [r] = await query<{ n: number }>(
    `SELECT count(*)::int AS n FROM backup_logs WHERE kind = 'shop' AND tenant_id = $1::uuid AND status = 'failed'
        AND run_at > coalesce((SELECT max(run_at) FROM backup_logs WHERE kind = 'shop' AND tenant_id = $1::uuid AND status <> 'failed'), '-infinity')`,
    [tenantId],
  );
  return r?.n ?? 0;
}

/** The daily job: every backed-up shop in turn (one shop's failure does not stop the others). */
export async function backupAllShops(deps: BackupDeps): Promise<ShopBackupResult[]> {
  const shops = await deps.sql.query<{ id: string }>(`SELECT id FROM tenants WHERE status::text = ANY($1::text[]) ORDER BY created_at, id`, [BACKED_UP_STATUSES]);
  const results: ShopBackupResult[] = [];
  for (const shop of shops) results.push(await backupShop(deps, shop.id));
  const failed = results.filter((r) => !r.ok).length;
  deps.logger.info({ shops: results.length, failed }, "shop backups done");
  return results;
}

/** Shops whose last two or more backups failed: the operators' alert condition (metrics, preflight, console). */
export async function shopsFailingBackups(query: SqlQuery): Promise<Array<{ tenantId: string; failures: number }>> {
  return query<{ tenantId: string; failures: number }>(
    `SELECT l.tenant_id AS "tenantId", count(*)::int AS failures FROM backup_logs l
      WHERE l.kind = 'shop' AND l.status = 'failed'
        AND l.run_at > coalesce((SELECT max(o.run_at) FROM backup_logs o WHERE o.kind = 'shop' AND o.tenant_id = l.tenant_id AND o.status <> 'failed'), '-infinity')
      GROUP BY l.tenant_id HAVING count(*) >= 2 ORDER BY 1`,
  );
}

/** Applies the retention policy per shop: deletes the files it no longer keeps and marks their rows `pruned`. */
export async function pruneBackups(deps: BackupDeps, policy: RetentionPolicy = DEFAULT_RETENTION): Promise<{ pruned: number }> {
  const now = deps.now?.() ?? new Date();
  const rows = await deps.sql.query<{ id: string; tenantId: string; runAt: Date; path: string }>(
    `SELECT id, tenant_id AS "tenantId", run_at AS "runAt", path FROM backup_logs WHERE kind = 'shop' AND status = 'ok' ORDER BY tenant_id, run_at`,
  );
  const byShop = new Map<string, typeof rows>();
  for (const r of rows) byShop.set(r.tenantId, [...(byShop.get(r.tenantId) ?? []), r]);
  let pruned = 0;
  for (const [tenantId, backups] of byShop) {
    const keep = backupsToKeep(backups, now, policy);
    for (const b of backups) {
      if (keep.has(b.id)) continue;
      await rm(b.path, { force: true });
      await rm(`${b.path}.sha256`, { force: true });
      // The row stays (history for the console and audits); CAS on status so two prune runs do not race.
      await deps.sql.query(`UPDATE backup_logs SET status = 'pruned', pruned_at = $3 WHERE id = $1::uuid AND tenant_id = $2::uuid AND status = 'ok'`, [b.id, tenantId, now]);
      pruned++;
    }
  }
  if (pruned) deps.logger.info({ pruned }, "old shop backups pruned");
  return { pruned };
}

