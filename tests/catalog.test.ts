import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { HTML_PAGE, JPEG_HEADER, PNG_1x1, SVG_WITH_SCRIPT } from "./images.ts";

const db = await createTestDatabase();
const UPLOADS = path.join("/tmp", `sf-uploads-${db.name}`);
let app: RunningApp;
let owner: Client;
let operator: Client;
let tenantId: string;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", UPLOADS_DIR: UPLOADS, RATE_LIMIT_STOREFRONT_PER_MIN: "100000" });
  owner = await signIn(app.port, (await createUser(db.prisma)).email);
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
  tenantId = (await owner.post("/api/tenants", { slug: "cat", displayName: "Cat Shop" })).json.data.id;
  await operator.post(`/api/tenants/${tenantId}/activate`, { reason: "catalog tests" });
});
afterAll(async () => {
  await app?.stop();
  rmSync(UPLOADS, { recursive: true, force: true });
});

export async function upload(c: Client, tenant: string, bytes: Buffer, purpose = "item_image", filenameType = "image/jpeg") {
  return request(app.port, `/api/tenants/${tenant}/uploads?purpose=${purpose}`, {
    method: "POST",
    headers: { cookie: c.cookieHeader(), origin: "http://localhost" },
    raw: { contentType: filenameType, data: bytes as unknown as string },
  });
}

const item = (over: Record<string, unknown> = {}) => ({ title: "Thing", price: "10.00", ...over });

describe("uploads (docs/security.md 12)", () => {
  it("stores a PNG sent as a .jpg as PNG, under the tenant's prefix with a random name, served with nosniff", async () => {
    const res = await upload(owner, tenantId, PNG_1x1, "item_image", "image/jpeg");
    expect(res.status, res.body).toBe(201);
    expect(res.json.data.contentType).toBe("image/png");
    expect(res.json.data.key).toMatch(new RegExp(`^${tenantId}/[A-Za-z0-9_-]{24}\\.png$`));
    expect(readFileSync(path.join(UPLOADS, res.json.data.key)).equals(PNG_1x1)).toBe(true);
    const served = await get(app, "cat.localhost", res.json.data.url);
    expect(served.status).toBe(200);
    expect(served.headers["content-type"]).toBe("image/png");
    expect(served.headers["x-content-type-options"]).toBe("nosniff");
    // The database refuses a stored file outside its tenant's prefix, or of a type the sniffer never produces.
    const base = { tenantId, size: 1, sha256: "x", purpose: "item_image" as const };
    await expect(db.prisma.upload.create({ data: { ...base, key: `00000000-0000-0000-0000-000000000000/x.png`, contentType: "image/png" } })).rejects.toThrow(/uploads_key_prefix_ck/);
    await expect(db.prisma.upload.create({ data: { ...base, key: `${tenantId}/y.svg`, contentType: "image/svg+xml" } })).rejects.toThrow(/uploads_content_type_ck/);
  });

  it("refuses HTML named .png, SVG with script and oversized files with clear errors, storing nothing", async () => {
    const before = await db.prisma.upload.count();
    const files = () => (existsSync(path.join(UPLOADS, tenantId)) ? readdirSync(path.join(UPLOADS, tenantId)).length : 0);
    const filesBefore = files();
    const html = await upload(owner, tenantId, HTML_PAGE, "item_image", "image/png");
    expect([html.status, html.json.error.code]).toEqual([415, "UPLOAD_TYPE_REFUSED"]);
    const svg = await upload(owner, tenantId, SVG_WITH_SCRIPT, "logo", "image/svg+xml");
    expect([svg.status, svg.json.error.code]).toEqual([415, "UPLOAD_TYPE_REFUSED"]);
    expect(svg.json.error.message).toMatch(/SVG/);
    const big = await upload(owner, tenantId, Buffer.concat([JPEG_HEADER, Buffer.alloc(1024 * 1024 + 10)]), "logo");
    expect([big.status, big.json.error.code]).toEqual([413, "UPLOAD_TOO_LARGE"]);
    expect(big.json.error.message).toMatch(/limit is 1 MB/);
    const huge = await upload(owner, tenantId, Buffer.concat([JPEG_HEADER, Buffer.alloc(6 * 1024 * 1024)]));
    expect(huge.status).toBe(413);
    expect(await db.prisma.upload.count()).toBe(before);
    expect(files()).toBe(filesBefore);
  });
});

