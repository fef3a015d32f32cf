/**
 * The supervisor (WEB_CONCURRENCY > 1): forks that many web processes, which share the listening port through Node's
 * cluster module (the primary accepts and hands connections out round-robin), plus, in MODE=all, one worker process
 * of its own, so jobs never compete with requests for a web process's event loop. It serves nothing itself.
 * - READY is printed once, when every child is up (the same line a single process prints).
 * - A child that dies is replaced, after a back-off that grows while it keeps dying (a crash loop does not spin).
 * - SIGTERM/SIGINT go to every child, each drains as a single process does (server.close, jobs, Redis, Postgres); the
 *   supervisor exits when all have, 0 if all drained cleanly.
 * - A child that dies before all are up is a start-up failure (its message is on stderr): everything stops, exit 1.
 */
import cluster, { type Worker } from "node:cluster";
import type { Env } from "./env.ts";
import type { Logger } from "./observability/index.ts";

type Role = "web" | "worker";
const MAX_BACKOFF_MS = 10_000;

export function supervise(env: Env, webCount: number, logger: Logger): void {
  const roles = new Map<Worker, Role>();
  const restarts: Record<Role, number> = { web: 0, worker: 0 };
  let stopping = false;
  let announced = false;
  let url: string | undefined;
  const pendingReady = new Set<Worker>();

  const fork = (role: Role) => {
    // The child runs server/index.ts again, sees it is a cluster worker and starts main.ts in the given mode.
    const child = cluster.fork({ MODE: role });
    roles.set(child, role);
    pendingReady.add(child);
    logger.info({ role, instance: child.id, pid: child.process.pid }, "child started");
    child.on("message", (msg: { type?: string; url?: string }) => {
      if (msg?.type !== "ready") return;
      pendingReady.delete(child);
      if (role === "web") url ??= msg.url;
      // A healthy start resets the back-off for that role.
      restarts[role] = 0;
      if (!announced && pendingReady.size === 0) {
        announced = true;
        logger.info({ web: webCount, worker: env.MODE === "all", url }, "all children ready");
        process.stdout.write(`READY ${url ?? "worker"}\n`);
      }
    });
  };

  cluster.on("exit", (child, code, signal) => {
    const role = roles.get(child);
    roles.delete(child);
    pendingReady.delete(child);
    if (!role) return;
    if (!announced && !stopping) {
      // A child that dies before every child is up failed to start (bad configuration, an unreachable chain node):
      // replacing it would only loop. Stop the rest and exit as a single process would, its message already printed.
      logger.error({ role, instance: child.id, code, signal }, "child failed to start; stopping");
      stop("SIGTERM", code || 1);
      return;
    }
    if (stopping) {
      if (roles.size === 0) process.exit(exitCode);
      return;
    }
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** restarts[role]);
    restarts[role] += 1;
    logger.error({ role, instance: child.id, pid: child.process.pid, code, signal, restartInMs: delay }, "child died; replacing it");
    setTimeout(() => {
      if (!stopping) fork(role);
    }, delay).unref();
  });

  let exitCode = 0;
  const stop = (signal: NodeJS.Signals, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    logger.info({ signal, children: roles.size }, "supervisor shutting down");
    if (roles.size === 0) process.exit(exitCode);
    for (const child of roles.keys()) child.process.kill("SIGTERM");
    // Each child forces itself out after 15 s; this is the backstop for one that cannot.
    setTimeout(() => process.exit(1), 20_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  for (let i = 0; i < webCount; i++) fork("web");
  if (env.MODE === "all") fork("worker");
}
