/**
 * The database gates: the app connects as one of the storefront roles (migration roles_rls, ADR 044), not as a
 * superuser or a role that bypasses row-level security, and every tenant-owned table has RLS on with its policy; and
 * backups have run with a restore drill passed, from backup_logs and restore_drills (ADR 043: `npm run backup:base`,
 * the daily per-shop job, `npm run backup:drill`).
 */
import { fail, pass, withDatabase, type Gate } from "../gate.ts";

const DAY_MS = 86_400_000;
/** Membership (direct or inherited) in a group role, false when the role does not exist (an unmigrated database). */
const memberOf = (group: string) => `coalesce((SELECT pg_has_role(current_user, g.oid, 'MEMBER') FROM pg_roles g WHERE g.rolname = '${group}'), false)`;
const list = (names: string[], max = 4) => names.slice(0, max).join(", ") + (names.length > max ? `, … ${names.length - max} more` : "");

export const databaseRoleGate: Gate = {
  id: "database-role",
  title: "App's database role is not a superuser and RLS is on",
  check: withDatabase(async (query) => {
    const [role] = await query<{ role: string; superuser: boolean; bypassrls: boolean; app: boolean; money: boolean }>(
      `SELECT current_user::text AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls,
              ${memberOf("storefront_app")} AS app, ${memberOf("storefront_money")} AS money
         FROM pg_roles r WHERE r.rolname = current_user`);
    // Tenant-owned = has a tenant_id column (the same rule as the static tenant-scope check).
    const tables = await query<{ name: string; rls: boolean; policy: boolean }>(
      `SELECT c.relname::text AS name, c.relrowsecurity AS rls,
              EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_scope') AS policy
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
        ORDER BY 1`);
    if (tables.length === 0) return fail("No tenant-owned tables in this database: is DATABASE_URL the platform's database, migrated?");
    const problems: string[] = [];
    if (role?.superuser) problems.push(`the app connects as the superuser "${role.role}"`);
    else if (role?.bypassrls) problems.push(`the app's role "${role.role}" bypasses row-level security`);
    else if (!role?.app) problems.push(`the app's role "${role?.role}" is not a member of storefront_app or storefront_money (README, Production)`);
    const off = tables.filter((t) => !t.rls).map((t) => t.name);
    if (off.length) problems.push(`row-level security is off on ${off.length} of ${tables.length} tenant-owned tables (${list(off)})`);
    const bare = tables.filter((t) => t.rls && !t.policy).map((t) => t.name);
    if (bare.length) problems.push(`${bare.length} of ${tables.length} tenant-owned tables have no tenant_scope policy (${list(bare)})`);
    return problems.length
      ? fail(`${problems.join("; ")}.`.replace(/^./, (c) => c.toUpperCase()))
      : pass(`The app connects as "${role?.role}", a member of ${role?.money ? "storefront_money" : "storefront_app"}, and all ${tables.length} tenant-owned tables have row-level security on with their tenant_scope policy.`);
  }),
};

export const backupsGate: Gate = {
  id: "backups",
  title: "Backups ran and a restore drill passed within 7 days",
  check: withDatabase(async (query) => {
    const [has] = await query<{ logs: boolean; drills: boolean }>(
      `SELECT to_regclass('backup_logs') IS NOT NULL AS logs, to_regclass('restore_drills') IS NOT NULL AS drills`);
    if (!has?.logs) return fail("No backup has run: there is no backup_logs table yet (scheduled backups are issue 17 point 2).");
    const since = new Date(Date.now() - 7 * DAY_MS);
    const [backup] = await query<{ last: Date | null }>(`SELECT max(run_at) AS last FROM backup_logs WHERE status = 'ok'`);
    if (!backup?.last || backup.last < since) return fail(`No backup has succeeded within 7 days (last: ${backup?.last?.toISOString() ?? "never"}).`);
    if (!has.drills) return fail("Backups run, but no restore drill has been recorded: there is no restore_drills table yet.");
    const [drill] = await query<{ last: Date | null }>(`SELECT max(run_at) AS last FROM restore_drills WHERE passed`);
    if (!drill?.last || drill.last < since) return fail(`No restore drill has passed within 7 days (last: ${drill?.last?.toISOString() ?? "never"}).`);
    return pass(`The last backup succeeded at ${backup.last.toISOString()} and a restore drill passed at ${drill.last.toISOString()}.`);
  }),
};
