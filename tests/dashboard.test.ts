/** Dashboard routes run the same services and access rules as the API, and map their typed errors (never a 500). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { formPost, signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
let owner: Client;
let tenantId: string;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", RATE_LIMIT_SIGNUP_PER_HOUR: "2" });
  owner = await signIn(app.port, (await createUser(db.prisma)).email);
  tenantId = (await owner.post("/api/tenants", { slug: "taken", displayName: "Taken" })).json.data.id;
});
afterAll(async () => app?.stop());

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

  it("sign-ups through the API and the dashboard share one per-IP limit", async () => {
    const { Client } = await import("./http.ts");
    expect((await new Client(app.port).post("/api/auth/signup", { email: "s1@example.test", password: "Long-enough-pw-1" })).status).toBe(201);
    expect((await new Client(app.port).post("/api/auth/signup", { email: "s2@example.test", password: "Long-enough-pw-1" })).status).toBe(201);
    const res = await request(app.port, "/signup", {
      method: "POST",
      headers: { origin: "http://localhost" },
      raw: { contentType: "application/x-www-form-urlencoded", data: new URLSearchParams({ email: "s3@example.test", password: "Long-enough-pw-1" }).toString() },
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain("Too many new accounts");
    expect(await db.prisma.user.count({ where: { email: "s3@example.test" } })).toBe(0);
  });

  it("sends signed-out visitors to sign in", async () => {
    const res = await request(app.port, "/dashboard", { host: "localhost" });
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?redirectTo=/);
  });
});
