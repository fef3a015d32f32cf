/**
 * docs/security.md 5, for the control-plane API: a cookie-authenticated write is refused unless it proves it came
 * from the platform's own pages (Origin or Referer), whatever its content type. Raw-body routes (CSV import,
 * uploads) have no JSON content-type check behind them, and a sibling shop's subdomain is same-site, so SameSite=Lax
 * does not keep the session cookie off a form post from it.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { PNG_1x1 } from "./images.ts";

const db = await createTestDatabase();
const UPLOADS = path.join("/tmp", `sf-uploads-${db.name}`);
let app: RunningApp;
let owner: Client;
let tenantId: string;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", UPLOADS_DIR: UPLOADS });
  owner = await signIn(app.port, (await createUser(db.prisma)).email);
  tenantId = (await owner.post("/api/tenants", { slug: "victim", displayName: "Victim" })).json.data.id;
});
afterAll(async () => {
  await app?.stop();
  rmSync(UPLOADS, { recursive: true, force: true });
});

const CSV = "title,price,stock,category\nForged,1.00,1,Evil\n";
const BOUNDARY = "----csrfboundary";
/** The bodies a cross-site HTML form (or a no-cors fetch) can send without a CORS preflight. */
const SIMPLE_BODIES = {
  "text/plain": { contentType: "text/plain", data: CSV },
  urlencoded: { contentType: "application/x-www-form-urlencoded", data: new URLSearchParams({ [CSV]: "" }).toString() },
  multipart: {
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
    data: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n${CSV}\r\n--${BOUNDARY}--\r\n`,
  },
} as const;

const importPath = () => `/api/tenants/${tenantId}/catalog/import`;
const uploadPath = () => `/api/tenants/${tenantId}/uploads?purpose=item_image`;
const post = (p: string, raw: { contentType: string; data: string }, headers: Record<string, string>) =>
  request(app.port, p, { method: "POST", headers: { cookie: owner.cookieHeader(), ...headers }, raw });
const written = async () => ({ items: await db.prisma.catalogItem.count({ where: { tenantId } }), uploads: await db.prisma.upload.count({ where: { tenantId } }) });

const CROSS_SITE = { origin: "http://evil.example", "sec-fetch-site": "cross-site" };
// A shop's subdomain is the same site as the platform host: SameSite=Lax sends the cookie from it.
const SIBLING_SHOP = { origin: "http://evil-shop.localhost", "sec-fetch-site": "same-site" };

describe("CSRF on cookie-authenticated API writes", () => {
  it.each(Object.entries(SIMPLE_BODIES))("refuses a cross-site %s post to the catalog import and to an upload route, writing nothing", async (_kind, raw) => {
    const before = await written();
    for (const p of [importPath(), uploadPath()]) {
      const res = await post(p, raw, CROSS_SITE);
      expect([res.status, res.json?.error?.code], res.body).toEqual([403, "CSRF_REJECTED"]);
    }
    expect(await written()).toEqual(before);
  });

  it.each(Object.entries(SIMPLE_BODIES))("refuses a %s post from a sibling shop's subdomain (same-site, other host)", async (_kind, raw) => {
    const before = await written();
    for (const p of [importPath(), uploadPath()]) {
      const res = await post(p, raw, SIBLING_SHOP);
      expect([res.status, res.json?.error?.code], res.body).toEqual([403, "CSRF_REJECTED"]);
      // Without Fetch Metadata (older browsers) the Origin alone decides.
      const originOnly = await post(p, raw, { origin: SIBLING_SHOP.origin });
      expect([originOnly.status, originOnly.json?.error?.code]).toEqual([403, "CSRF_REJECTED"]);
    }
    expect(await written()).toEqual(before);
  });

  it("refuses a cookie-authenticated write that proves no origin at all, and one from an opaque origin", async () => {
    const before = await written();
    for (const headers of [{}, { origin: "null" }, { referer: "http://evil-shop.localhost/page" }] as Array<Record<string, string>>) {
      const res = await post(importPath(), { contentType: "text/csv", data: CSV }, headers);
      expect([res.status, res.json?.error?.code]).toEqual([403, "CSRF_REJECTED"]);
    }
    // JSON writes are held to the same rule (the JSON check stays behind it as a second line).
    const json = await request(app.port, `/api/tenants/${tenantId}/catalog/items`, {
      method: "POST", headers: { cookie: owner.cookieHeader(), ...SIBLING_SHOP }, body: { title: "Forged", price: "1.00" },
    });
    expect([json.status, json.json?.error?.code]).toEqual([403, "CSRF_REJECTED"]);
    expect(await written()).toEqual(before);
  });

  it("accepts the same writes from the platform's own pages (Origin, or Referer when Origin is absent)", async () => {
    const before = await written();
    const csv = await post(importPath(), { contentType: "text/csv", data: CSV }, { origin: "http://localhost", "sec-fetch-site": "same-origin" });
    expect(csv.status, csv.body).toBe(200);
    const png = await request(app.port, uploadPath(), {
      method: "POST", headers: { cookie: owner.cookieHeader(), referer: "http://localhost/dashboard" }, raw: { contentType: "image/png", data: PNG_1x1 as unknown as string },
    });
    expect(png.status, png.body).toBe(201);
    expect(await written()).toEqual({ items: before.items + 1, uploads: before.uploads + 1 });
  });

  it("a Bearer-token call needs no Origin, even with a stray cookie; storefront JSON without a session is untouched", async () => {
    const token = (await owner.post("/api/tokens", { name: "ci" })).json.data.token as string;
    const res = await request(app.port, importPath(), {
      method: "POST", headers: { authorization: `Bearer ${token}`, cookie: owner.cookieHeader() }, raw: { contentType: "text/csv", data: "title,price\nBy token,2.00\n" },
    });
    expect(res.status, res.body).toBe(200);
    // A sign-in carries no session yet: it is not held to the session rule.
    const fresh = await request(app.port, "/api/auth/login", { body: { email: "nobody@example.test", password: "x".repeat(12) } });
    expect(fresh.status).toBe(401);
  });
});
