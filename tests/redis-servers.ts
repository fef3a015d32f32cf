/**
 * Throw-away Redis topologies for the cluster, Sentinel and outage tests: Debian's /usr/bin/redis-server processes
 * on free loopback ports in a temp dir, never the shared 6379. `stopAll` kills everything one set started.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort, until } from "./wait.ts";

const run = promisify(execFile);
const SERVER = fs.existsSync("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
const CLI = fs.existsSync("/usr/bin/redis-cli") ? "/usr/bin/redis-cli" : "redis-cli";

export interface RedisProcess {
  port: number;
  child: ChildProcess;
  /** (Re)start with the same port, dir and arguments. */
  start(): Promise<void>;
  /** SIGKILL, or SIGTERM when `graceful` (AOF flushed), and wait for the exit. */
  stop(graceful?: boolean): Promise<void>;
}

export class RedisSet {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "sf-redis-"));
  private procs: RedisProcess[] = [];

  /** One redis-server; `args` are extra command-line settings, `file` a config file to start from (sentinels). */
  async server(args: string[] = [], file?: string): Promise<RedisProcess> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(this.dir, `${port}-`));
    const argv = [...(file ? [file] : []), "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", ...args];
    const proc: RedisProcess = {
      port,
      child: undefined as unknown as ChildProcess,
      start: async () => {
        proc.child = spawn(SERVER, argv, { cwd: dir, stdio: "ignore" });
        await until(() => ping(port), 10_000);
      },
      stop: async (graceful = false) => {
        if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
        const exited = new Promise((r) => proc.child.once("exit", r));
        proc.child.kill(graceful ? "SIGTERM" : "SIGKILL");
        await exited;
      },
    };
    await proc.start();
    this.procs.push(proc);
    return proc;
  }

  /** Three masters, no replicas, every slot assigned; resolves once each node reports cluster_state:ok. */
  async cluster(n = 3) {
    const nodes = await Promise.all(Array.from({ length: n }, () => this.server(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"])));
    await run(CLI, ["--cluster", "create", ...nodes.map((p) => `127.0.0.1:${p.port}`), "--cluster-replicas", "0", "--cluster-yes"]);
    for (const node of nodes) await until(async () => (await info(node.port, "CLUSTER", "INFO")).includes("cluster_state:ok"), 20_000);
    return nodes;
  }

  /** A master, one replica and three sentinels (quorum 2) watching it as `name`, with a quick failover. */
  async sentinel(name = "sfmaster") {
    const master = await this.server(["--appendonly", "no"]);
    const replica = await this.server(["--replicaof", "127.0.0.1", String(master.port)]);
    await until(async () => (await info(replica.port, "INFO", "replication")).includes("master_link_status:up"), 10_000);
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const conf = path.join(this.dir, `sentinel-${i}.conf`);
      fs.writeFileSync(conf, [
        `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 3000`,
        `sentinel parallel-syncs ${name} 1`,
        "",
      ].join("\n"));
      sentinels.push(await this.server(["--sentinel"], conf));
    }
    // Every sentinel knows the replica and the other sentinels before anything relies on a failover.
    for (const s of sentinels) {
      await until(async () => {
        const m = await info(s.port, "SENTINEL", "MASTER", name);
        return /num-slaves\s+1\b/.test(m) && /num-other-sentinels\s+2\b/.test(m);
      }, 15_000);
    }
    return { master, replica, sentinels, name };
  }

  async stopAll() {
    await Promise.all(this.procs.map((p) => p.stop()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function ping(port: number) {
  return (await info(port, "PING").catch(() => "")) === "PONG";
}

/** One command through redis-cli, its reply as text (flattened; for polling only). */
export async function info(port: number, ...command: string[]) {
  const { stdout } = await run(CLI, ["-p", String(port), ...command], { timeout: 5_000 });
  return stdout.trim();
}

/** The address of the master the sentinels currently point to. */
export async function sentinelMaster(sentinelPort: number, name: string) {
  const client = new Redis({ port: sentinelPort, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    const [host, port] = (await client.call("SENTINEL", "get-master-addr-by-name", name)) as [string, string];
    return { host, port: Number(port) };
  } finally {
    client.disconnect();
  }
}

/** Fires `fn` in a loop until stopped; counts each result, so a test can tell how a load fared through a fault. */
export function loop<T>(fn: () => Promise<T>, classify: (r: T) => string, concurrency = 4) {
  const counts: Record<string, number> = {};
  let running = true;
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) {
      const key = await fn().then(classify, (err: Error) => `error:${err.message.slice(0, 40)}`);
      counts[key] = (counts[key] ?? 0) + 1;
    }
  });
  return {
    counts,
    async stop() {
      running = false;
      await Promise.all(workers);
      return counts;
    },
  };
}
