/**
 * E2E fixture: a fresh Postgres database with the demo tenants, the built app on a random port, and headless
 * Debian Chromium that resolves *.shop.test to loopback. `teardown()` undoes all of it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { chromium, type Browser } from "playwright-core";
import { migrate } from "#server/db/migrate.ts";
import { openDatabase } from "#server/db/client.ts";
import { applyManifest, manifestSchema } from "#server/tenancy/index.ts";
import { startApp, type RunningApp } from "#tests/app.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
export const PLATFORM_DOMAIN = "shop.test";
export const ARTIFACTS = path.join(ROOT, "e2e/artifacts");

export interface E2E {
  app: RunningApp;
  browser: Browser;
  shopUrl(slug: string): string;
  teardown(): Promise<void>;
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

export async function setupE2E(tenants = ["acme", "nova", "bloom"]): Promise<E2E> {
  const id = randomBytes(4).toString("hex");
  const dbName = `sf_e2e_${id}`;
  const dbUrl = `postgresql://postgres@127.0.0.1:5432/${dbName}`;
  let app: RunningApp | undefined;
  let browser: Browser | undefined;

  const teardown = async () => {
    await browser?.close().catch(() => {});
    await app?.stop().catch(() => {});
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  };

  try {
    await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      await migrate(client);
    } finally {
      await client.end();
    }

    const db = await openDatabase(dbUrl);
    try {
      for (const slug of tenants) {
        const json = JSON.parse(await readFile(path.join(ROOT, "tenants/demo", `${slug}.json`), "utf8"));
        await applyManifest(db.prisma, manifestSchema.parse(json));
      }
    } finally {
      await db.close();
    }

    app = await startApp({ DATABASE_URL: dbUrl, REDIS_PREFIX: `e2e${id}:`, PLATFORM_DOMAIN });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        `--host-resolver-rules=MAP *.${PLATFORM_DOMAIN} 127.0.0.1, MAP ${PLATFORM_DOMAIN} 127.0.0.1`,
      ],
    });
    await mkdir(ARTIFACTS, { recursive: true });
  } catch (err) {
    await teardown();
    throw err;
  }

  const port = app.port;
  return { app, browser, shopUrl: (slug) => `http://${slug}.${PLATFORM_DOMAIN}:${port}/`, teardown };
}
