/**
 * Entry. With WEB_CONCURRENCY > 1 (and web serving on), this process becomes the supervisor of that many web
 * processes and one worker process (server/supervisor.ts, ADR 046); otherwise, and in each supervised
 * child, it is the single process of server/main.ts.
 */
import cluster from "node:cluster";
import { getEnv, webConcurrency, type Env } from "./env.ts";
import { createLogger } from "./observability/index.ts";

let env: Env;
try {
  env = getEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const webCount = webConcurrency(env);
if (cluster.isPrimary && env.MODE !== "worker" && webCount > 1) {
  const { supervise } = await import("./supervisor.ts");
  supervise(env, webCount, createLogger(env.LOG_LEVEL));
} else {
  await import("./main.ts");
}
