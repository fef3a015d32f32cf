/**
 * Whole-database backups (ADR 043): WAL archiving plus nightly base backups, with Postgres's own tools.
 *
 * npm run backup:base -- --configure   turn WAL archiving on into BACKUP_DIR/wal (ALTER SYSTEM, as a superuser;
 *                                      restart Postgres afterwards). BACKUP_DIR must be the same path on the
 *                                      database host: the server itself copies each WAL segment there.
 * npm run backup:base                  take a base backup into BACKUP_DIR/base/<time> (pg_basebackup, checked with
 *                                      pg_verifybackup), record it in backup_logs (kind 'base'), keep the newest
 *                                      BASE_BACKUPS_KEPT and remove the WAL the oldest kept one no longer needs.
 * Run it nightly (cron or a systemd timer); a failure is recorded and exits 1. The role needs REPLICATION.
 */
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { archiveSettings, pgBinDir, pgTool, takeBaseBackup } from "#server/backups/index.ts";
import { withDatabase } from "./with-database.ts";

/** A week of nightly base backups: point-in-time recovery reaches back that far (older: the per-shop archives). */
const BASE_BACKUPS_KEPT = 7;

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

process.exitCode = await withDatabase(async (db, env) => {
  if (env.DATABASE_URL.startsWith("pglite:")) {
    console.error("backup:base needs a Postgres server (DATABASE_URL=postgresql://…); the embedded demo database has no WAL archiving.");
    return 1;
  }
  const root = path.resolve(env.BACKUP_DIR);
  const walDir = path.join(root, "wal");
  const baseDir = path.join(root, "base");
  if (process.argv.includes("--configure")) {
    await mkdir(walDir, { recursive: true });
    for (const [name, value] of Object.entries(archiveSettings(walDir))) {
      // ALTER SYSTEM takes no parameters; the values are ours (a path from BACKUP_DIR, quotes doubled).
      await db.run.query(`ALTER SYSTEM SET ${name} = '${value.replace(/'/g, "''")}'`);
      console.log(`${name} = ${value}`);
    }
    console.log("WAL archiving configured: restart Postgres (wal_level and archive_mode take effect on restart), then run npm run backup:base.");
    return 0;
  }
  const url = new URL(env.DATABASE_URL);
  const conn = { host: url.hostname || "127.0.0.1", port: Number(url.port || 5432), user: decodeURIComponent(url.username || "postgres"), password: url.password ? decodeURIComponent(url.password) : undefined };
  const runAt = new Date();
  const target = path.join(baseDir, stamp(runAt));
  try {
    await mkdir(baseDir, { recursive: true });
    const [archiving] = await db.run.query<{ mode: string }>(`SELECT current_setting('archive_mode') AS mode`);
    if (archiving?.mode === "off") throw new Error("archive_mode is off: run npm run backup:base -- --configure and restart Postgres first (a base backup without the WAL after it restores to one moment only)");
    const bin = pgBinDir(env.PG_BIN);
    await takeBaseBackup(bin, conn, target);
    const size = Number((await promisify(execFile)("du", ["-sb", target])).stdout.split("\t")[0]);
    await db.run.query(`INSERT INTO backup_logs (kind, run_at, status, size_bytes, path) VALUES ('base', $1, 'ok', $2, $3)`, [runAt, size, target]);
    console.log(`base backup ${target}: ${size} bytes, verified`);
    await prune(bin, baseDir, walDir, (p) => db.run.query(`UPDATE backup_logs SET status = 'pruned', pruned_at = now() WHERE kind = 'base' AND path = $1 AND status = 'ok'`, [p]));
    return 0;
  } catch (err) {
    const error = (err as Error).message.slice(0, 2000) || "unknown error";
    await rm(target, { recursive: true, force: true });
    await db.run.query(`INSERT INTO backup_logs (kind, run_at, status, error) VALUES ('base', $1, 'failed', $2)`, [runAt, error]);
    console.error(`base backup failed: ${error}`);
    return 1;
  }
});

/** Keeps the newest base backups; WAL older than the oldest kept one's start cannot be replayed onto anything. */
async function prune(bin: string, baseDir: string, walDir: string, markPruned: (p: string) => Promise<unknown>) {
  const all = (await readdir(baseDir)).filter((d) => /^\d{8}T\d{6}Z$/.test(d)).sort().reverse();
  for (const old of all.slice(BASE_BACKUPS_KEPT)) {
    await rm(path.join(baseDir, old), { recursive: true, force: true });
    await markPruned(path.join(baseDir, old));
  }
  const oldest = all.slice(0, BASE_BACKUPS_KEPT).at(-1);
  if (!oldest) return;
  const label = await readFile(path.join(baseDir, oldest, "backup_label"), "utf8");
  const startWal = label.match(/START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/)?.[1];
  if (startWal) await pgTool(bin, "pg_archivecleanup", [walDir, startWal]).catch((err: Error) => console.warn(`WAL cleanup skipped: ${err.message}`));
}
