/**
 * The app as production runs it (NODE_ENV=production with every required setting): it starts, its session cookie
 * is `__Host-…; Secure` even when the request reached it as plain HTTP (docs/security.md 4 and 8: a session cookie never
 * travels without TLS), /metrics wants its token, and the sandbox payment endpoint does not exist.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant, createUser, TEST_PASSWORD } from "./factories.ts";
import { caught } from "./caught.ts";
import { request } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
const TOKEN = randomBytes(24).toString("hex");

const PRODUCTION = {
  NODE_ENV: "production", MODE: "web", DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost",
  SECRET_BOX_KEY: randomBytes(32).toString("hex"), MONEY_SECRET: randomBytes(24).toString("hex"), METRICS_TOKEN: TOKEN,
  CADDY_ADMIN_URL: "http://127.0.0.1:9", TRUSTED_PROXIES: "127.0.0.1",
};

beforeAll(async () => {
  await createTenant(db.prisma, { slug: "prod" });
  app = await startApp(PRODUCTION);
});
afterAll(async () => app?.stop());

describe("NODE_ENV=production", () => {
  it("issues only Secure __Host- session cookies, even for a request that arrived without TLS", async () => {
    const user = await createUser(db.prisma);
    const res = await request(app.port, "/api/auth/login", { method: "POST", body: { email: user.email, password: TEST_PASSWORD } });
    expect(res.status, res.body).toBe(200);
    const cookie = ([] as string[]).concat(res.headers["set-cookie"] ?? []).join("\n");
    expect(cookie).toMatch(/^__Host-sf_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/m);
    expect(cookie).not.toMatch(/^sf_session=/m);
  });

  it("serves shops, keeps /metrics behind its token and has no sandbox payments", async () => {
    expect((await get(app, "prod.localhost", "/")).status).toBe(200);
    expect((await get(app, "localhost", "/metrics")).status).toBe(404);
    expect((await get(app, "localhost", "/metrics", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const pay = await request(app.port, "/api/storefront/orders/anything/sandbox-pay", { method: "POST", host: "prod.localhost", body: {} });
    expect(pay.status).toBe(404);
    // The bench's baseline page exists only in the bench's own process.
    for (const host of ["prod.localhost", "localhost"]) for (const path of ["/bench/bare", "/bench/bare.data"]) expect((await get(app, host, path)).status).toBe(404);
  });

  it("refuses to start a worker without SMTP_URL and MAIL_FROM, saying why in one sentence each (a web process needs neither)", async () => {
    const err = await caught(startApp({ ...PRODUCTION, MODE: "worker" }));
    expect(err.message).toMatch(/SMTP_URL is required in production in a process that runs workers \(MODE=worker or all\): without it no email could be delivered/);
    expect(err.message).toMatch(/MAIL_FROM is required in production in a process that runs workers/);
    const worker = await startApp({ ...PRODUCTION, MODE: "worker", SMTP_URL: "smtp://mailer:pw@127.0.0.1:9", MAIL_FROM: "Shops <noreply@shops.example.com>" });
    await worker.stop();
  });
});
