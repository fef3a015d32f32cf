/**
 * npm run backup:base (ADR 043) on a private cluster (the shared server must not be reconfigured or restarted): it
 * refuses while WAL archiving is off (recorded as a failed backup), --configure turns archiving on, and after the
 * restart a verified base backup lands in BACKUP_DIR/base, recorded in backup_logs, with WAL arriving in BACKUP_DIR/wal.
 */
import { execFile } from "node:child_process";
import { chown, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrate } from "#server/db/migrate.ts";
import { startPrivatePostgres } from "./private-postgres.ts";
import { REDIS_URL } from "./db-urls.ts";

const cluster = await startPrivatePostgres();
const backupDir = await mkdtemp(path.join(tmpdir(), "sf-base-"));
afterAll(async () => {
  await cluster.destroy();
  await rm(backupDir, { recursive: true, force: true });
});

const run = (args: string[]) =>
  promisify(execFile)("npm", ["run", "-s", "backup:base", "--", ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: cluster.url("sf"), REDIS_URL, NODE_ENV: "test", BACKUP_DIR: backupDir },
  }).then((r) => ({ code: 0, out: r.stdout + r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }));

describe("npm run backup:base", () => {
  it("needs WAL archiving, configures it, then takes a verified base backup recorded in backup_logs", async () => {
    const admin = new pg.Client({ connectionString: cluster.url("postgres") });
    await admin.connect();
    await admin.query("CREATE DATABASE sf");
    await admin.end();
    const db = new pg.Client({ connectionString: cluster.url("sf") });
    await db.connect();
    await migrate(db);
    // The server (running as postgres when the tests run as root) writes the WAL archive itself.
    await mkdir(path.join(backupDir, "wal"));
    if (process.getuid?.() === 0) {
      const id = async (f: string) => Number((await promisify(execFile)("id", [f, "postgres"])).stdout.trim());
      for (const d of [backupDir, path.join(backupDir, "wal")]) await chown(d, await id("-u"), await id("-g"));
    }

    const refused = await run([]);
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out).toMatch(/archive_mode is off/);
    expect((await db.query(`SELECT kind, status FROM backup_logs`)).rows).toEqual([{ kind: "base", status: "failed" }]);

    const configured = await run(["--configure"]);
    expect(configured.code, configured.out).toBe(0);
    await db.end();
    await cluster.stop();
    await cluster.start();
    const db2 = new pg.Client({ connectionString: cluster.url("sf") });
    await db2.connect();
    try {
      expect((await db2.query(`SELECT current_setting('archive_mode') AS m`)).rows[0].m).toBe("on");
      const done = await run([]);
      expect(done.code, done.out).toBe(0);
      expect(done.out).toMatch(/base backup .* bytes, verified/);
      const [row] = (await db2.query(`SELECT status, path, size_bytes::bigint > 0 AS sized FROM backup_logs WHERE status = 'ok'`)).rows;
      expect(row).toMatchObject({ status: "ok", sized: true });
      expect(await readdir(row.path)).toEqual(expect.arrayContaining(["backup_manifest", "backup_label", "PG_VERSION"]));
      await db2.query(`SELECT pg_switch_wal()`);
      const until = Date.now() + 20_000;
      while ((await readdir(path.join(backupDir, "wal"))).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect((await readdir(path.join(backupDir, "wal"))).length).toBeGreaterThan(0);
    } finally {
      await db2.end();
    }
  }, 120_000);
});
