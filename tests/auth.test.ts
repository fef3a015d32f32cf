import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { Client } from "./http.ts";
import { createUser, TEST_PASSWORD } from "./factories.ts";
import { formPost } from "./tenant-fixture.ts";

const db = await createTestDatabase();
let app: RunningApp;
let app2: RunningApp;

beforeAll(async () => {
  const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", TRUSTED_PROXIES: "127.0.0.1" };
  [app, app2] = await Promise.all([startApp(env), startApp(env)]);
});
afterAll(async () => Promise.all([app?.stop(), app2?.stop()]));

async function signedIn(email: string, a = app) {
  const c = new Client(a.port);
  const res = await c.post("/api/auth/login", { email, password: TEST_PASSWORD });
  expect(res.status).toBe(200);
  return c;
}

describe("accounts and sessions (docs/security.md 4)", () => {
  it("sign-up stores a scrypt hash and sets a host-only HttpOnly SameSite=Lax cookie", async () => {
    const c = new Client(app.port);
    const res = await c.post("/api/auth/signup", { email: "New.Person@Example.test", password: TEST_PASSWORD });
    expect(res.status).toBe(201);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^sf_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).not.toContain("Secure");
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "new.person@example.test" } });
    expect(user.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(user.passwordHash).not.toContain(TEST_PASSWORD);
    expect((await c.get("/api/auth/me")).json.data.user.email).toBe("new.person@example.test");
    // The cookie value is not what the database stores.
    const token = c.cookies.get("sf_session")!;
    expect(await db.prisma.session.count({ where: { tokenHash: token } })).toBe(0);
  });

  it("refuses a duplicate email and a weak password with typed errors, changing nothing", async () => {
    const before = await db.prisma.user.count();
    const dup = await new Client(app.port).post("/api/auth/signup", { email: "new.person@example.test", password: TEST_PASSWORD });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe("EMAIL_TAKEN");
    const weak = await new Client(app.port).post("/api/auth/signup", { email: "weak@example.test", password: "short" });
    expect(weak.status).toBe(400);
    expect(weak.json.error.code).toBe("VALIDATION_ERROR");
    expect(weak.body).not.toMatch(/at .*\.ts:\d+/);
    expect(await db.prisma.user.count()).toBe(before);
  });

  it("is Secure with the __Host- prefix when the request came over HTTPS through the trusted proxy", async () => {
    const u = await createUser(db.prisma);
    const c = new Client(app.port);
    const res = await c.call("POST", "/api/auth/login", { email: u.email, password: TEST_PASSWORD }, { "x-forwarded-proto": "https" });
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^__Host-sf_session=/);
    expect(cookie).toContain("Secure");
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it("rotates the session at sign-in: the old cookie stops working", async () => {
    const u = await createUser(db.prisma);
    const c = await signedIn(u.email);
    const first = c.cookies.get("sf_session")!;
    await c.post("/api/auth/login", { email: u.email, password: TEST_PASSWORD });
    const second = c.cookies.get("sf_session")!;
    expect(second).not.toBe(first);
    const stale = new Client(app.port);
    stale.cookies.set("sf_session", first);
    expect((await stale.get("/api/auth/me")).status).toBe(401);
    expect((await c.get("/api/auth/me")).status).toBe(200);
  });

  it("sign out everywhere ends the other sessions and keeps this one", async () => {
    const u = await createUser(db.prisma);
    const [a, b, c] = [await signedIn(u.email), await signedIn(u.email, app2), await signedIn(u.email)];
    const res = await a.post("/api/auth/logout-everywhere");
    expect(res.json.data.ended).toBe(2);
    expect((await a.get("/api/auth/me")).status).toBe(200);
    expect((await b.get("/api/auth/me")).status).toBe(401);
    expect((await c.get("/api/auth/me")).status).toBe(401);
    const audit = await db.prisma.auditLog.findFirst({ where: { action: "user.sessions_revoked", actorId: u.id } });
    expect(audit?.ip).toBe("127.0.0.1");
  });

  it("sign-out revokes the session row", async () => {
    const u = await createUser(db.prisma);
    const c = await signedIn(u.email);
    const token = c.cookies.get("sf_session")!;
    await c.post("/api/auth/logout");
    const again = new Client(app.port);
    again.cookies.set("sf_session", token);
    expect((await again.get("/api/auth/me")).status).toBe(401);
  });

  it("API tokens: shown once, stored hashed, work as Bearer, and a revoked one gets 401", async () => {
    const u = await createUser(db.prisma);
    const c = await signedIn(u.email);
    const created = await c.post("/api/tokens", { name: "ci" });
    expect(created.status).toBe(201);
    const secret: string = created.json.data.token;
    expect(secret).toMatch(/^sfp_/);
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.json.data.id } });
    expect(row.tokenHash).not.toBe(secret);
    expect(JSON.stringify((await c.get("/api/tokens")).json)).not.toContain(secret);

    const bot = new Client(app.port);
    bot.bearer = secret;
    const me = await bot.get("/api/auth/me");
    expect(me.status).toBe(200);
    expect(me.json.data.via).toBe("token");
    expect((await bot.post("/api/tenants", { slug: `tok${Date.now() % 100000}`, displayName: "Token Shop" })).status).toBe(201);

    expect((await c.del(`/api/tokens/${row.id}`)).status).toBe(200);
    const after = await bot.get("/api/auth/me");
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe("UNAUTHENTICATED");
    // Another user cannot revoke (or learn about) someone else's token.
    const other = await signedIn((await createUser(db.prisma)).email);
    const t2 = await c.post("/api/tokens", { name: "second" });
    expect((await other.del(`/api/tokens/${t2.json.data.id}`)).status).toBe(404);
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: t2.json.data.id } })).revokedAt).toBeNull();
  });

  it("an unknown bearer token is refused, never treated as anonymous", async () => {
    const c = new Client(app.port);
    c.bearer = "sfp_notarealtokennotarealtokennotarealtoken";
    const res = await c.get("/api/auth/me");
    expect(res.status).toBe(401);
  });

  it("cookie-authenticated API writes must be JSON (a cross-site HTML form cannot forge them)", async () => {
    const u = await createUser(db.prisma);
    const c = await signedIn(u.email);
    const { request } = await import("./http.ts");
    const res = await request(app.port, "/api/tenants", {
      method: "POST",
      // Same-origin, so this proves the JSON check itself (the CSRF origin guard stands in front of it).
      headers: { cookie: c.cookieHeader(), origin: "http://localhost" },
      raw: { contentType: "application/x-www-form-urlencoded", data: "slug=evil&displayName=Evil" },
    });
    expect(res.status).toBe(415);
    expect(await db.prisma.tenant.count({ where: { slug: "evil" } })).toBe(0);
  });
});

