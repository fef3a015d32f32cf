/**
 * The point-in-time restore drill (ADR 043): proves, end to end on a throwaway cluster, that a base backup plus the
 * WAL archive bring a database back to a chosen moment, and no further. A temp directory gets a new cluster with WAL
 * archiving on; orders are written, a base backup taken (the same takeBaseBackup as `npm run backup:base`), more
 * orders written, a named restore point created, more written; the backup is then started in recovery with
 * restore_command and recovery_target_name, and must hold exactly the orders written before the restore point.
 * Used by tests/restore-drill.test.ts and by `npm run backup:drill` (which records it in restore_drills).
 */
import { execFile } from "node:child_process";
import { appendFile, chown, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { archiveSettings, pgBinDir, pgTool, takeBaseBackup } from "./pg-tools.ts";

export interface DrillResult {
  passed: boolean;
  detail: string;
  durationMs: number;
  expected: number[];
  restored: number[];
}

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = createServer();
  s.once("error", reject);
  s.listen(0, "127.0.0.1", () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runRestoreDrill(opts: { pgBin?: string; keepDir?: boolean } = {}): Promise<DrillResult> {
  const started = Date.now();
  const bin = pgBinDir(opts.pgBin);
  const dir = await mkdtemp(path.join(os.tmpdir(), "sf-drill-"));
  // initdb and postgres refuse root: as root, the cluster belongs to the postgres user.
  const runAs = process.getuid?.() === 0 ? "postgres" : undefined;
  const primary = path.join(dir, "primary");
  const archive = path.join(dir, "wal-archive");
  const restoredDir = path.join(dir, "restored");
  await mkdir(archive);
  if (runAs) {
    const { uid, gid } = await userIds(runAs);
    await chown(dir, uid, gid);
    await chown(archive, uid, gid);
  }
  const tool = (name: string, args: string[]) => pgTool(bin, name, args, { runAs });
  const running: string[] = [];
  const start = async (data: string, port: number, settings: Record<string, string>) => {
    const o = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses=127.0.0.1", "-c fsync=off", ...Object.entries(settings).map(([k, v]) => `-c ${k}="${v.replace(/"/g, '\\"')}"`)].join(" ");
    await tool("pg_ctl", ["-D", data, "-w", "-t", "60", "-o", o, "-l", path.join(dir, `${path.basename(data)}.log`), "start"]);
    running.push(data);
  };
  const connect = async (port: number) => {
    const c = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
    await c.connect();
    return c;
  };
  try {
    await tool("initdb", ["-A", "trust", "-U", "postgres", "-D", primary, "--no-sync"]);
    const port = await freePort();
    await start(primary, port, archiveSettings(archive));
    const db = await connect(port);
    const write = async (n: number) => (await db.query<{ id: number }>(
      `INSERT INTO orders (total_cents) SELECT (random() * 10000)::int FROM generate_series(1, $1) RETURNING id`, [n])).rows.map((r) => r.id);
    await db.query(`CREATE TABLE orders (id serial PRIMARY KEY, total_cents int NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    const beforeBackup = await write(3);
    await takeBaseBackup(bin, { host: "127.0.0.1", port, user: "postgres" }, path.join(dir, "base"), runAs);
    const afterBackup = await write(2);
    await db.query(`SELECT pg_create_restore_point('drill')`);
    const afterPoint = await write(2);
    // Close the segment holding the restore point and wait until the archiver has copied it.
    const { rows: [sw] } = await db.query<{ wal: string }>(`SELECT pg_walfile_name(pg_switch_wal()) AS wal`);
    await waitFor(async () => {
      const { rows: [a] } = await db.query<{ last: string | null }>(`SELECT last_archived_wal AS last FROM pg_stat_archiver`);
      return a?.last != null && a.last >= sw!.wal;
    }, 30_000, "the WAL archiver");
    await db.end();
    // The primary is gone (the disaster); recovery works from the base backup and the archive alone.
    await tool("pg_ctl", ["-D", primary, "-m", "fast", "-w", "stop"]);
    running.splice(running.indexOf(primary), 1);

    await copyDir(path.join(dir, "base"), restoredDir, runAs);
    await appendFile(path.join(restoredDir, "postgresql.auto.conf"), [
      `restore_command = 'cp ''${archive}/%f'' ''%p'''`,
      `recovery_target_name = 'drill'`,
      `recovery_target_action = 'promote'`,
      "",
    ].join("\n"));
    await writeFile(path.join(restoredDir, "recovery.signal"), "");
    if (runAs) {
      const { uid, gid } = await userIds(runAs);
      for (const f of ["postgresql.auto.conf", "recovery.signal"]) await chown(path.join(restoredDir, f), uid, gid);
    }
    const restoredPort = await freePort();
    await start(restoredDir, restoredPort, {});
    const restored = await connect(restoredPort);
    await waitFor(async () => !(await restored.query<{ r: boolean }>(`SELECT pg_is_in_recovery() AS r`)).rows[0]!.r, 60_000, "recovery to finish");
    const got = (await restored.query<{ id: number }>(`SELECT id FROM orders ORDER BY id`)).rows.map((r) => r.id);
    await restored.end();
    const expected = [...beforeBackup, ...afterBackup];
    const passed = JSON.stringify(got) === JSON.stringify(expected);
    const detail = passed
      ? `restored to the restore point: ${got.length} orders (${beforeBackup.length} before the base backup, ${afterBackup.length} after it), none of the ${afterPoint.length} written later`
      : `expected orders ${expected.join(",")} but the restored cluster has ${got.join(",") || "none"}`;
    return { passed, detail, durationMs: Date.now() - started, expected, restored: got };
  } finally {
    for (const data of running.reverse()) await tool("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    if (!opts.keepDir) await rm(dir, { recursive: true, force: true });
  }
}

async function userIds(user: string) {
  const id = async (flag: string) => Number((await exec("id", [flag, user])).stdout.trim());
  return { uid: await id("-u"), gid: await id("-g") };
}

/** cp -a as the cluster's owner, so the copy keeps its 0700 data directory and ownership. */
async function copyDir(from: string, to: string, runAs?: string) {
  if (runAs) await exec("runuser", ["-u", runAs, "--", "cp", "-a", from, to]);
  else await exec("cp", ["-a", from, to]);
  if (!(await readdir(to)).includes("PG_VERSION")) throw new Error(`copy of the base backup into ${to} failed`);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}
