/** A fresh database per test file, cloned from the migrated template; plus a Redis key namespace. */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll } from "vitest";
import { openDatabase, type Database } from "#server/db/client.ts";
import { ADMIN_URL, TEMPLATE_DB, dbUrl } from "./db-urls.ts";

export async function createTestDatabase(): Promise<Database & { url: string; name: string }> {
  const name = `sf_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  await admin.end();
  const url = dbUrl(name);
  const db = await openDatabase(url);
  afterAll(async () => {
    await db.close();
    const a = new pg.Client({ connectionString: ADMIN_URL });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  });
  return { ...db, url, name };
}

export const redisPrefix = () => `sft${randomBytes(4).toString("hex")}:`;
