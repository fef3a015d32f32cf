/**
 * Restore of one shop from its archive (ADR 043), in one transaction:
 *   1. the archive's checksum is verified (against backup_logs when it is recorded there, else its .sha256 file);
 *   2. the shop's current rows are copied aside into a new schema `restore_aside_<time>` (one table per table);
 *   3. its rows are deleted and the archive's inserted, with triggers and foreign-key checks off for this transaction
 *      only (session_replication_role = replica, as pg_restore does): the rows come back as one consistent set, so
 *      append-only guards and derived-table triggers (sales_rollup) must not fire on them;
 *   4. each table is compared with the archive (count and digest of the rows), and anything different aborts it all.
 * Only rows whose tenant key is the shop's are touched. Its audit trail is kept as it is (append-only history, and
 * the restore itself is recorded there). Rollback puts the aside rows back the same way and drops the schema.
 * Needs a role allowed to set session_replication_role (a superuser, or GRANT SET ON PARAMETER in Postgres 15+).
 */
import type { SqlQuery, SqlRunner } from "#server/db/index.ts";
import { writeAuditSql } from "#server/audit/index.ts";
import { tenantOwnedTables, type TenantOwnedTable } from "#server/tenancy/index.ts";
import { ArchiveError, readArchive } from "./archive.ts";

/** Kept as it is on restore and rollback: append-only history that must survive them. */
const KEPT = new Set(["audit_log"]);

export class RestoreError extends Error {}

export interface RestoreResult {
  restoreId: string;
  tenantId: string;
  asideSchema: string;
  tables: Record<string, number>;
}

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RestoreError(`unexpected identifier ${JSON.stringify(name)}`);
  return `"${name}"`;
};

async function restorableTables(q: SqlQuery) {
  return (await tenantOwnedTables(q)).filter((t) => !KEPT.has(t.name));
}

/** Count and digest of one shop's rows in a table, projected on `columns`, order-independent. */
async function digestTable(q: SqlQuery, source: string, table: TenantOwnedTable, tenantId: string, columns: string[]) {
  const drop = table.columns.filter((c) => !columns.includes(c));
  const [r] = await q<{ n: number; md5: string | null }>(
    `SELECT count(*)::int AS n, md5(string_agg(r, E'\\n' ORDER BY r)) AS md5 FROM (SELECT (to_jsonb(t) - $2::text[])::text AS r FROM ${source} t WHERE ${ident(table.key)} = $1::uuid) x`,
    [tenantId, drop],
  );
  return r!;
}

async function replaceRows(q: SqlQuery, table: TenantOwnedTable, tenantId: string, columns: string[], from: { jsonRows: string[] } | { schema: string }) {
  await q(`DELETE FROM ${ident(table.name)} WHERE ${ident(table.key)} = $1::uuid`, [tenantId]);
  const cols = columns.map(ident).join(", ");
  if ("jsonRows" in from) {
    if (!from.jsonRows.length) return;
    await q(`INSERT INTO ${ident(table.name)} (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::${ident(table.name)}, $1::jsonb)`, [`[${from.jsonRows.join(",")}]`]);
  } else {
    await q(`INSERT INTO ${ident(table.name)} (${cols}) SELECT ${cols} FROM ${ident(from.schema)}.${ident(table.name)} WHERE ${ident(table.key)} = $1::uuid`, [tenantId]);
  }
}

