/**
 * A private Postgres cluster for fault tests that stop and restart the database (tests/fault-postgres.test.ts): the
 * shared server on 5432 serves every other suite and must never be restarted. Debian's binaries
 * (/usr/lib/postgresql/<version>/bin, or PG_BIN), trust auth, a free loopback port, the socket and data in a temp
 * directory that stop() removes. initdb refuses to run as root, so as root the cluster runs as the `postgres` user.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./wait.ts";

const run = promisify(execFile);

function binDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error("no Postgres binaries under /usr/lib/postgresql (set PG_BIN)");
  return path.join(root, versions[0]!, "bin");
}

export interface PrivatePostgres {
  port: number;
  /** postgresql://postgres@127.0.0.1:<port>/<db> */
  url(db: string): string;
  stop(mode?: "fast" | "immediate"): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its directory; safe to call twice. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const dir = await mkdtemp(path.join(os.tmpdir(), "sf-pg-"));
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pgRun = (cmd: string, args: string[]) => (asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args));
  await pgRun("initdb", ["-A", "trust", "-U", "postgres", "-D", data, "--no-sync"]);
  const port = await freePort();
  // fsync off: the cluster is thrown away; listen on loopback only; the socket stays in the temp directory.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100`;
  const ctl = (args: string[]) => pgRun("pg_ctl", ["-D", data, "-w", "-t", "30", ...args]);
  let running = false;
  const pg: PrivatePostgres = {
    port,
    url: (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`,
    async start() {
      await ctl(["-o", opts, "-l", path.join(dir, "log"), "start"]);
      running = true;
    },
    async stop(mode = "fast") {
      await ctl(["-m", mode, "stop"]);
      running = false;
    },
    async destroy() {
      if (running) await pg.stop("immediate").catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  // Never leave a postmaster behind if the test process dies without afterAll: SIGQUIT is Postgres' immediate shutdown.
  process.once("exit", () => {
    try {
      if (running) process.kill(Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]), "SIGQUIT");
    } catch {
      /* already gone */
    }
  });
  await pg.start();
  return pg;
}
