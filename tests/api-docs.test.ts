/**
 * /docs/api renders the reference from the OpenAPI document on the platform host, including the routes whose
 * bodies are not JSON (the CSV import, raw uploads): those once made the page answer 500.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";

const db = await createTestDatabase();
let app: RunningApp;

beforeAll(async () => {
  await createTenant(db.prisma, { slug: "docsshop" });
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
});
afterAll(async () => app?.stop());

describe("API reference page", () => {
  it("renders every operation of the OpenAPI document, with each body's media type", async () => {
    const page = await get(app, "localhost", "/docs/api");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Control-plane API");
    const doc = JSON.parse((await get(app, "localhost", "/api/openapi.json")).body) as { paths: Record<string, Record<string, { operationId: string }>> };
    for (const methods of Object.values(doc.paths)) for (const op of Object.values(methods)) expect(page.body).toContain(`id="${op.operationId}"`);
    expect(page.body).toContain("text/csv");
    expect(page.body).toContain("application/octet-stream");
    expect(app.logs.join("")).not.toMatch(/useLoaderData in an errorElement|reading 'schema'/);
  });

  it("is not served on a shop's host", async () => {
    const page = await get(app, "docsshop.localhost", "/docs/api");
    expect(page.status).toBe(404);
  });
});
