/**
 * Offline migration runner (docs/decisions/001-offline-migrations.md). Applies
 * prisma/migrations/<name>/migration.sql in order, one transaction each, under an advisory lock, and records
 * them in Prisma's own `_prisma_migrations` table with Prisma's sha256 checksum, so a real
 * `prisma migrate deploy` elsewhere sees them as applied.
 */
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");
const LOCK_KEY = 727_274_001;

export async function listMigrations(dir = MIGRATIONS_DIR) {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    entries.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export async function migrate(db: SqlClient, log: (line: string) => void = () => {}) {
  await db.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
  const applied: string[] = [];
  for (const m of await listMigrations()) {
    await db.query("BEGIN");
    try {
      await db.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
      const { rows } = await db.query(
        `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL AND finished_at IS NOT NULL`,
        [m.name],
      );
      if (rows.length > 0) {
        if (rows[0].checksum !== m.checksum) throw new Error(`migration ${m.name} was edited after it was applied`);
        await db.query("COMMIT");
        continue;
      }
      await db.query(m.sql);
      await db.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), m.checksum, m.name],
      );
      await db.query("COMMIT");
      applied.push(m.name);
      log(`applied ${m.name}`);
    } catch (err) {
      await db.query("ROLLBACK");
      throw err;
    }
  }
  return applied;
}
