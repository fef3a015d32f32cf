import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant, createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import type { Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
let owner: Client;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
  owner = await signIn(app.port, (await createUser(db.prisma)).email);
  const t = await owner.post("/api/tenants", { slug: "hidden", displayName: "Hidden Gem" });
  await owner.patch(`/api/tenants/${t.json.data.id}`, { version: 1, brand: { displayName: "Hidden Gem", primaryColor: "#7a1f5c", accentColor: "#f2c14e" } });
});
afterAll(async () => app?.stop());

describe("preview (TEN-5)", () => {
  it("shows a pending shop to its members with a banner and noindex", async () => {
    const res = await owner.get("/t/hidden");
    expect(res.status).toBe(200);
    expect(res.body).toContain("Hidden Gem");
    expect(res.body).toContain("Preview");
    expect(res.body).toContain("#7a1f5c");
    expect(res.body).toMatch(/<meta name="robots" content="noindex/);
    expect(res.headers["x-robots-tag"]).toContain("noindex");
  });


  it("shows it to operators, hides it from non-members and the public", async () => {
    const op = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
    expect((await op.get("/t/hidden")).status).toBe(200);
    const stranger = await signIn(app.port, (await createUser(db.prisma)).email);
    const res = await stranger.get("/t/hidden");
    expect(res.status).toBe(404);
    expect(res.body).not.toContain("Hidden Gem");
    expect((await get(app, "localhost", "/t/hidden")).status).toBe(401);
    expect((await get(app, "hidden.localhost")).status).toBe(404);
  });
});

describe("preview banner and catalog", () => {
  it("lists a pending shop's products for its members and operators, and still says it is not public", async () => {
    const { id: tenantId } = await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "hidden" }, select: { id: true } });
    await db.prisma.catalogItem.createMany({
      data: [
        { tenantId, title: "Lamp of Secrets", price: "40.00", category: "Lighting" },
        { tenantId, title: "Draft Vase", price: "9.00", active: false },
      ],
    });
    const op = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
    for (const viewer of [owner, op]) {
      const res = await viewer.get("/t/hidden");
      expect(res.status).toBe(200);
      expect(res.body).toContain("this shop is not public yet");
      expect(res.body).toContain("Lamp of Secrets");
      expect(res.body).toContain("Lighting");
      expect(res.body).not.toContain("Draft Vase");
      expect(res.body).not.toContain("is live at");
      // Item pages exist only on the shop's own host: the preview's cards link nowhere on the platform host.
      expect(res.body).not.toContain('href="/items/');
    }
    // Search stays inside the preview.
    const search = await owner.get("/t/hidden?q=lamp");
    expect(search.body).toContain('action="/t/hidden"');
    expect(search.body).toContain("Lamp of Secrets");
  });

  it("says an active shop is live, with a link to its address, and lists its products", async () => {
    await createTenant(db.prisma, { slug: "livenow", brand: { displayName: "Live Now", primaryColor: "#1f3a7a", accentColor: "#f2c14e" }, catalog: [{ title: "Open Kettle", price: "25.00" }] });
    const op = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
    const res = await op.get("/t/livenow");
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/this shop is live at <a href="http:\/\/livenow\.localhost\/"[^>]*>livenow\.localhost<\/a>/);
    expect(res.body).not.toContain("not public yet");
    expect(res.body).toContain("Open Kettle");
  });
});

describe("OpenAPI", () => {
  it("documents every control-plane route with its auth rule and schemas", async () => {
    const res = await get(app, "localhost", "/api/openapi.json");
    const doc = JSON.parse(res.body);
    expect(doc.openapi).toBe("3.1.0");
    const ops = Object.entries(doc.paths as Record<string, Record<string, { description: string; requestBody?: unknown }>>).flatMap(([p, m]) =>
      Object.keys(m).map((k) => `${k.toUpperCase()} ${p}`),
    );
    for (const expected of [
      "POST /api/auth/signup", "POST /api/auth/login", "POST /api/auth/logout", "GET /api/auth/me", "POST /api/tokens",
      "DELETE /api/tokens/{tokenId}", "POST /api/tenants", "GET /api/tenants", "GET /api/tenants/{tenantId}", "PATCH /api/tenants/{tenantId}",
      "POST /api/tenants/{tenantId}/activate", "POST /api/tenants/{tenantId}/suspend", "POST /api/tenants/{tenantId}/close",
      "GET /api/tenants/{tenantId}/roles", "POST /api/tenants/{tenantId}/roles", "DELETE /api/tenants/{tenantId}/roles/{roleId}",
      "POST /api/tenants/{tenantId}/invitations", "GET /api/tenants/{tenantId}/payment-policy", "PUT /api/tenants/{tenantId}/payment-policy",
    ]) {
      expect(ops).toContain(expected);
    }
    const patch = doc.paths["/api/tenants/{tenantId}"].patch;
    expect(patch.description).toContain("owner");
    expect(patch.requestBody.content["application/json"].schema.properties.brand.properties.primaryColor.pattern).toBeDefined();
    // The tenant API is not served on a shop's host.
    expect((await get(app, "hidden.localhost", "/api/openapi.json")).status).toBe(404);
  });
});
