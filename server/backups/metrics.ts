/**
 * Backup metrics (ADR 043), read from backup_logs at scrape time so every instance reports the same figures; the
 * names are the ones ops/prometheus/alerts.yml's BackupFailing and BackupMissing rules use. `kind` is `shop` (the
 * daily per-shop archives; failures are the worst shop's streak) or `base` (the whole-database base backups).
 */
import type { SqlQuery } from "#server/db/index.ts";
import { registerFamilies, type Registry } from "#server/observability/index.ts";

interface BackupFigures {
  kind: string;
  lastSuccess: number | null;
  failures: number;
}

async function load(query: SqlQuery): Promise<BackupFigures[]> {
  return query<BackupFigures>(
    `WITH last_ok AS (
       SELECT kind, tenant_id, max(run_at) AS at FROM backup_logs WHERE status <> 'failed' GROUP BY kind, tenant_id
     ), streaks AS (
       SELECT f.kind, f.tenant_id, count(*)::int AS n FROM backup_logs f
         LEFT JOIN last_ok o ON o.kind = f.kind AND o.tenant_id IS NOT DISTINCT FROM f.tenant_id
        WHERE f.status = 'failed' AND f.run_at > coalesce(o.at, '-infinity') GROUP BY f.kind, f.tenant_id
     )
     SELECT k.kind, (SELECT extract(epoch FROM max(at))::float8 FROM last_ok WHERE kind = k.kind) AS "lastSuccess",
            coalesce((SELECT max(n) FROM streaks WHERE kind = k.kind), 0)::int AS failures
       FROM (VALUES ('shop'), ('base')) AS k(kind)`,
  );
}

export function registerBackupMetrics(registry: Registry, query: SqlQuery) {
  registerFamilies(registry, () => load(query), [
    {
      name: "backup_last_success_timestamp_seconds", help: "Unix time of the last successful backup, by kind (shop archives, base backups).", type: "gauge", labelNames: ["kind"],
      samples: (rows) => rows.filter((r) => r.lastSuccess !== null).map((r) => ({ labels: { kind: r.kind }, value: r.lastSuccess! })),
    },
    {
      name: "backup_consecutive_failures", help: "Failed backup runs since the last success, by kind (for shop archives: the worst shop).", type: "gauge", labelNames: ["kind"],
      samples: (rows) => rows.map((r) => ({ labels: { kind: r.kind }, value: r.failures })),
    },
  ]);
}