describe("catalog API", () => {
  it("creates items with images; validates price; stock adjustments are atomic and never go below zero", async () => {
    const img = (await upload(owner, tenantId, PNG_1x1)).json.data;
    const created = await owner.post(`/api/tenants/${tenantId}/catalog/items`, item({ title: "Lamp", price: "49.90", stock: 3, category: "Home", imageIds: [img.id] }));
    expect(created.status, created.body).toBe(201);
    expect(created.json.data.images[0].url).toBe(img.url);
    const bad = await owner.post(`/api/tenants/${tenantId}/catalog/items`, item({ price: "1e3" }));
    expect([bad.status, bad.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
    const id = created.json.data.id;
    const results = await Promise.all(Array.from({ length: 5 }, () => owner.post(`/api/tenants/${tenantId}/catalog/items/${id}/stock`, { delta: -1 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 409, 409]);
    expect((await db.prisma.catalogItem.findUniqueOrThrow({ where: { id } })).stock).toBe(0);
    await expect(db.prisma.$executeRaw`UPDATE catalog_items SET stock = -1 WHERE id = ${id}::uuid`).rejects.toThrow(/catalog_items_stock_ck/);
  });

  it("search and category filter return exactly the matching active items", async () => {
    const t = (await owner.post("/api/tenants", { slug: "search", displayName: "Search" })).json.data.id;
    await operator.post(`/api/tenants/${t}/activate`, { reason: "search tests" });
    for (const [title, category, active] of [
      ["Red Wool Scarf", "Winter", true], ["Blue Wool Hat", "Winter", true], ["Red Sun Hat", "Summer", true], ["Red Wool Gloves", "Winter", false],
    ] as const) {
      await owner.post(`/api/tenants/${t}/catalog/items`, item({ title, category, active }));
    }
    const titles = async (qs: string) => (await request(app.port, `/api/storefront/catalog?${qs}`, { host: "search.localhost" })).json.data.items.map((i: { title: string }) => i.title).sort();
    expect(await titles("q=red%20wool")).toEqual(["Red Wool Scarf"]);
    expect(await titles("q=HAT")).toEqual(["Blue Wool Hat", "Red Sun Hat"]);
    expect(await titles("category=Winter")).toEqual(["Blue Wool Hat", "Red Wool Scarf"]);
    expect(await titles("category=Winter&q=red")).toEqual(["Red Wool Scarf"]);
    // The merchant sees inactive items when asking for them; buyers never do.
    const merchant = await owner.get(`/api/tenants/${t}/catalog/items?status=inactive`);
    expect(merchant.json.data.items.map((i: { title: string }) => i.title)).toEqual(["Red Wool Gloves"]);
  });

  it("keyset pagination is stable under concurrent inserts: no item twice, none skipped", async () => {
    const t = (await owner.post("/api/tenants", { slug: "pages", displayName: "Pages" })).json.data.id;
    await operator.post(`/api/tenants/${t}/activate`, { reason: "pagination tests" });
    for (let i = 0; i < 25; i++) await owner.post(`/api/tenants/${t}/catalog/items`, item({ title: `Item ${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let inserted = 0;
    do {
      const qs: string = `limit=7${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await request(app.port, `/api/storefront/catalog?${qs}`, { host: "pages.localhost" })).json.data;
      seen.push(...page.items.map((i: { title: string }) => i.title));
      cursor = page.nextCursor;
      // New items arrive between page loads (they are newer, so they belong before the first page).
      await owner.post(`/api/tenants/${t}/catalog/items`, item({ title: `Late ${inserted++}` }));
    } while (cursor);
    expect(seen.filter((s) => s.startsWith("Item"))).toHaveLength(25);
    expect(new Set(seen).size).toBe(seen.length);
    const over = await request(app.port, "/api/storefront/catalog?limit=1000", { host: "pages.localhost" });
    expect([over.status, over.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
  });

  it("an archived or inactive item never reaches the storefront JSON", async () => {
    const active = (await owner.post(`/api/tenants/${tenantId}/catalog/items`, item({ title: "Visible" }))).json.data;
    const hidden = (await owner.post(`/api/tenants/${tenantId}/catalog/items`, item({ title: "Draft", active: false }))).json.data;
    const archived = (await owner.post(`/api/tenants/${tenantId}/catalog/items`, item({ title: "Old" }))).json.data;
    expect((await owner.del(`/api/tenants/${tenantId}/catalog/items/${archived.id}`)).status).toBe(200);
    const list = (await request(app.port, "/api/storefront/catalog?limit=100", { host: "cat.localhost" })).json.data.items.map((i: { id: string }) => i.id);
    expect(list).toContain(active.id);
    expect(list).not.toContain(hidden.id);
    expect(list).not.toContain(archived.id);
    expect((await request(app.port, `/api/storefront/items/${hidden.id}`, { host: "cat.localhost" })).status).toBe(404);
    expect((await request(app.port, `/api/storefront/items/${archived.id}`, { host: "cat.localhost" })).status).toBe(404);
    const pub = (await request(app.port, `/api/storefront/items/${active.id}`, { host: "cat.localhost" })).json.data;
    expect(Object.keys(pub).sort()).toEqual(["category", "compareAtPrice", "currency", "description", "id", "images", "inStock", "kind", "maxQuantity", "price", "seoDescription", "seoTitle", "slug", "title"]);
  });

  it("CSV import: a file with a bad row imports nothing and reports the row; a good file imports every row", async () => {
    const csv = (body: string) =>
      request(app.port, `/api/tenants/${tenantId}/catalog/import`, { method: "POST", headers: { cookie: owner.cookieHeader(), origin: "http://localhost" }, raw: { contentType: "text/csv", data: body } });
    const before = await db.prisma.catalogItem.count({ where: { tenantId } });
    const bad = await csv("title,price,stock,category\nCandle,12.50,4,Home\n,3.00,1,Home\nMug,abc,2,Kitchen\n");
    expect([bad.status, bad.json.error.code]).toEqual([422, "IMPORT_INVALID"]);
    expect(bad.json.error.details.errors.map((e: { row: number }) => e.row)).toEqual([3, 4]);
    expect(bad.json.error.details.errors[1].messages.join()).toMatch(/price/);
    expect(await db.prisma.catalogItem.count({ where: { tenantId } })).toBe(before);
    const good = await csv("title,price,stock,category,kind\nCandle,12.50,4,Home,physical\nE-book,5,,Books,digital\n");
    expect(good.status, good.body).toBe(200);
    expect(good.json.data.imported).toBe(2);
    expect(await db.prisma.catalogItem.count({ where: { tenantId } })).toBe(before + 2);
  });
});

describe("CSV report", () => {
  it("lists every problem of a row at once", async () => {
    const { parseCatalogCsv } = await import("#server/catalog/index.ts");
    const { report } = parseCatalogCsv("title,price,stock,kind\n,abc,-2,boat\n");
    const messages = report.errors[0]!.messages.join(" | ");
    expect(messages).toMatch(/stock/);
    expect(messages).toMatch(/price/);
    expect(messages).toMatch(/title/);
    expect(messages).toMatch(/kind/);
  });
});
