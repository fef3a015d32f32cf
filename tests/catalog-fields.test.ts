/**
 * Issue 22 point 6: SKU (unique per shop, any case), compare-at price, weight, SEO fields, readable item URLs with
 * 301s from ids and old slugs, cross-tenant slugs, and the CSV import's image_url through the SSRF guard (the
 * import's own refusals; tests/remote-image.test.ts covers the guard in depth).
 */
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { PNG_1x1 } from "./images.ts";
import { startImageServer } from "./image-server.ts";

const db = await createTestDatabase();
const UPLOADS = path.join("/tmp", `sf-uploads-${db.name}`);
let app: RunningApp;
let owner: Client;
let a: string;
let b: string;
let images: Awaited<ReturnType<typeof startImageServer>>;
let internal: Awaited<ReturnType<typeof startImageServer>>;
const png = { headers: { "content-type": "image/png" }, body: PNG_1x1 };

async function shop(slug: string, op: Client) {
  const id = (await owner.post("/api/tenants", { slug, displayName: slug })).json.data.id as string;
  await op.post(`/api/tenants/${id}/activate`, { reason: "catalog fields tests" });
  return id;
}
const create = (t: string, body: Record<string, unknown>) => owner.post(`/api/tenants/${t}/catalog/items`, { price: "10.00", ...body });
const page = (host: string, p: string) => get(app, `${host}.localhost`, p);
const importCsv = (t: string, csv: string) =>
  request(app.port, `/api/tenants/${t}/catalog/import`, { method: "POST", headers: { cookie: owner.cookieHeader(), origin: "http://localhost" }, raw: { contentType: "text/csv", data: csv } });

beforeAll(async () => {
  internal = await startImageServer({ "/secret.png": png });
  images = await startImageServer({ "/mug.png": png, "/to-internal": { status: 302, headers: { location: `${internal.origin}/secret.png` } } });
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", UPLOADS_DIR: UPLOADS, RATE_LIMIT_STOREFRONT_PER_MIN: "100000",
    // Only the test image server's exact ip:port; the "internal" one stays forbidden like any loopback address.
    IMAGE_FETCH_TEST_ALLOW: `127.0.0.1:${images.port}`,
  });
  owner = await signIn(app.port, (await createUser(db.prisma)).email);
  const op = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
  a = await shop("fielda", op);
  b = await shop("fieldb", op);
});
afterAll(async () => {
  await app?.stop();
  await images?.stop();
  await internal?.stop();
  rmSync(UPLOADS, { recursive: true, force: true });
});

