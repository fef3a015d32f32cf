/**
 * docs/security.md 13: a page whose loader fails shows no stack trace and no error message, in any NODE_ENV — here
 * development, where Remix would otherwise serialise both into the page and its data responses. The app logs them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import { request } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;

beforeAll(async () => {
  await createTenant(db.prisma, { slug: "broken" });
  app = await startApp({ NODE_ENV: "development", DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
});
afterAll(async () => app?.stop());

describe("error pages in development mode", () => {
  it("a failing storefront loader gives a 500 page and data response without stack or message", async () => {
    // Fault injection in the real database: the catalog table is gone, so the catalog loader throws.
    await db.prisma.$executeRawUnsafe(`ALTER TABLE catalog_items RENAME TO catalog_items_gone`);
    try {
      for (const path of ["/", "/_root.data"]) {
        const res = await request(app.port, path, { host: "broken.localhost" });
        expect(res.status, path).toBe(500);
        expect(res.body, path).not.toMatch(/\n\s+at |\bat [\w.<>]+ \(|\.(?:ts|tsx|js):\d+:\d+/);
        expect(res.body, path).not.toContain("catalog_items");
        expect(res.body, path).not.toMatch(/prisma|node_modules/i);
      }
    } finally {
      await db.prisma.$executeRawUnsafe(`ALTER TABLE catalog_items_gone RENAME TO catalog_items`);
    }
    // The stack is kept server-side, in the app's log.
    expect(app.logs.join("")).toContain("catalog_items");
  });
});
