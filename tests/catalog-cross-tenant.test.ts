/**
 * docs/security.md 1 for catalog items, images and uploads: tenant A's owner (and A's host) can neither read, change,
 * delete nor list B's, by B's ids through A's paths, through B's paths, on A's host or via the public API. The
 * database and the file store are checked after the calls.
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

const db = await createTestDatabase();
const UPLOADS = path.join("/tmp", `sf-uploads-${db.name}`);
let app: RunningApp;
let ownerA: Client;
let ownerB: Client;
let a: string;
let b: string;
let bItem: { id: string; version: number; images: { url: string; uploadId: string }[] };
let aUpload: { id: string };

async function shop(owner: Client, slug: string, op: Client) {
  const id = (await owner.post("/api/tenants", { slug, displayName: slug })).json.data.id;
  await op.post(`/api/tenants/${id}/activate`, { reason: "cross-tenant tests" });
  return id as string;
}
const uploadTo = (c: Client, t: string) =>
  request(app.port, `/api/tenants/${t}/uploads`, { method: "POST", headers: { cookie: c.cookieHeader(), origin: "http://localhost" }, raw: { contentType: "image/png", data: PNG_1x1 as unknown as string } });

async function snapshotB() {
  const [items, images, uploads] = await Promise.all([
    db.prisma.catalogItem.findMany({ where: { tenantId: b }, orderBy: { id: "asc" } }),
    db.prisma.catalogItemImage.findMany({ where: { tenantId: b }, orderBy: { id: "asc" } }),
    db.prisma.upload.findMany({ where: { tenantId: b }, orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ items, images, uploads, files: readdirSync(path.join(UPLOADS, b)).sort() });
}

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", UPLOADS_DIR: UPLOADS });
  const op = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
  ownerA = await signIn(app.port, (await createUser(db.prisma)).email);
  ownerB = await signIn(app.port, (await createUser(db.prisma)).email);
  a = await shop(ownerA, "alpha", op);
  b = await shop(ownerB, "bravo", op);
  const bUpload = (await uploadTo(ownerB, b)).json.data;
  bItem = (await ownerB.post(`/api/tenants/${b}/catalog/items`, { title: "Bravo Secret Item", price: "5", stock: 5, imageIds: [bUpload.id] })).json.data;
  await ownerB.post(`/api/tenants/${b}/catalog/items`, { title: "Bravo Draft", price: "5", active: false });
  aUpload = (await uploadTo(ownerA, a)).json.data;
});
afterAll(async () => {
  await app?.stop();
  rmSync(UPLOADS, { recursive: true, force: true });
});

describe("catalog cross-tenant", () => {
  it("A's owner cannot touch B's items or uploads through B's paths", async () => {
    const before = await snapshotB();
    const p = `/api/tenants/${b}`;
    for (const [method, url, body] of [
      ["GET", `${p}/catalog/items`], ["POST", `${p}/catalog/items`, { title: "x", price: "1" }], ["GET", `${p}/catalog/items/${bItem.id}`],
      ["PATCH", `${p}/catalog/items/${bItem.id}`, { version: bItem.version, title: "pwned" }], ["DELETE", `${p}/catalog/items/${bItem.id}`],
      ["POST", `${p}/catalog/items/${bItem.id}/stock`, { delta: -5 }], ["GET", `${p}/catalog/categories`], ["GET", `${p}/uploads`],
      ["DELETE", `${p}/uploads/${bItem.images[0]!.uploadId}`],
    ] as Array<[string, string, unknown?]>) {
      const res = await ownerA.call(method, url, body);
      expect([403, 404], `${method} ${url}`).toContain(res.status);
      expect(res.body).not.toContain("Bravo Secret Item");
    }
    expect((await uploadTo(ownerA, b)).status).toBe(404);
    expect(await snapshotB()).toBe(before);
  });

  it("A's paths with B's ids find nothing, and A cannot attach B's upload or A's upload to B's item", async () => {
    const before = await snapshotB();
    const p = `/api/tenants/${a}`;
    expect((await ownerA.get(`${p}/catalog/items/${bItem.id}`)).status).toBe(404);
    expect((await ownerA.patch(`${p}/catalog/items/${bItem.id}`, { version: bItem.version, title: "pwned" })).status).toBe(404);
    expect((await ownerA.del(`${p}/catalog/items/${bItem.id}`)).status).toBe(404);
    expect((await ownerA.post(`${p}/catalog/items/${bItem.id}/stock`, { delta: -5 })).status).toBe(404);
    expect((await ownerA.del(`${p}/uploads/${bItem.images[0]!.uploadId}`)).status).toBe(404);
    const steal = await ownerA.post(`${p}/catalog/items`, { title: "Thief", price: "1", imageIds: [bItem.images[0]!.uploadId] });
    expect([steal.status, steal.json.error.code]).toEqual([404, "UPLOAD_NOT_FOUND"]);
    expect(await db.prisma.catalogItem.count({ where: { tenantId: a, title: "Thief" } })).toBe(0);
    const list = await ownerA.get(`${p}/catalog/items?status=all`);
    expect(list.body).not.toContain("Bravo");
    // The database itself refuses an image row joining A's upload to B's item (composite foreign keys).
    await expect(db.prisma.catalogItemImage.create({ data: { tenantId: b, itemId: bItem.id, uploadId: aUpload.id } })).rejects.toThrow();
    await expect(db.prisma.catalogItemImage.create({ data: { tenantId: a, itemId: bItem.id, uploadId: aUpload.id } })).rejects.toThrow();
    expect(await snapshotB()).toBe(before);
  });

  it("A's host never serves B's items or files; the public API lists only the host's tenant", async () => {
    const bFile = bItem.images[0]!.url;
    expect((await get(app, "bravo.localhost", bFile)).status).toBe(200);
    expect((await get(app, "alpha.localhost", bFile)).status).toBe(404);
    expect((await get(app, "localhost", bFile)).status).toBe(404);
    expect((await request(app.port, `/api/storefront/items/${bItem.id}`, { host: "alpha.localhost" })).status).toBe(404);
    const aList = await request(app.port, "/api/storefront/catalog", { host: "alpha.localhost" });
    expect(aList.json.data.items).toEqual([]);
    // A client header naming another tenant changes nothing.
    const spoof = await request(app.port, "/api/storefront/catalog", { host: "alpha.localhost", headers: { "x-tenant-id": b } });
    expect(spoof.body).not.toContain("Bravo");
    const bList = await request(app.port, "/api/storefront/catalog", { host: "bravo.localhost" });
    expect(bList.json.data.items.map((i: { title: string }) => i.title)).toEqual(["Bravo Secret Item"]);
  });
});