export async function restoreShop(sql: SqlRunner, file: string, reason: string, now = new Date()): Promise<RestoreResult> {
  if (reason.trim().length < 5) throw new RestoreError("a reason of at least 5 characters is required");
  const [logged] = await sql.query<{ sha256: string }>(`SELECT sha256 FROM backup_logs WHERE kind = 'shop' AND path = $1 AND status = 'ok' ORDER BY run_at DESC LIMIT 1`, [file]);
  const { archive, sha256 } = await readArchive(file, logged?.sha256).catch((err: Error) => {
    throw err instanceof ArchiveError ? new RestoreError(err.message) : err;
  });
  const tenantId = archive.header.tenantId;
  const asideSchema = `restore_aside_${now.toISOString().replace(/\D/g, "").slice(0, 17)}_${tenantId.slice(0, 8)}`;
  return sql.transaction(async (q) => {
    // One restore or rollback of a shop at a time.
    await q(`SELECT pg_advisory_xact_lock(hashtext('tenant_restore:' || $1))`, [tenantId]);
    await q(`SET LOCAL session_replication_role = replica`);
    const tables = await restorableTables(q);
    const byName = new Map(tables.map((t) => [t.name, t]));
    const missing = Object.keys(archive.header.tables).filter((t) => !byName.has(t) && !KEPT.has(t));
    if (missing.length) throw new RestoreError(`the archive has tables this database no longer has: ${missing.join(", ")}`);
    await q(`CREATE SCHEMA ${ident(asideSchema)}`);
    const counts: Record<string, number> = {};
    for (const table of tables) {
      await q(`CREATE TABLE ${ident(asideSchema)}.${ident(table.name)} (LIKE ${ident(table.name)})`);
      await q(`INSERT INTO ${ident(asideSchema)}.${ident(table.name)} SELECT * FROM ${ident(table.name)} WHERE ${ident(table.key)} = $1::uuid`, [tenantId]);
      const meta = archive.header.tables[table.name];
      // A table the archive predates: the shop had no rows in it then.
      const columns = (meta?.columns ?? table.columns).filter((c) => table.columns.includes(c));
      const rows = archive.rows.get(table.name) ?? [];
      // Every row must be the shop's own: an archive (its checksum rewritten too) must not plant another shop's rows.
      const [foreign] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM jsonb_array_elements($1::jsonb) e WHERE e->>$2 IS DISTINCT FROM $3`, [`[${rows.join(",")}]`, table.key, tenantId]);
      if (foreign!.n) throw new RestoreError(`the archive's ${table.name} has ${foreign!.n} row(s) that are not shop ${tenantId}'s: refused`);
      await replaceRows(q, table, tenantId, columns, { jsonRows: rows });
      const got = await digestTable(q, ident(table.name), table, tenantId, columns);
      const [want] = await q<{ n: number; md5: string | null }>(
        `SELECT count(*)::int AS n, md5(string_agg(r, E'\\n' ORDER BY r)) AS md5 FROM (SELECT (e - $2::text[])::text AS r FROM jsonb_array_elements($1::jsonb) e) x`,
        [`[${rows.join(",")}]`, (meta?.columns ?? []).filter((c) => !columns.includes(c))],
      );
      if (got.n !== want!.n || got.md5 !== want!.md5) throw new RestoreError(`verification failed for ${table.name}: ${got.n} row(s) loaded, the archive has ${want!.n}`);
      counts[table.name] = got.n;
    }
    const [row] = await q<{ id: string }>(
      `INSERT INTO tenant_restores (tenant_id, archive_path, archive_sha256, aside_schema, reason, restored_at) VALUES ($1::uuid, $2, $3, $4, $5, $6) RETURNING id`,
      [tenantId, file, sha256, asideSchema, reason.trim(), now],
    );
    await writeAuditSql(q, { userId: null, kind: "system" }, {
      action: "tenant.restore", tenantId, target: `tenant:${tenantId}`, reason: reason.trim(),
      details: { restoreId: row!.id, archive: file, sha256, asideSchema, backupAt: archive.header.createdAt },
    });
    return { restoreId: row!.id, tenantId, asideSchema, tables: counts };
  });
}

/** Puts back the rows a restore set aside. Only the shop's latest restore can be rolled back (a later one would be lost). */
export async function rollbackRestore(sql: SqlRunner, restoreId: string, reason: string, now = new Date()): Promise<{ tenantId: string; tables: Record<string, number> }> {
  if (reason.trim().length < 5) throw new RestoreError("a reason of at least 5 characters is required");
  if (!/^[0-9a-f-]{36}$/i.test(restoreId)) throw new RestoreError("a restore id is a UUID");
  return sql.transaction(async (q) => {
    const [r] = await q<{ tenantId: string; asideSchema: string; status: string; latest: boolean }>(
      `SELECT tenant_id AS "tenantId", aside_schema AS "asideSchema", status,
              restored_at = (SELECT max(o.restored_at) FROM tenant_restores o WHERE o.tenant_id = r.tenant_id) AS latest
         FROM tenant_restores r WHERE id = $1::uuid`, [restoreId]);
    if (!r) throw new RestoreError(`no restore ${restoreId}`);
    await q(`SELECT pg_advisory_xact_lock(hashtext('tenant_restore:' || $1))`, [r.tenantId]);
    if (r.status !== "restored") throw new RestoreError(`restore ${restoreId} was already rolled back`);
    if (!r.latest) throw new RestoreError(`restore ${restoreId} is not the shop's latest: roll back the later one first`);
    await q(`SET LOCAL session_replication_role = replica`);
    const aside = new Set((await q<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1`, [r.asideSchema])).map((x) => x.t));
    const counts: Record<string, number> = {};
    for (const table of await restorableTables(q)) {
      if (!aside.has(table.name)) throw new RestoreError(`the aside schema ${r.asideSchema} has no ${table.name}: roll back by hand`);
      const asideCols = (await q<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`, [r.asideSchema, table.name])).map((x) => x.c);
      const columns = table.columns.filter((c) => asideCols.includes(c));
      await replaceRows(q, table, r.tenantId, columns, { schema: r.asideSchema });
      const got = await digestTable(q, ident(table.name), table, r.tenantId, columns);
      const want = await digestTable(q, `${ident(r.asideSchema)}.${ident(table.name)}`, { ...table, columns: asideCols }, r.tenantId, columns);
      if (got.n !== want.n || got.md5 !== want.md5) throw new RestoreError(`verification failed for ${table.name} on rollback`);
      counts[table.name] = got.n;
    }
    await q(`UPDATE tenant_restores SET status = 'rolled_back', rolled_back_at = $2, rollback_reason = $3 WHERE id = $1::uuid AND status = 'restored'`, [restoreId, now, reason.trim()]);
    await q(`DROP SCHEMA ${ident(r.asideSchema)} CASCADE`);
    await writeAuditSql(q, { userId: null, kind: "system" }, {
      action: "tenant.restore_rollback", tenantId: r.tenantId, target: `tenant:${r.tenantId}`, reason: reason.trim(), details: { restoreId },
    });
    return { tenantId: r.tenantId, tables: counts };
  });
}
