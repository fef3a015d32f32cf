/**
 * Preloaded (`--import`) into the app processes tests and benches start. When the process that started one dies
 * without stopping it (a crashed or killed test run), the app is re-parented; it then stops itself the normal way
 * (SIGTERM: drain, close Redis and Postgres) instead of living on with its port, its jobs and its connections, and
 * slowing every later run on the machine.
 */
const startedBy = process.ppid;
setInterval(() => {
  if (process.ppid !== startedBy) process.kill(process.pid, "SIGTERM");
}, 1000).unref();
export {};
