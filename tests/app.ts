/**
 * Start the built app (server/index.ts + build/) as a child process on a random port with a given env, and wait
 * for its READY line. Used by integration tests, e2e and the bench.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface RunningApp {
  url: string;
  port: number;
  child: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..");

/** `nodeArgs`: extra Node flags for the child (e.g. the bench's --cpu-prof, which NODE_OPTIONS refuses). */
export async function startApp(env: Record<string, string>, timeoutMs = 60_000, nodeArgs: string[] = []): Promise<RunningApp> {
  const child = spawn(process.execPath, ["--import", "tsx", ...nodeArgs, "--import", "./tests/exit-with-parent.ts", "server/index.ts"], {
    cwd: ROOT,
    // One web process unless a test asks for the supervisor (production would otherwise fork one per core).
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", WEB_CONCURRENCY: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${logs.join("")}`)), timeoutMs);
    const onData = (buf: Buffer) => {
      const text = buf.toString();
      logs.push(text);
      const m = /READY (http:\/\/\S+|worker)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (b: Buffer) => logs.push(b.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}:\n${logs.join("")}`));
    });
  });
  const port = url === "worker" ? 0 : Number(new URL(url).port);
  return {
    url,
    port,
    child,
    logs,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A request with an explicit Host header (undici fetch forbids overriding Host, so use node:http). */
export async function get(
  app: { port: number },
  host: string,
  pathname = "/",
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const http = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: app.port, path: pathname, method: "GET", headers: { ...headers, host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
