/**
 * A pooled connection that dies while checked out and between statements (a transaction awaiting our own code) must
 * not crash the process: pg emits 'error' on the client and pg-pool listens only while the client is idle. This is
 * what killed the app in tests/fault-postgres.test.ts on a loaded machine. Deterministic: the backend is terminated
 * from another connection while the transaction holds its client and no statement runs.
 */
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openDatabase } from "#server/db/client.ts";
import { createTestDatabase } from "./db.ts";
import { ADMIN_URL } from "./db-urls.ts";
import { until } from "./wait.ts";

const { url } = await createTestDatabase();
const lost: string[] = [];
const db = await openDatabase(url, { onConnectionLost: (err) => lost.push(err.message) });
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
afterAll(async () => {
  await admin.end();
  await db.close();
});

async function terminate(pid: number) {
  await admin.query("SELECT pg_terminate_backend($1)", [pid]);
}

it("a plain-SQL transaction's connection killed between statements: the statement after fails, the process lives, the pool reconnects", async () => {
  const before = lost.length;
  const failed = await db.run
    .transaction(async (q) => {
      const [{ pid }] = await q<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      await terminate(pid!);
      // The socket closes while nothing runs on it: this is the moment with no listener but ours.
      await until(() => lost.length > before, "the lost connection reported", 5_000);
      await q("SELECT 1");
    })
    .then(() => null, (err: Error) => err.message);
  expect(failed).toMatch(/terminat|not queryable|Connection/i);
  expect(lost.length).toBe(before + 1);
  // The dead client was dropped on release: the next transaction gets a live one.
  expect(await db.run.transaction((q) => q<{ one: number }>("SELECT 1 AS one"))).toEqual([{ one: 1 }]);
});

it("a Prisma interactive transaction's connection killed between statements: the process lives and Prisma queries again", async () => {
  const before = lost.length;
  const failed = await db.prisma
    .$transaction(async (tx) => {
      const [{ pid }] = await tx.$queryRawUnsafe<{ pid: number }[]>("SELECT pg_backend_pid() AS pid");
      await terminate(pid!);
      await until(() => lost.length > before, "the lost connection reported", 5_000);
      await tx.$queryRawUnsafe("SELECT 1");
    })
    .then(() => null, (err: Error) => err.message);
  expect(failed).not.toBeNull();
  expect(lost.length).toBe(before + 1);
  expect(await db.prisma.$queryRawUnsafe<{ one: number }[]>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
});

it("an idle connection killed is reported once and replaced", async () => {
  const before = lost.length;
  const [{ pid }] = await db.run.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  await terminate(pid!);
  await until(() => lost.length > before, "the idle connection reported", 5_000);
  expect(lost.length).toBe(before + 1);
  const [{ pid: next }] = await db.run.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  expect(next).not.toBe(pid);
});
