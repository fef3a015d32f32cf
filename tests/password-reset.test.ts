/**
 * Password reset (issue 15, ADR 030): the link is single use and expires, using it ends every session, an unknown
 * email gets the same answer in the same time class, and the 6th request within 15 minutes is 429 (per IP and per
 * account). The link is read from the outbox row the request wrote (delivery is mail-core's).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser, TEST_PASSWORD } from "./factories.ts";
import { Client, request } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", TRUSTED_PROXIES: "127.0.0.1" });
});
afterAll(async () => app?.stop());

let ipCounter = 10;
const freshIp = () => `198.51.100.${ipCounter++}`;
const ask = (email: string, ip = freshIp()) => request(app.port, "/api/auth/password-reset", { headers: { "x-forwarded-for": ip }, body: { email } });
const confirm = (token: string, password: string, ip = freshIp()) =>
  request(app.port, "/api/auth/password-reset/confirm", { headers: { "x-forwarded-for": ip }, body: { token, password } });

async function resetMail(email: string) {
  const rows = await db.prisma.emailOutbox.findMany({ where: { recipient: email, template: "account.password_reset" }, orderBy: { createdAt: "desc" } });
  return rows;
}
const tokenOf = (row: { data: unknown }) => new URL((row.data as { resetUrl: string }).resetUrl).searchParams.get("token")!;

async function signedIn(email: string, password = TEST_PASSWORD) {
  const c = new Client(app.port);
  const res = await c.post("/api/auth/login", { email, password });
  expect(res.status, res.body).toBe(200);
  return c;
}

describe("POST /api/auth/password-reset", () => {
  it("mails a single-use link that sets the password and signs every device out", async () => {
    const user = await createUser(db.prisma);
    const other = await signedIn(user.email);
    expect((await other.get("/api/auth/me")).status).toBe(200);

    const res = await ask(user.email);
    expect(res.status).toBe(202);
    const [row] = await resetMail(user.email);
    expect(row).toMatchObject({ tenantId: null, template: "account.password_reset", userId: user.id, status: "queued" });
    const token = tokenOf(row!);
    expect((row!.data as { resetUrl: string }).resetUrl).toMatch(/^http:\/\/localhost(:\d+)?\/reset-password\?token=/);
    // Stored hashed only.
    const stored = await db.prisma.accountToken.findFirstOrThrow({ where: { userId: user.id, purpose: "password_reset" } });
    expect(stored.tokenHash).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token);

    const done = await confirm(token, "a-brand-new-password-1");
    expect(done.status, done.body).toBe(200);
    expect(done.json.data).toEqual({ reset: true, sessionsEnded: 1 });
    // The old cookie is dead; the old password too; the new one works.
    expect((await other.get("/api/auth/me")).status).toBe(401);
    expect((await request(app.port, "/api/auth/login", { body: { email: user.email, password: TEST_PASSWORD } })).status).toBe(401);
    await signedIn(user.email, "a-brand-new-password-1");
    // Single use.
    const again = await confirm(token, "another-password-22");
    expect(again.status).toBe(410);
    expect(again.json.error.code).toBe("LINK_INVALID");
    const audit = await db.prisma.auditLog.findFirst({ where: { action: "user.password_reset", target: `user:${user.id}` } });
    expect(audit).not.toBeNull();
    // The reset proved the mailbox.
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).not.toBeNull();
  });

  it("an expired link is refused and changes nothing", async () => {
    const user = await createUser(db.prisma);
    await ask(user.email);
    const [row] = await resetMail(user.email);
    await db.prisma.$executeRaw`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = ${user.id}::uuid`;
    const res = await confirm(tokenOf(row!), "a-brand-new-password-1");
    expect(res.status).toBe(410);
    await signedIn(user.email);
  });

  it("the new password follows the sign-up rules; a bad body is a typed 400", async () => {
    const user = await createUser(db.prisma);
    await ask(user.email);
    const [row] = await resetMail(user.email);
    const short = await confirm(tokenOf(row!), "short");
    expect(short.status).toBe(400);
    expect(short.json.error.code).toBe("VALIDATION_ERROR");
    expect((await confirm("not a token!", "a-brand-new-password-1")).status).toBe(400);
    expect((await ask("not-an-email")).status).toBe(400);
    // The link was not used up by the refused attempt.
    expect((await confirm(tokenOf(row!), "a-brand-new-password-1")).status).toBe(200);
  });

  it("an unknown email gets the same status and body, in the same time class, and nothing is queued", async () => {
    const user = await createUser(db.prisma);
    const known: number[] = [];
    const unknown: number[] = [];
    let knownBody = "";
    let unknownBody = "";
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      const a = await ask(user.email, `203.0.113.${i + 1}`);
      known.push(performance.now() - t);
      t = performance.now();
      const b = await ask(`nobody-${i}@example.test`, `203.0.113.${i + 101}`);
      unknown.push(performance.now() - t);
      expect([a.status, b.status]).toEqual([202, 202]);
      knownBody = a.body;
      unknownBody = b.body;
    }
    expect(unknownBody).toBe(knownBody);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const [mk, mu] = [median(known), median(unknown)];
    expect(Math.max(mk, mu) / Math.min(mk, mu), `medians ${mk} ms vs ${mu} ms`).toBeLessThan(1.5);
    expect(await db.prisma.emailOutbox.count({ where: { recipient: { startsWith: "nobody-" } } })).toBe(0);
  });

  it("the 6th request within 15 minutes is 429, per IP and per account", async () => {
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await ask(`ip-limit-${i}@example.test`, ip)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);

    const user = await createUser(db.prisma);
    const perAccount = [];
    for (let i = 0; i < 6; i++) perAccount.push(await ask(user.email));
    expect(perAccount.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 429]);
    expect(perAccount[5]!.json.error.code).toBe("RATE_LIMITED");
    expect(Number(perAccount[5]!.headers["retry-after"])).toBeGreaterThan(0);
    expect(await resetMail(user.email)).toHaveLength(5);
    // An unknown email meets the same account limit (the limit says nothing about which emails exist).
    const ghost = [];
    for (let i = 0; i < 6; i++) ghost.push((await ask("ghost@example.test")).status);
    expect(ghost).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it("the access log never prints the reset page's token", async () => {
    const user = await createUser(db.prisma);
    await ask(user.email);
    const token = tokenOf((await resetMail(user.email))[0]!);
    const page = await request(app.port, `/reset-password?token=${token}`);
    expect(page.status).toBe(200);
    // The security headers' default comes first; browsers apply the last policy they know.
    expect(String(page.headers["referrer-policy"]).split(",").pop()!.trim()).toBe("no-referrer");
    expect(page.body).toContain('<meta name="referrer" content="no-referrer"');
    expect(page.body).toContain("Choose a new password");
    await new Promise((r) => setTimeout(r, 200));
    expect(app.logs.join("")).not.toContain(token);
  });
});
