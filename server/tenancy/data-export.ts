/**
 * One shop's data (docs/security.md Reliability 8): its row in `tenants` and its rows in every table that has a
 * `tenant_id` column, found in the catalog at run time so a new table is never silently left out. For a merchant who
 * takes their data elsewhere, and (through `tenantOwnedTables`) for the per-shop backups and restores (ADR 043).
 *
 * Left out of the export, so it is safe to hand over: encrypted secrets (`encrypted_*`, readable only with the
 * platform's key anyway) and the hashes and nonces behind buyer links, delivery codes and invitations (`*_hash`,
 * `nonce`). Backups keep them: a restored shop must work exactly as it did.
 */
import type { SqlQuery } from "#server/db/index.ts";

const WITHHELD = /^(?:encrypted_.*|.*_hash|nonce)$/;

/**
 * The platform's own records about a shop, not the shop's data: a restore must not rewrite the history of backups
 * and restores, and they are not the merchant's to take away.
 */
const PLATFORM_RECORDS = new Set(["backup_logs", "tenant_restores"]);

export interface TenantOwnedTable {
  name: string;
  columns: string[];
  /** The column holding the shop's id: `id` in tenants, `tenant_id` elsewhere. */
  key: "id" | "tenant_id";
  /** ORDER BY text: by what the table has (some have a composite key and no id, e.g. order_buyer_updates). */
  order: string;
}

export async function tenantOwnedTables(query: SqlQuery): Promise<TenantOwnedTable[]> {
  const columns = await query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema() AND (c.table_name = 'tenants' OR c.table_name IN (
       SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'tenant_id'
     ))
     ORDER BY c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const c of columns) if (!PLATFORM_RECORDS.has(c.table_name)) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
  return [...byTable].map(([name, cols]) => ({
    name, columns: cols, key: name === "tenants" ? "id" : "tenant_id",
    order: ["created_at", "id"].filter((c) => cols.includes(c)).map((c) => `"${c}"`).join(", ") || "1",
  }));
}

export interface TenantDataExport {
  tables: Record<string, Array<Record<string, unknown>>>;
  withheld: Record<string, string[]>;
}

export async function exportTenantData(query: SqlQuery, tenantId: string): Promise<TenantDataExport> {
  const out: TenantDataExport = { tables: {}, withheld: {} };
  for (const table of await tenantOwnedTables(query)) {
    const withheld = table.columns.filter((c) => WITHHELD.test(c));
    // Identifiers come from the catalog (never from input); the tenant id is a parameter.
    const rows = await query<{ row: Record<string, unknown> }>(
      `SELECT to_jsonb(t) - $2::text[] AS row FROM "${table.name}" t WHERE "${table.key}" = $1::uuid ORDER BY ${table.order}`,
      [tenantId, withheld],
    );
    out.tables[table.name] = rows.map((r) => r.row);
    if (withheld.length) out.withheld[table.name] = withheld;
  }
  return out;
}
