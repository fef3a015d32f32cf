/**
 * Prisma 7 client over a driver adapter: node-postgres for real Postgres, PGlite for the embedded demo.
 * No engine binary is involved either way.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import prismaClientPkg from "@prisma/client";
import type { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlClient } from "./migrate.ts";

// @prisma/client is CommonJS: named ESM imports fail under plain Node, so take the class off the default export.
const { PrismaClient: PrismaClientCtor } = prismaClientPkg;
export type Db = PrismaClient;

/** One statement's rows. `name` makes it a prepared statement on each pooled connection (parsed once). */
export type SqlQuery = <R = Record<string, unknown>>(text: string, values?: unknown[], name?: string) => Promise<R[]>;

/**
 * Plain SQL over the same pool as Prisma, for the few hot paths where the ORM's per-query cost dominates (ADR 010:
 * checkout and funding are single calls to database functions). Transactions run on one connection.
 */
export interface SqlRunner {
  query: SqlQuery;
  transaction<T>(fn: (query: SqlQuery) => Promise<T>): Promise<T>;
}

export interface Database {
  prisma: PrismaClient;
  /** Raw SQL access used by the migration runner. */
  sql: SqlClient;
  /** Pooled plain SQL for hot paths. */
  run: SqlRunner;
  close(): Promise<void>;
}

/** `onConnectionLost`: told once per pooled connection that dies under us (a restart, failover, an admin's kill). */
export async function openDatabase(url: string, options: { onConnectionLost?: (err: Error) => void; poolSize?: number } = {}): Promise<Database> {
  if (url.startsWith("pglite:")) {
    const dir = path.resolve(url.slice("pglite:".length));
    mkdirSync(path.dirname(dir), { recursive: true });
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const pglite = new PGlite(dir);
    await pglite.waitReady;
    const prisma = new PrismaClientCtor({ adapter: new PrismaPGlite(pglite) });
    const pgliteQuery = (db: Pick<typeof pglite, "query">): SqlQuery => async <R>(text: string, values?: unknown[]) => (await db.query<R>(text, values)).rows;
    return {
      prisma,
      run: { query: pgliteQuery(pglite), transaction: (fn) => pglite.transaction((tx) => fn(pgliteQuery(tx))) },
      sql: {
        async query(sql, params) {
          if (!params?.length) {
            const results = await pglite.exec(sql);
            return { rows: results.at(-1)?.rows ?? [] };
          }
          return pglite.query(sql, params);
        },
      },
      async close() {
        await prisma.$disconnect();
        await pglite.close();
      },
    };
  }
  const pg = await import("pg");
  // No connectionTimeoutMillis: pg-pool leaks the client of a timed-out connect and can wedge the pool for good
  // (brianc/node-postgres#3543, #2243); tests/fault-postgres.test.ts failed with it set.
  const pool = new pg.default.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // A connection can die under us (Postgres restart, failover, an admin terminating it). pg emits that as an 'error'
  // event on the client, and an unhandled one crashes the process. pg-pool listens only while a client is idle; a
  // client checked out between two statements (a transaction awaiting our own code) has no listener at all, which is
  // how a Postgres restart under load killed the app (tests/db-connection-lost.test.ts). So every client gets one for
  // life. The statement in flight fails on its own; the dead client is dropped on release (pg-pool checks
  // _queryable) and the pool reconnects on demand.
  pool.on("connect", (client) => {
    let told = false;
    client.on("error", (err) => {
      if (!told) options.onConnectionLost?.(err);
      told = true;
    });
  });
  // The pool re-emits an idle client's error; the client's own listener above has already reported it.
  pool.on("error", () => {});
  const prisma = new PrismaClientCtor({ adapter: new PrismaPg(pool) });
  // Migrations run many statements on one connection inside BEGIN/COMMIT, so they get a dedicated client.
  let conn: import("pg").PoolClient | undefined;
  const pgQuery = (db: Pick<import("pg").Pool, "query">): SqlQuery => async (text, values, name) =>
    (await db.query({ text, values: values as unknown[], ...(name ? { name } : {}) })).rows;
  return {
    prisma,
    run: {
      query: pgQuery(pool),
      async transaction(fn) {
        const client = await pool.connect();
        let broken = false;
        try {
          await client.query("BEGIN");
          const result = await fn(pgQuery(client));
          await client.query("COMMIT");
          return result;
        } catch (err) {
          // A connection whose ROLLBACK fails (it died mid-transaction) is dropped, not reused.
          broken = await client.query("ROLLBACK").then(() => false, () => true);
          throw err;
        } finally {
          client.release(broken);
        }
      },
    },
    sql: {
      async query(sql, params) {
        conn ??= await pool.connect();
        return conn.query(sql, params);
      },
    },
    async close() {
      conn?.release();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
