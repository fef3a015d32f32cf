/** Small helpers for tests that talk to processes: a free loopback port, and polling until a condition holds. */
import net from "node:net";

export async function freePort() {
  const s = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => s.once("listening", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Polls `check` every 25 ms; fails after `ms` (or 10 s), naming `what` when given. */
export async function until(check: () => boolean | Promise<boolean>, msOrWhat: number | string = 10_000, ms = 10_000) {
  const [limit, what] = typeof msOrWhat === "string" ? [ms, msOrWhat] : [msOrWhat, "the condition"];
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > limit) throw new Error(`timed out after ${limit} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
