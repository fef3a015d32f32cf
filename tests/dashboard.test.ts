/** Dashboard routes run the same services and access rules as the API, and map their typed errors (never a 500). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
let owner: Client;
let tenantId: string;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
  owner = await signIn(app.port, (await createUser(db.prisma)).email);
  tenantId = (await owner.post("/api/tenants", { slug: "taken", displayName: "Taken" })).json.data.id;
});
afterAll(async () => app?.stop());

async function formPost(c: Client, path: string, fields: Record<string, string>) {
  const page = await c.get(path);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
  return request(app.port, path, {
    method: "POST",
    headers: { cookie: c.cookieHeader(), origin: "http://localhost" },
    raw: { contentType: "application/x-www-form-urlencoded", data: new URLSearchParams({ ...fields, csrf }).toString() },
  });
}

describe("dashboard", () => {
  it("shows a taken address as a form error next to the field, not a server error", async () => {
    const res = await formPost(owner, "/dashboard/new", { displayName: "Again", slug: "taken", type: "hosted_seller" });
    expect(res.status).toBe(400);
    expect(res.body).toContain("already taken");
    expect(await db.prisma.tenant.count()).toBe(1);
  });

  it("hides another user's shop (404) and refuses a member without the role (403)", async () => {
    const stranger = await signIn(app.port, (await createUser(db.prisma)).email);
    expect((await stranger.get(`/dashboard/${tenantId}`)).status).toBe(404);
    const support = await createUser(db.prisma);
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: support.id, role: "support" } });
    const sc = await signIn(app.port, support.email);
    expect((await sc.get(`/dashboard/${tenantId}`)).status).toBe(200);
    expect((await sc.get(`/dashboard/${tenantId}/team`)).status).toBe(403);
  });

  it("sends signed-out visitors to sign in", async () => {
    const res = await request(app.port, "/dashboard", { host: "localhost" });
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?redirectTo=/);
  });
});
