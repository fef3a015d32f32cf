/**
 * docs/security.md 5: a dashboard form post from another site is refused and changes nothing — both by Fetch Metadata /
 * Origin (server/http/csrf.ts) and, for browsers that send neither header, by the per-session form token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
let user: Client;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
  user = await signIn(app.port, (await createUser(db.prisma)).email);
});
afterAll(async () => app?.stop());

const form = (fields: Record<string, string>) => ({ contentType: "application/x-www-form-urlencoded", data: new URLSearchParams(fields).toString() });
const post = (headers: Record<string, string>, fields: Record<string, string>) =>
  request(app.port, "/dashboard/new", { method: "POST", headers: { cookie: user.cookieHeader(), ...headers }, raw: form(fields) });

describe("CSRF on dashboard forms", () => {
  it("refuses a cross-site post (Origin / Sec-Fetch-Site) without the token", async () => {
    const res = await post({ origin: "http://evil.example", "sec-fetch-site": "cross-site" }, { displayName: "Evil", slug: "evil-one" });
    expect(res.status).toBe(403);
    expect(await db.prisma.tenant.count({ where: { slug: "evil-one" } })).toBe(0);
  });

  it("refuses a post without the token even when the browser sends no Origin or Fetch Metadata", async () => {
    const res = await post({}, { displayName: "Evil", slug: "evil-two" });
    expect(res.status).toBe(403);
    const wrong = await post({}, { displayName: "Evil", slug: "evil-two", csrf: "x".repeat(43) });
    expect(wrong.status).toBe(403);
    expect(await db.prisma.tenant.count({ where: { slug: "evil-two" } })).toBe(0);
  });

  it("refuses a same-origin post without the session's token (the second line behind the Origin check)", async () => {
    const res = await post({ origin: "http://localhost", "sec-fetch-site": "same-origin" }, { displayName: "Evil", slug: "evil-three" });
    expect(res.status).toBe(403);
    expect(await db.prisma.tenant.count({ where: { slug: "evil-three" } })).toBe(0);
  });

  it("accepts the same post from the dashboard itself, with the session's token", async () => {
    const page = await user.get("/dashboard/new");
    const token = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
    expect(token).toBeTruthy();
    const res = await post({ origin: "http://localhost", "sec-fetch-site": "same-origin" }, { displayName: "Mine", slug: "mine-ok", type: "hosted_seller", csrf: token! });
    expect(res.status).toBe(302);
    expect(await db.prisma.tenant.count({ where: { slug: "mine-ok" } })).toBe(1);
  });
});
