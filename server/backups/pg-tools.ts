/**
 * Postgres's own tools for the whole-database backups (ADR 043): pg_basebackup for base backups, WAL archiving for
 * everything after them. Debian's binaries live in /usr/lib/postgresql/<version>/bin (or PG_BIN).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export function pgBinDir(configured?: string): string {
  if (configured) return configured;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error("no Postgres binaries under /usr/lib/postgresql (set PG_BIN)");
  return path.join(root, versions[0]!, "bin");
}

/** Runs a Postgres tool, as `runAs` when given (initdb and the server refuse to run as root). */
export async function pgTool(bin: string, tool: string, args: string[], opts: { runAs?: string; env?: NodeJS.ProcessEnv } = {}) {
  const file = path.join(bin, tool);
  const { stdout } = opts.runAs
    ? await exec("runuser", ["-u", opts.runAs, "--", file, ...args], { env: opts.env ?? process.env, maxBuffer: 16 << 20 })
    : await exec(file, args, { env: opts.env ?? process.env, maxBuffer: 16 << 20 });
  return stdout;
}

/** The server settings that archive every finished WAL segment into `archiveDir` (never overwriting one). */
export const archiveSettings = (archiveDir: string) => ({
  wal_level: "replica",
  archive_mode: "on",
  archive_command: `test ! -f '${archiveDir}/%f' && cp '%p' '${archiveDir}/%f'`,
});

/**
 * A base backup of the whole cluster into `targetDir` (plain format, WAL needed for consistency streamed along),
 * checked with pg_verifybackup against its manifest.
 */
export async function takeBaseBackup(bin: string, conn: { host: string; port: number; user: string; password?: string }, targetDir: string, runAs?: string) {
  const common = ["-h", conn.host, "-p", String(conn.port), "-U", conn.user];
  // The password through the environment, never the command line (visible in ps).
  const env = conn.password ? { ...process.env, PGPASSWORD: conn.password } : process.env;
  await pgTool(bin, "pg_basebackup", [...common, "-D", targetDir, "-X", "stream", "--checkpoint=fast", "--no-password"], { runAs, env });
  await pgTool(bin, "pg_verifybackup", [targetDir], { runAs });
}
