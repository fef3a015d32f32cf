/**
 * One shop's data (docs/security.md Reliability 8): its row in `tenants` and its rows in every table that has a
 * `tenant_id` column, found in the catalog at run time so a new table is never silently left out. For restoring one
 * shop from a backup by hand, and for a merchant who takes their data elsewhere.
 *
 * Left out, so the export is safe to hand over: encrypted secrets (`encrypted_*`, readable only with the platform's
 * key anyway) and the hashes and nonces behind buyer links, delivery codes and invitations (`*_hash`, `nonce`).
 */
import type { SqlQuery } from "#server/db/index.ts";

const WITHHELD = /^(?:encrypted_.*|.*_hash|nonce)$/;

export interface TenantDataExport {
  tables: Record<string, Array<Record<string, unknown>>>;
  withheld: Record<string, string[]>;
}

export async function exportTenantData(query: SqlQuery, tenantId: string): Promise<TenantDataExport> {
  const columns = await query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema() AND (c.table_name = 'tenants' OR c.table_name IN (
       SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'tenant_id'
     ))
     ORDER BY c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const c of columns) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
  const out: TenantDataExport = { tables: {}, withheld: {} };
  for (const [table, cols] of byTable) {
    const withheld = cols.filter((c) => WITHHELD.test(c));
    const key = table === "tenants" ? "id" : "tenant_id";
    // Some tables have a composite key and no id (order_buyer_updates): order by what the table has.
    const order = ["created_at", "id"].filter((c) => cols.includes(c)).map((c) => `"${c}"`).join(", ") || "1";
    // Identifiers come from the catalog (never from input); the tenant id is a parameter.
    const rows = await query<{ row: Record<string, unknown> }>(
      `SELECT to_jsonb(t) - $2::text[] AS row FROM "${table}" t WHERE "${key}" = $1::uuid ORDER BY ${order}`,
      [tenantId, withheld],
    );
    out.tables[table] = rows.map((r) => r.row);
    if (withheld.length) out.withheld[table] = withheld;
  }
  return out;
}
