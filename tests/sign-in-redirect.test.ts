/** The sign-in flow never redirects off-site and never answers 500, whatever `redirectTo` holds (app/utils/safe-redirect.ts). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser, TEST_PASSWORD } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
});
afterAll(async () => app?.stop());

const HOSTILE = [
  "//evil.example", "/\\evil.example", "/\t/evil.example", "/%09/evil.example", "/\r\n/evil.example", "/ok\r\nSet-Cookie: a=b",
  "javascript:alert(1)", "https://evil.example", "/%2F/evil.example", "/%5C/evil.example", "\\\\evil.example",
];

function expectOnSite(res: { status: number; headers: Record<string, unknown> }, input: string) {
  expect(res.status, input).toBe(302);
  const location = String(res.headers.location);
  expect(location, input).toMatch(/^\/(?![/\\])/);
  expect(new URL(location, "http://localhost").host, input).toBe("localhost");
  expect(res.headers["set-cookie"] === undefined || !String(res.headers["set-cookie"]).includes("a=b"), input).toBe(true);
}

describe("redirectTo after sign-in", () => {
  it("the sign-in form post lands on this site for every hostile redirectTo, never a 500", async () => {
    const u = await createUser(db.prisma);
    for (const redirectTo of HOSTILE) {
      const res = await request(app.port, "/login", {
        method: "POST",
        headers: { origin: "http://localhost" },
        raw: { contentType: "application/x-www-form-urlencoded", data: new URLSearchParams({ email: u.email, password: TEST_PASSWORD, redirectTo }).toString() },
      });
      expectOnSite(res, redirectTo);
      expect(res.headers.location, redirectTo).toBe("/dashboard");
    }
  });

  it("a signed-in visitor of /login?redirectTo=… is sent on within the site, never a 500", async () => {
    const c = await signIn(app.port, (await createUser(db.prisma)).email);
    for (const redirectTo of HOSTILE) {
      const res = await request(app.port, `/login?redirectTo=${encodeURIComponent(redirectTo)}`, { headers: { cookie: c.cookieHeader() } });
      expectOnSite(res, redirectTo);
    }
    const ok = await request(app.port, `/login?redirectTo=${encodeURIComponent("/account?x=1")}`, { headers: { cookie: c.cookieHeader() } });
    expect(ok.headers.location).toBe("/account?x=1");
  });
});
