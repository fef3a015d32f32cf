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
import { until } from "./wait.ts";
import { startSmtpServer } from "./smtp-server.ts";
import { enqueueMail } from "#server/mail/index.ts";

const db = await createTestDatabase();
let app: RunningApp;
const SMTP_PASSWORD = "Smtp-secret-pass-5d1e";
const smtp = await startSmtpServer({ user: "mailer", pass: SMTP_PASSWORD });

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", LOG_LEVEL: "trace",
    SMTP_URL: smtp.url, MAIL_FROM: "Platform <noreply@platform.test>", MAIL_SWEEP_INTERVAL_MS: "200",
  });
});
afterAll(async () => {
  await app?.stop();
  await smtp.close();
});

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

  it("never logs the SMTP password that SMTP_URL carries, whether the server accepts or refuses", async () => {
    expect(smtp.url).toContain(SMTP_PASSWORD);
    const mail = (to: string) => enqueueMail(db.prisma, { tenantId: null, template: "shop.test_email", locale: "en", to, data: { senderLabel: "the platform" } });
    const accepted = await mail("accepted@example.test");
    await smtp.waitFor(1);
    smtp.refuse(550, "No such user");
    const refused = await mail("refused@example.test");
    for (const id of [accepted!.id, refused!.id]) {
      await until(async () => ["sent", "failed"].includes((await db.prisma.emailOutbox.findUniqueOrThrow({ where: { id } })).status), `mail ${id} to be done`);
    }
    await new Promise((r) => setTimeout(r, 200));
    const logs = app.logs.join("");
    expect(smtp.messages[0]!.user).toBe("mailer");
    expect(logs).toContain(`"smtp":"smtp://127.0.0.1:${smtp.port}"`);
    expect(logs).toContain("mail refused by the server");
    expect(logs.indexOf(SMTP_PASSWORD), "the SMTP password leaked into the logs").toBe(-1);
  });
});
