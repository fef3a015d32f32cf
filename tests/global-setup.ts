/**
 * Once per test run: build a migrated template database on the real Postgres. Every integration test file then
 * clones it (CREATE DATABASE … TEMPLATE), so files never share state. Fails loudly when Postgres or Redis is down.
 */
import pg from "pg";
import { Redis } from "ioredis";
import { migrate } from "#server/db/migrate.ts";
import { ADMIN_URL, TEMPLATE_DB, dbUrl } from "./db-urls.ts";

export default async function setup() {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  const tpl = new pg.Client({ connectionString: dbUrl(TEMPLATE_DB) });
  await tpl.connect();
  await migrate(tpl);
  await tpl.end();
  await admin.end();
  const redis = new Redis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.ping();
  redis.disconnect();
}