describe("password change and revoking API tokens", () => {
  const NEW_PASSWORD = "Brand-new-secret-42";

  async function withToken(c: Client) {
    const bot = new Client(app.port);
    bot.bearer = (await c.post("/api/tokens", { name: "ci" })).json.data.token;
    expect((await bot.get("/api/auth/me")).status).toBe(200);
    return bot;
  }

  it("sign out everywhere with revokeApiTokens also revokes every API token, audited", async () => {
    const u = await createUser(db.prisma);
    const [a, b] = [await signedIn(u.email), await signedIn(u.email, app2)];
    const bot = await withToken(a);
    const res = await a.post("/api/auth/logout-everywhere", { revokeApiTokens: true });
    expect(res.json.data).toEqual({ ended: 1, tokensRevoked: 1 });
    expect((await a.get("/api/auth/me")).status).toBe(200);
    expect((await b.get("/api/auth/me")).status).toBe(401);
    expect((await bot.get("/api/auth/me")).status).toBe(401);
    const audit = await db.prisma.auditLog.findFirst({ where: { action: "user.sessions_revoked", actorId: u.id } });
    expect(audit?.details).toMatchObject({ count: 1, tokensRevoked: 1 });
  });

  it("POST /api/auth/password: checks the current password, ends the other sessions (and tokens when asked), audited", async () => {
    const u = await createUser(db.prisma);
    const [a, b] = [await signedIn(u.email), await signedIn(u.email, app2)];
    const bot = await withToken(a);
    const wrong = await a.post("/api/auth/password", { currentPassword: "not-the-password", newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe("INVALID_CURRENT_PASSWORD");
    const short = await a.post("/api/auth/password", { currentPassword: TEST_PASSWORD, newPassword: "short" });
    expect(short.status).toBe(400);
    expect(short.json.error.code).toBe("VALIDATION_ERROR");
    expect((await b.get("/api/auth/me")).status).toBe(200);

    const res = await a.post("/api/auth/password", { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, revokeApiTokens: true });
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toEqual({ changed: true, sessionsEnded: 1, tokensRevoked: 1 });
    expect((await a.get("/api/auth/me")).status).toBe(200);
    expect((await b.get("/api/auth/me")).status).toBe(401);
    expect((await bot.get("/api/auth/me")).status).toBe(401);
    expect((await new Client(app.port).post("/api/auth/login", { email: u.email, password: TEST_PASSWORD })).status).toBe(401);
    expect((await new Client(app2.port).post("/api/auth/login", { email: u.email, password: NEW_PASSWORD })).status).toBe(200);
    const audit = await db.prisma.auditLog.findFirst({ where: { action: "user.password_changed", actorId: u.id } });
    expect(audit?.details).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);

    // Without the flag, API tokens keep working.
    const kept = await withToken(a);
    const again = await a.post("/api/auth/password", { currentPassword: NEW_PASSWORD, newPassword: TEST_PASSWORD });
    expect(again.json.data.tokensRevoked).toBe(0);
    expect((await kept.get("/api/auth/me")).status).toBe(200);

    const doc = JSON.parse((await a.get("/api/openapi.json")).body);
    expect(Object.keys(doc.paths["/api/auth/password"] ?? {})).toEqual(["post"]);
  });

  it("the account page changes the password and signs out everywhere, each optionally revoking API tokens", async () => {
    const u = await createUser(db.prisma);
    const [a, b] = [await signedIn(u.email), await signedIn(u.email)];
    const bot = await withToken(a);
    const wrong = await formPost(a, "/account", { intent: "changePassword", currentPassword: "not-the-password", newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain("The current password is not correct.");
    expect(wrong.body).not.toContain(NEW_PASSWORD);
    const changed = await formPost(a, "/account", { intent: "changePassword", currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body).not.toContain(NEW_PASSWORD);
    expect((await b.get("/api/auth/me")).status).toBe(401);
    expect((await bot.get("/api/auth/me")).status).toBe(200);
    const c = new Client(app.port);
    expect((await c.post("/api/auth/login", { email: u.email, password: NEW_PASSWORD })).status).toBe(200);

    const out = await formPost(a, "/account", { intent: "signOutOthers", revokeApiTokens: "on" });
    expect(out.status).toBe(200);
    expect(out.body).toContain("Signed out of 1 other session and revoked 1 API token.");
    expect((await c.get("/api/auth/me")).status).toBe(401);
    expect((await bot.get("/api/auth/me")).status).toBe(401);
    expect((await a.get("/api/auth/me")).status).toBe(200);
  });
});

describe("login backoff (docs/security.md 3)", () => {
  it("the 11th failed sign-in within 15 minutes gets 429 with Retry-After, counted across two app processes", async () => {
    const u = await createUser(db.prisma);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await new Client(i % 2 ? app2.port : app.port).post("/api/auth/login", { email: u.email, password: "wrong-password" });
      statuses.push(res.status);
      if (i === 10) {
        expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
        expect(res.json.error.code).toBe("RATE_LIMITED");
      }
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    // This IP is locked out of this account for the window, right password or not (other IPs are not: see
    // tests/sign-in-abuse.test.ts).
    expect((await new Client(app.port).post("/api/auth/login", { email: u.email, password: TEST_PASSWORD })).status).toBe(429);
    // Another account from the same IP is unaffected.
    const other = await createUser(db.prisma);
    expect((await new Client(app2.port).post("/api/auth/login", { email: other.email, password: TEST_PASSWORD })).status).toBe(200);
  });

  it("an unknown email and a wrong password get the same answer", async () => {
    const u = await createUser(db.prisma);
    const a = await new Client(app.port).post("/api/auth/login", { email: "nobody@example.test", password: "whatever-1" });
    const b = await new Client(app.port).post("/api/auth/login", { email: u.email, password: "whatever-1" });
    expect(a.status).toBe(401);
    expect(a.json).toEqual(b.json);
  });
});

describe("ops:create-admin", () => {
  it("creates an operator and is idempotent", async () => {
    const run = () =>
      promisify(execFile)("npm", ["run", "-s", "ops:create-admin", "--", "--email", "Root@Example.test", "--password", TEST_PASSWORD], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, REDIS_URL, NODE_ENV: "test" },
      });
    await run();
    await run();
    const rows = await db.prisma.user.findMany({ where: { email: "root@example.test" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.platformRole).toBe("admin");
    const c = await signedIn("root@example.test");
    expect((await c.get("/api/auth/me")).json.data.user.isOperator).toBe(true);
  });
});
