/** Throwaway migrated Postgres databases for e2e and the bench (vitest files use tests/db.ts): dropped WITH (FORCE). */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "#server/db/migrate.ts";

import { ADMIN_URL, PG_BASE } from "./db-urls.ts";

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createScratchDatabase(tag: string): Promise<ScratchDatabase> {
  const name = `sf_${tag}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = `${PG_BASE}/${name}`;
  let dropped = false;
  const db: ScratchDatabase = {
    name,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
  try {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await migrate(c);
    } finally {
      await c.end();
    }
  } catch (err) {
    await db.drop().catch(() => {});
    throw err;
  }
  return db;
}
