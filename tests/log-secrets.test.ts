/**
 * docs/security.md 7: passwords, session cookies and API tokens never reach a log line. The app runs at trace level
 * (request headers logged), the flows below push every kind of secret through it, and the captured output is
 * searched for each secret.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", LOG_LEVEL: "trace" });
});
afterAll(async () => app?.stop());

describe("no secrets in logs", () => {
  it("logs requests but never a password, session cookie, API token or invitation secret", async () => {
    const password = "Very-secret-password-91";
    const c = new Client(app.port);
    await c.post("/api/auth/signup", { email: "logs@example.test", password });
    await new Client(app.port).post("/api/auth/login", { email: "logs@example.test", password: "Wrong-password-77" });
    await c.post("/api/auth/login", { email: "logs@example.test", password });
    const cookie = c.cookies.get("sf_session")!;
    const token: string = (await c.post("/api/tokens", { name: "logs" })).json.data.token;
    const bearer = new Client(app.port);
    bearer.bearer = token;
    await bearer.get("/api/auth/me");
    const tenant = (await c.post("/api/tenants", { slug: "logshop", displayName: "Log Shop" })).json.data;
    const link: string = (await c.post(`/api/tenants/${tenant.id}/invitations`, { email: "x@example.test", role: "support" })).json.data.link;
    const inviteSecret = link.split("/invite/")[1]!;
    await get(app, "localhost", `/invite/${inviteSecret}`, { cookie: `sf_session=${cookie}` });
    await get(app, "localhost", "/dashboard", { cookie: `sf_session=${cookie}` });

    await new Promise((r) => setTimeout(r, 200));
    const logs = app.logs.join("");
    // The capture is real: request lines with headers are there.
    expect(logs).toContain('"path":"/api/auth/login"');
    expect(logs).toContain('"cookie":"[redacted]"');
    expect(logs).toContain('"authorization":"[redacted]"');
    expect(logs).toContain("/invite/[redacted]");
    for (const secret of [password, "Wrong-password-77", cookie, token, inviteSecret]) {
      const at = logs.indexOf(secret);
      expect(at, `secret leaked: …${logs.slice(Math.max(0, at - 300), at)}`).toBe(-1);
    }
  });
});
