import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { createTenant } from "./factories.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";

const db = await createTestDatabase();
let app: RunningApp;
beforeAll(async () => {
  await createTenant(db.prisma, { slug: "acme" });
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
});
afterAll(async () => app?.stop());

describe("security headers (docs/security.md 6)", () => {
  it.each([
    ["storefront", "acme.localhost", "/"],
    ["platform", "localhost", "/"],
    ["storefront API", "acme.localhost", "/api/storefront/bootstrap"],
    ["dashboard (sign-in)", "localhost", "/login"],
    ["control-plane API", "localhost", "/api/openapi.json"],
  ])("%s responses carry a nonce CSP, nosniff and a referrer policy", async (_surface, host, path) => {
    const res = await get(app, host, path);
    expect(res.status).toBe(200);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(csp).toContain("frame-ancestors");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  });

  it("stamps every inline script and style of a page with this response's nonce, fresh per request", async () => {
    const a = await get(app, "acme.localhost");
    const b = await get(app, "acme.localhost");
    const nonce = /'nonce-([^']+)'/.exec(String(a.headers["content-security-policy"]))![1]!;
    expect(String(b.headers["content-security-policy"])).not.toContain(nonce);
    const inline = [...a.body.matchAll(/<(script|style)(?![^>]*\ssrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(1);
    for (const tag of inline) expect(tag[2]).toContain(`nonce="${nonce}"`);
  });

  it.each([
    ["landing page", "/"],
    ["sign-in", "/login"],
    ["dashboard", "/dashboard"],
    ["operator console", "/ops"],
    ["control-plane API", "/api/openapi.json"],
  ])("the platform host's %s may not be framed by anyone (frame-ancestors 'none', X-Frame-Options DENY)", async (_page, path) => {
    const res = await get(app, "localhost", path);
    expect(res.status).toBeLessThan(500);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("telegram.org");
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });

  it.each([["storefront page", "/"], ["storefront API", "/api/storefront/bootstrap"]])(
    "a shop's %s may be framed by Telegram's web clients (the Mini App), and by no one else",
    async (_page, path) => {
      const res = await get(app, "acme.localhost", path);
      expect(res.status).toBe(200);
      const csp = String(res.headers["content-security-policy"]);
      expect(/frame-ancestors ([^;]+)/.exec(csp)?.[1]).toBe("'self' https://web.telegram.org https://*.telegram.org");
      expect(res.headers["x-frame-options"]).toBeUndefined();
    },
  );
});
