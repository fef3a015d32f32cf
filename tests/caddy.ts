/**
 * Runs a real Caddy (Debian's /usr/bin/caddy, or CADDY_BIN) for tests: caddy/base.json with random loopback ports, the
 * catch-all and the on-demand `ask` pointed at `upstreamPort`, and every bit of state (storage, autosave, HOME) in a
 * temp directory that stop() removes. Caddy's own logs are kept in memory (never printed: console.error fails tests)
 * and appear in the error when it does not start.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort, until } from "./wait.ts";
import { readBaseConfig, renderCaddyConfig, type CaddyPorts } from "#server/edge/base-config.ts";

export type { CaddyPorts };


export interface StartCaddyOptions {
  /** Loopback port of the app: the catch-all proxies there and the `ask` goes to /internal/edge/ask on it. */
  upstreamPort: number;
  /** Default `http://127.0.0.1:<upstreamPort>/internal/edge/ask`. */
  askUrl?: string;
}
export interface RunningCaddy {
  adminUrl: string;
  pid: number;
  httpsPort: number;
  httpPort: number;
  /** Caddy's storage root; the local CA root is `pki/authorities/local/root.crt` under it. */
  dataDir: string;
  configFile: string;
  /** PEM of Caddy's local CA root, waiting for Caddy to write it. */
  rootCertPem(): Promise<string>;
  /** What Caddy logged so far (last 256 KiB). */
  logs(): string;
  /** Stops Caddy (SIGTERM, then SIGKILL) and removes the temp directory; safe to call twice. */
  stop(): Promise<void>;
}

const LOG_LIMIT = 256 * 1024;
const START_ATTEMPTS = 3; // freePort() can race with another process for a port

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.setTimeout(500);
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("timeout", () => (s.destroy(), resolve(false)));
    s.once("error", () => resolve(false));
  });
}
async function adminAnswers(adminUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${adminUrl}/config/`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => (clearTimeout(timer), resolve(true)));
  });
}

export async function startCaddy({ upstreamPort, askUrl }: StartCaddyOptions): Promise<RunningCaddy> {
  const base = await readBaseConfig();
  const tmp = await mkdtemp(path.join(os.tmpdir(), "sf-caddy-"));
  const dirs = { home: path.join(tmp, "home"), config: path.join(tmp, "config"), data: path.join(tmp, "data") };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  const dataDir = path.join(dirs.data, "caddy"); // = Caddy's default under XDG_DATA_HOME, so nothing lands elsewhere
  const configFile = path.join(tmp, "caddy.json");
  const bin = process.env.CADDY_BIN ?? "caddy";

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const ports: CaddyPorts = { adminPort: await freePort(), httpPort: await freePort(), httpsPort: await freePort() };
    if (new Set(Object.values(ports)).size !== 3) continue;
    const cfg = renderCaddyConfig(base, {
      ...ports,
      upstream: `127.0.0.1:${upstreamPort}`,
      askUrl: askUrl ?? `http://127.0.0.1:${upstreamPort}/internal/edge/ask`,
      storageDir: dataDir,
    });
    await writeFile(configFile, JSON.stringify(cfg, null, 2));

    let log = "";
    const child = spawn(bin, ["run", "--config", configFile], {
      cwd: tmp,
      env: { NODE_ENV: "test", PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dirs.home, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer) => {
      log += chunk.toString("utf8");
      if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    let spawnError: Error | undefined;
    child.once("error", (err) => (spawnError = err));
    const killOnExit = () => child.kill("SIGKILL"); // never leave a Caddy behind if the worker dies without afterAll
    process.once("exit", killOnExit);

    const adminUrl = `http://127.0.0.1:${ports.adminPort}`;
    const exited = () => spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;
    try {
      await until(async () => {
        if (exited()) return true;
        return (await adminAnswers(adminUrl)) && (await portOpen(ports.httpPort)) && (await portOpen(ports.httpsPort));
      }, "caddy to start", 15_000);
    } catch (err) {
      spawnError ??= err as Error;
    }
    if (exited()) {
      process.removeListener("exit", killOnExit);
      child.kill("SIGKILL");
      await waitForExit(child, 5000);
      const hint = (spawnError as NodeJS.ErrnoException | undefined)?.code === "ENOENT" ? " (install it: apt-get install -y caddy)" : "";
      lastError = new Error(`caddy did not start${hint}: ${spawnError?.message ?? `exit ${child.exitCode ?? child.signalCode}`}\n${log.slice(-4000)}`);
      if (/address already in use/.test(log)) continue;
      break;
    }

    let stopping: Promise<void> | undefined;
    return {
      adminUrl,
      pid: child.pid!,
      httpsPort: ports.httpsPort,
      httpPort: ports.httpPort,
      dataDir,
      configFile,
      logs: () => log,
      async rootCertPem() {
        const file = path.join(dataDir, "pki", "authorities", "local", "root.crt");
        await until(() => existsSync(file), `Caddy's local CA root at ${file}`);
        let pem = "";
        await until(async () => (pem = await readFile(file, "utf8")).includes("-----END CERTIFICATE-----"), "a complete root.crt");
        return pem;
      },
      stop() {
        stopping ??= (async () => {
          child.kill("SIGTERM");
          if (!(await waitForExit(child, 5000))) {
            child.kill("SIGKILL");
            await waitForExit(child, 5000);
          }
          process.removeListener("exit", killOnExit);
          await rm(tmp, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  }
  await rm(tmp, { recursive: true, force: true });
  throw lastError ?? new Error("caddy did not start: no free ports");
}