describe("SKU, compare-at price, weight, SEO", () => {
  it("keeps SKUs unique per shop regardless of case, while two shops may share one", async () => {
    expect((await create(a, { title: "Sku one", sku: "AB-1" })).status).toBe(201);
    const dup = await create(a, { title: "Sku two", sku: "ab-1" });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe("SKU_TAKEN");
    expect((await create(b, { title: "Other shop", sku: "AB-1" })).status).toBe(201);
    const other = (await create(a, { title: "Sku three", sku: "AB-2" })).json.data;
    const patch = await owner.patch(`/api/tenants/${a}/catalog/items/${other.id}`, { version: other.version, sku: "Ab-1" });
    expect(patch.status).toBe(409);
    // The database holds the line even past the service's check.
    await expect(db.prisma.catalogItem.create({ data: { tenantId: a, title: "raw", price: "1", sku: "AB-1" } })).rejects.toThrow();
    expect(await db.prisma.catalogItem.count({ where: { tenantId: a, sku: { equals: "ab-1", mode: "insensitive" } } })).toBe(1);
  });

  it("lets one of several concurrent creates with the same SKU win; the others get 409, never a 500", async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => create(a, { title: `Race ${n}`, sku: n % 2 ? "RACE-1" : "race-1" })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(new Set(results.filter((r) => r.status === 409).map((r) => r.json.error.code))).toEqual(new Set(["SKU_TAKEN"]));
  });

  it("refuses a compare-at price not above the price, on create and on a patch of either", async () => {
    const low = await create(a, { title: "Cheap", price: "10.00", compareAtPrice: "10" });
    expect(low.status).toBe(400);
    expect(low.json.error.code).toBe("VALIDATION_ERROR");
    const ok = (await create(a, { title: "Sale mug", price: "10.00", compareAtPrice: "14.50", weightGrams: 350 })).json.data;
    expect([ok.compareAtPrice, ok.weightGrams]).toEqual(["14.5", 350]);
    const raised = await owner.patch(`/api/tenants/${a}/catalog/items/${ok.id}`, { version: ok.version, price: "20.00" });
    expect(raised.status).toBe(400);
    expect((await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: ok.id } })).price.toString()).toBe("10");
    await expect(db.prisma.catalogItem.update({ where: { id: ok.id }, data: { compareAtPrice: "5" } })).rejects.toThrow(/compare_at_price/);
    // The storefront shows it struck through.
    const html = (await page("fielda", `/items/${ok.slug}`)).body;
    expect(html).toMatch(/<s[^>]*data-testid="item-compare-at"[^>]*>[^<]*14\.50/);
  });

  it("uses the SEO title and description in the item page's <title> and meta description, within their limits", async () => {
    expect((await create(a, { title: "Long", seoTitle: "x".repeat(71) })).status).toBe(400);
    expect((await create(a, { title: "Long", seoDescription: "x".repeat(161) })).status).toBe(400);
    const item = (await create(a, { title: "Plain lamp", description: "A lamp.", seoTitle: "Brass desk lamp, hand made", seoDescription: "A warm brass lamp for your desk." })).json.data;
    const html = (await page("fielda", `/items/${item.slug}`)).body;
    expect(html).toMatch(/<title>Brass desk lamp, hand made · fielda<\/title>/);
    expect(html).toContain(`<meta name="description" content="A warm brass lamp for your desk."`);
  });
});

