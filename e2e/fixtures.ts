/**
 * E2E fixture: a fresh Postgres database with the demo tenants, the built app on a random port, and headless
 * Debian Chromium that resolves *.shop.test to loopback. `teardown()` undoes all of it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { TEST_PASSWORD } from "#tests/factories.ts";
import { createScratchDatabase, type ScratchDatabase } from "#tests/scratch-db.ts";
import { openDatabase } from "#server/db/client.ts";
import { applyManifest, manifestSchema } from "#server/tenancy/index.ts";
import { startApp, type RunningApp } from "#tests/app.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
export const PLATFORM_DOMAIN = "shop.test";
export const ARTIFACTS = path.join(ROOT, "e2e/artifacts");

export interface E2E {
  app: RunningApp;
  browser: Browser;
  dbUrl: string;
  /** The platform host's base URL (dashboard, console). */
  platformUrl: string;
  shopUrl(slug: string): string;
  teardown(): Promise<void>;
}

/** `env` is merged into the app's environment last (e.g. PORT, TELEGRAM_API_ROOT, SECRET_BOX_KEY). */
export async function setupE2E(tenants = ["acme", "nova", "bloom"], env: Record<string, string> = {}): Promise<E2E> {
  const id = randomBytes(4).toString("hex");
  let scratch: ScratchDatabase | undefined;
  let app: RunningApp | undefined;
  let browser: Browser | undefined;

  const teardown = async () => {
    await browser?.close().catch(() => {});
    await app?.stop().catch(() => {});
    await scratch?.drop();
  };

  try {
    scratch = await createScratchDatabase("e2e");
    const dbUrl = scratch.url;

    const db = await openDatabase(dbUrl);
    try {
      for (const slug of tenants) {
        const json = JSON.parse(await readFile(path.join(ROOT, "tenants/demo", `${slug}.json`), "utf8"));
        await applyManifest(db.prisma, manifestSchema.parse(json));
      }
    } finally {
      await db.close();
    }

    app = await startApp({ DATABASE_URL: dbUrl, REDIS_PREFIX: `e2e${id}:`, PLATFORM_DOMAIN, ...env });
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
  return {
    app,
    browser,
    dbUrl: scratch.url,
    platformUrl: `http://${PLATFORM_DOMAIN}:${port}`,
    shopUrl: (slug) => `http://${slug}.${PLATFORM_DOMAIN}:${port}/`,
    teardown,
  };
}

/** Signs a test user (password TEST_PASSWORD) in on the platform host and waits for the dashboard. */
export async function signInAs(page: Page, platformUrl: string, email: string) {
  await page.goto(`${platformUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/dashboard/);
}
