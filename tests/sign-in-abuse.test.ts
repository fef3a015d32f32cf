/**
 * Sign-in abuse (docs/decisions/019-sign-in-abuse.md): one IP cannot stall every shop by making the app hash
 * passwords for ever-new email addresses, and strangers cannot lock the owner of the right password out.
 * The app trusts 127.0.0.1 as its proxy, so X-Forwarded-For sets the client IP.
 */
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser, TEST_PASSWORD } from "./factories.ts";
import { request } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
const IP_FAILURES = 20;
const PER_ACCOUNT = 3;

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", TRUSTED_PROXIES: "127.0.0.1",
    RATE_LIMIT_AUTH_IP_FAILURES_PER_15MIN: String(IP_FAILURES), RATE_LIMIT_AUTH_PER_15MIN: String(PER_ACCOUNT),
  });
});
afterAll(async () => app?.stop());

const login = (ip: string, email: string, password = "wrong-password-1") =>
  request(app.port, "/api/auth/login", { headers: { "x-forwarded-for": ip }, body: { email, password } });

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});

describe("per-IP sign-in limit across accounts", () => {
  it("200 parallel failed sign-ins with distinct emails from one IP: the excess gets 429 + Retry-After before any hashing", async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => login("203.0.113.7", `nobody${i}@example.test`)));
    expect(tally(results.map((r) => r.status))).toEqual({ 401: IP_FAILURES, 429: 200 - IP_FAILURES });
    for (const r of results.filter((x) => x.status === 429)) {
      expect(Number(r.headers["retry-after"])).toBeGreaterThan(0);
      expect(r.json.error.code).toBe("RATE_LIMITED");
    }
    // Another client IP is not affected.
    const u = await createUser(db.prisma);
    expect((await login("203.0.113.8", u.email, TEST_PASSWORD)).status).toBe(200);
  });

  it("sign-ins in flight never take every libuv thread: a static file is served while 40 passwords are being hashed", async () => {
    const asset = readdirSync("public/build").find((f) => /^entry\.client-.*\.js$/.test(f));
    expect(asset).toBeTruthy();
    let settled = false;
    const flood = Promise.all(
      Array.from({ length: 2 * IP_FAILURES }, (_, i) => login(i % 2 ? "198.51.100.1" : "198.51.100.2", `flood${i}@example.test`)),
    ).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    const res = await request(app.port, `/build/${asset}`, { headers: { "accept-encoding": "gzip" } });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(settled, "the sign-ins should still be hashing when the file arrives").toBe(false);
    expect(elapsed).toBeLessThan(1000);
    expect(tally((await flood).map((r) => r.status))).toEqual({ 401: 2 * IP_FAILURES });
  });
});

describe("no lockout of the right password (progressive delay instead)", () => {
  it("after failures from several attacker IPs, the right password from another IP signs in, after a delay", async () => {
    const victim = await createUser(db.prisma);
    const attackers = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"];
    const results = await Promise.all(attackers.flatMap((ip) => Array.from({ length: PER_ACCOUNT }, () => login(ip, victim.email))));
    expect(tally(results.map((r) => r.status))).toEqual({ 401: attackers.length * PER_ACCOUNT });
    // One attacker IP on one account still meets its limit.
    const again = await login(attackers[0]!, victim.email);
    expect(again.status).toBe(429);
    expect(Number(again.headers["retry-after"])).toBeGreaterThan(0);
    // The owner elsewhere gets in, though not instantly.
    const started = performance.now();
    const owner = await login("192.0.2.99", victim.email, TEST_PASSWORD);
    expect(owner.status, owner.body).toBe(200);
    expect(performance.now() - started).toBeGreaterThan(500);
    // And the right password from an attacker IP is still refused while its limit lasts.
    expect((await login(attackers[1]!, victim.email, TEST_PASSWORD)).status).toBe(429);
  });
});
