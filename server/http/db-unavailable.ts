/**
 * "The database cannot be reached right now" (a restart, a failover, the pool out of connections), told apart from a
 * bug so the answer is a 503 the client may retry, not a 500 (docs/decisions/023-failure-behaviour.md). The error can
 * arrive raw from node-postgres, as the Prisma driver adapter's DriverAdapterError (with `kind`), or wrapped in a
 * Prisma error (meta.driverAdapterError), so the whole cause chain is searched.
 */

/** Postgres SQLSTATEs: connection exceptions (08…), shutdown and restart (57P01–57P03), too many connections (53300). */
const PG_CODES = new Set(["08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03", "53300"]);
/** Socket errors, Prisma's "can't reach" / "closed the connection" / pool timeout, and the adapter's error kinds. */
const OTHER_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "P1001", "P1002", "P1017", "P2024"]);
const KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// node-postgres reports a socket closed mid-query or a pool that cannot connect only in words.
const MESSAGES = /Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error|timeout exceeded when trying to connect|connect ECONNREFUSED/;

type Node = { code?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };

export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 10) {
    const e = queue.shift() as Node | null | undefined;
    if (typeof e !== "object" || e === null || seen.has(e)) continue;
    seen.add(e);
    for (const code of [e.code, e.originalCode]) if (typeof code === "string" && (PG_CODES.has(code) || OTHER_CODES.has(code))) return true;
    if (typeof e.kind === "string" && KINDS.has(e.kind)) return true;
    if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
    queue.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}
