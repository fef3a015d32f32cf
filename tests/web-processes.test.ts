/**
 * WEB_CONCURRENCY (ADR 046): two web processes behind one port, a worker of their own, a dead child replaced with no
 * request failing that was not already on it, and SIGTERM draining every child.
 */
import http from "node:http";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { until } from "./wait.ts";

const db = await createTestDatabase();
let app: RunningApp;

/** One request on a fresh connection (no keep-alive), so each is scheduled to a child anew. */
function health(port: number): Promise<{ instance?: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`status ${res.statusCode}`))));
    });
    // A request on a connection the dying child had taken may hang rather than fail: bound it, so it counts as failed.
    req.setTimeout(5_000, () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}

/** The supervisor's "child started" log lines: role, cluster id and pid of every child it forked. */
function children(logs: string[]) {
  return logs.join("").split("\n").flatMap((line) => {
    if (!line.includes('"child started"')) return [];
    const { role, instance, pid } = JSON.parse(line) as { role: string; instance: number; pid: number };
    return [{ role, instance, pid }];
  });
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  app = await startApp({ WEB_CONCURRENCY: "2", MODE: "all", DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix() }, 110_000);
});
afterAll(async () => {
  await app?.stop();
});

describe("WEB_CONCURRENCY=2", { timeout: 120_000 }, () => {
  it("runs two web processes on one port and a worker process of its own", async () => {
    const started = children(app.logs);
    expect(started.map((c) => c.role).sort()).toEqual(["web", "web", "worker"]);
    const seen = new Set<number | undefined>();
    for (let i = 0; i < 20; i++) seen.add((await health(app.port)).instance);
    const webIds = started.filter((c) => c.role === "web").map((c) => c.instance);
    expect([...seen].sort()).toEqual(webIds.sort());
    // The process tree: the three are the supervisor's own children (tsx may add its esbuild service beside them).
    const tree = execFileSync("ps", ["-o", "pid=", "--ppid", String(app.child.pid)]).toString().trim().split(/\s+/).map(Number);
    expect(tree).toEqual(expect.arrayContaining(started.map((c) => c.pid)));
  });

  it("replaces a killed web child, and requests sent after the kill all succeed", async () => {
    const victim = children(app.logs).find((c) => c.role === "web")!;
    let stop = false;
    let killedAt = 0;
    const failuresAfterKill: string[] = [];
    let ok = 0;
    const load = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const sentAt = Date.now();
        try {
          await health(app.port);
          ok++;
        } catch (err) {
          // A request already handed to the child when it died may fail; one sent after it was gone may not.
          if (killedAt && sentAt > killedAt + 50) failuresAfterKill.push((err as Error).message);
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(victim.pid, "SIGKILL");
    killedAt = Date.now();
    await until(() => children(app.logs).length === 4, "the supervisor to fork a replacement", 30_000);
    const replacement = children(app.logs)[3]!;
    expect(replacement.role).toBe("web");
    // The replacement serves once it is up.
    await until(async () => (await health(app.port).catch(() => ({ instance: undefined }))).instance === replacement.instance, "the replacement to answer", 60_000);
    stop = true;
    await Promise.all(load);
    expect(failuresAfterKill).toEqual([]);
    expect(ok).toBeGreaterThan(20);
  });

  it("SIGTERM drains every child and the supervisor exits 0", async () => {
    const pids = children(app.logs).map((c) => c.pid).filter(alive);
    expect(pids).toHaveLength(3);
    const exit = new Promise<number | null>((r) => app.child.once("exit", (code) => r(code)));
    app.child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  });
});