describe("readable item URLs", () => {
  it("makes slugs from titles, suffixed on collision, Persian letters kept", async () => {
    const one = (await create(a, { title: "Blue Mug!" })).json.data;
    const two = (await create(a, { title: "blue   mug" })).json.data;
    const fa = (await create(a, { title: "شمع معطر" })).json.data;
    expect([one.slug, two.slug, fa.slug]).toEqual(["blue-mug", "blue-mug-2", "شمع-معطر"]);
    const res = await page("fielda", `/items/${encodeURIComponent(fa.slug)}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain("شمع معطر");
    expect((await create(a, { title: "x", slug: "Not A Slug" })).status).toBe(400);
    // A row written without a slug (manifests, seeds) gets one from the database trigger, past the taken ones.
    expect((await db.prisma.catalogItem.create({ data: { tenantId: a, title: "Blue mug", price: "1" } })).slug).toBe("blue-mug-3");
    const taken = await create(a, { title: "x", slug: "blue-mug" });
    expect([taken.status, taken.json.error.code]).toEqual([409, "SLUG_TAKEN"]);
  });

  it("redirects the old /items/<uuid> link and a renamed slug with 301, and lists slugs in the sitemap and cards", async () => {
    const item = (await create(a, { title: "Green Vase" })).json.data;
    const byId = await page("fielda", `/items/${item.id}?ref=x`);
    expect([byId.status, byId.headers.location]).toEqual([301, "/items/green-vase?ref=x"]);
    const renamed = await owner.patch(`/api/tenants/${a}/catalog/items/${item.id}`, { version: item.version, slug: "vase-green" });
    expect(renamed.json.data.slug).toBe("vase-green");
    const old = await page("fielda", "/items/green-vase");
    expect([old.status, old.headers.location]).toEqual([301, "/items/vase-green"]);
    expect((await page("fielda", `/items/${item.id}`)).headers.location).toBe("/items/vase-green");
    expect((await page("fielda", "/items/vase-green")).status).toBe(200);
    // A new item does not take the old slug (its links keep redirecting); it gets a suffix.
    expect((await create(a, { title: "Green vase" })).json.data.slug).toBe("green-vase-2");
    const sitemap = (await page("fielda", "/sitemap.xml")).body;
    expect(sitemap).toContain("/items/vase-green</loc>");
    expect(sitemap).not.toContain(item.id);
    expect((await page("fielda", "/")).body).toContain('href="/items/vase-green"');
  });

  it("answers 404 for another shop's slug, old slug or id on this shop's host", async () => {
    const item = (await create(a, { title: "Only in A" })).json.data;
    await owner.patch(`/api/tenants/${a}/catalog/items/${item.id}`, { version: item.version, slug: "only-in-a-now" });
    for (const p of ["/items/only-in-a-now", "/items/only-in-a", `/items/${item.id}`]) {
      expect((await page("fieldb", p)).status, p).toBe(404);
      expect((await page("fielda", p)).status, p).not.toBe(404);
    }
    expect((await page("fielda", "/items/no-such-thing")).status).toBe(404);
  });
});

describe("CSV import with the new columns and image_url", () => {
  const header = "title,price,sku,compare_at_price,weight_grams,seo_title,slug,image_url";
  const files = () => {
    try {
      return readdirSync(path.join(UPLOADS, b)).length;
    } catch {
      return 0;
    }
  };

  it("imports the new columns and fetches the image once into the shop's storage", async () => {
    const csv = `${header}\nCsv Mug,12.00,CSV-1,15.00,400,Mug for tea,csv-mug,${images.origin}/mug.png\nCsv Cup,8,CSV-2,,,,,${images.origin}/mug.png\n`;
    const res = await importCsv(b, csv);
    expect(res.status, res.body).toBe(200);
    expect(res.json.data.imported).toBe(2);
    expect(images.hits.filter((h) => h === "/mug.png")).toHaveLength(1); // one distinct URL, one download
    const mug = await db.prisma.catalogItem.findFirstOrThrow({ where: { tenantId: b, sku: "CSV-1" }, include: { images: { include: { upload: true } } } });
    expect([mug.slug, mug.compareAtPrice?.toString(), mug.weightGrams, mug.seoTitle]).toEqual(["csv-mug", "15", 400, "Mug for tea"]);
    expect(mug.images[0]?.upload.key.startsWith(`${b}/`)).toBe(true);
    expect(files()).toBe(1);
  });

  it("refuses http://127.0.0.1/…, http://10.0.0.1/… and a redirect to loopback: nothing imported, nothing stored", async () => {
    const before = await db.prisma.catalogItem.count({ where: { tenantId: b } });
    const csv = [
      header,
      `Ok,1,,,,,,${images.origin}/mug.png`,
      `Loop,1,,,,,,http://127.0.0.1:${internal.port}/secret.png`,
      "Ten,1,,,,,,http://10.0.0.1/x.png",
      `Hop,1,,,,,,${images.origin}/to-internal`,
      "",
    ].join("\n");
    const res = await importCsv(b, csv);
    expect(res.status).toBe(422);
    const errors = res.json.error.details.errors as Array<{ row: number; messages: string[] }>;
    expect(errors.map((e) => e.row)).toEqual([3, 4, 5]);
    expect(errors[0]!.messages[0]).toMatch(/^image_url: .*127\.0\.0\.1/);
    expect(errors[1]!.messages[0]).toMatch(/10\.0\.0\.1/);
    expect(errors[2]!.messages[0]).toMatch(/127\.0\.0\.1/);
    expect(internal.hits).toEqual([]);
    expect(await db.prisma.catalogItem.count({ where: { tenantId: b } })).toBe(before);
    expect(files()).toBe(1); // the OK row's download was discarded again
  });

  it("refuses a compare-at price below the price (422, by row) and a SKU the shop already uses (409)", async () => {
    const low = await importCsv(b, `${header}\nLow,5,,4,,,,\n`);
    expect([low.status, low.json.error.details.errors[0].row]).toEqual([422, 2]);
    const dup = await importCsv(b, `${header}\nDup,1,csv-1,,,,,\n`);
    expect([dup.status, dup.json.error.code]).toEqual([409, "SKU_TAKEN"]);
  });
});
