/**
 * Issue 22 point 1 (ADR 039): digital delivery. A paid order's file downloads through a signed link on its shop's
 * host within its limit and expiry and fails after (403/410, typed); another shop's host answers 404; 50 concurrent
 * paid orders of a keyed item draw 50 distinct keys and a 51st is refused at checkout; on escrow, opening the
 * content confirms delivery exactly once. The new tables and routes are tenant-scoped (cross-tenant checks).
 */
import http from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signDownload } from "#server/digital/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createShop, httpBuyer, httpMember, moneyHarness, newKey, placeOrder, sql } from "./money-fixture.ts";
import { request, type Client } from "./http.ts";

const db = await createTestDatabase();
const { money, config } = moneyHarness(db);
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true",
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000", MONEY_SECRET: config.secret,
    DIGITAL_DIR: mkdtempSync(path.join(tmpdir(), "digital-")),
  });
}, 90_000);
afterAll(async () => app?.stop());

const ITEMS = [{ title: "Manual", price: "12.00", kind: "digital" as const, stock: null }, { title: "Licence", price: "30.00", kind: "digital" as const, stock: null }];
const FILE = "The complete manual, chapter one.\n".repeat(2000);

/** The raw-body upload the dashboard's file input sends (a PUT with the member's session cookie). */
function upload(member: Client, tenantId: string, itemId: string, bytes: string, name: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1", port: app.port, method: "PUT", path: `/api/tenants/${tenantId}/catalog/items/${itemId}/digital/file`,
      headers: { host: "localhost", origin: "http://localhost", cookie: member.cookieHeader(), "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(name) },
    }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    // In chunks, as a browser streams a large file.
    for (let i = 0; i < bytes.length; i += 16_384) req.write(bytes.slice(i, i + 16_384));
    req.end();
  });
}

async function digitalShop() {
  const shop = await createShop(db, { rails: ["escrow", "direct"], items: ITEMS });
  const owner = await httpMember(db, app.port, shop.tenantId, "owner");
  return { ...shop, owner, buyer: httpBuyer(app.port, shop.slug) };
}

describe("files", () => {
  it("a paid order's file downloads through its signed link within the limit, then 403; expired 410; another shop's host 404", async () => {
    const shop = await digitalShop();
    const manual = shop.item("Manual");
    const up = await upload(shop.owner, shop.tenantId, manual, FILE, "Manual – v2.pdf");
    expect(up.status, up.body).toBe(200);
    expect(JSON.parse(up.body).data.file).toEqual({ name: "Manual – v2.pdf", size: FILE.length });
    expect((await shop.owner.patch(`/api/tenants/${shop.tenantId}/catalog/items/${manual}/digital`, { downloadLimit: 2 })).status).toBe(200);

    // Before payment there is nothing to download.
    const unpaid = await placeOrder(money, shop, { title: "Manual", rail: "direct" });
    expect((await shop.buyer.get(`/api/storefront/orders/${unpaid.token}/digital`)).json.data.state).toBe("none");

    const placed = await placeOrder(money, shop, { title: "Manual", rail: "direct", pay: true });
    const content = (await shop.buyer.get(`/api/storefront/orders/${placed.token}/digital`)).json.data;
    expect(content.state).toBe("open");
    const file = content.lines[0].file;
    expect(file).toMatchObject({ name: "Manual – v2.pdf", downloads: 0, downloadLimit: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await shop.buyer.get(file.url);
      expect(res.status).toBe(200);
      expect(res.body).toBe(FILE);
      expect(res.headers["content-disposition"]).toContain("filename*=UTF-8''Manual%20%E2%80%93%20v2.pdf");
      expect(res.headers["cache-control"]).toContain("no-store");
    }
    const over = await shop.buyer.get(file.url);
    expect([over.status, over.json.error.code]).toEqual([403, "DOWNLOAD_LIMIT_REACHED"]);

    // The merchant sees the count on the order.
    const seen = await shop.owner.get(`/api/tenants/${shop.tenantId}/orders/${placed.orderId}/digital`);
    expect(seen.json.data.items).toEqual([expect.objectContaining({ title: "Manual", downloads: 2, downloadLimit: 2 })]);

    // A second order: its link is refused once expired, and on another shop's host, and when tampered with.
    const second = await placeOrder(money, shop, { title: "Manual", rail: "direct", pay: true });
    const [grant] = await sql<{ id: string }>(db, `SELECT id FROM digital_grants WHERE order_id = $1::uuid`, [second.orderId]);
    const expired = signDownload(config.secret, shop.tenantId, grant!.id, new Date(Date.now() - 1000));
    const gone = await shop.buyer.get(`/digital/${expired}`);
    expect([gone.status, gone.json.error.code]).toEqual([410, "DOWNLOAD_LINK_EXPIRED"]);
    const fresh = (await shop.buyer.get(`/api/storefront/orders/${second.token}/digital`)).json.data.lines[0].file.url as string;
    const other = await createShop(db, { items: ITEMS });
    expect((await httpBuyer(app.port, other.slug).get(fresh)).status).toBe(404);
    expect((await shop.buyer.get(`${fresh.slice(0, -2)}xx`)).status).toBe(404);
    expect((await shop.buyer.get(fresh)).status).toBe(200);
    // None of the refusals counted.
    const [count] = await sql<{ downloads: number }>(db, `SELECT downloads FROM digital_grants WHERE id = $1::uuid`, [grant!.id]);
    expect(count!.downloads).toBe(1);
  });

  it("concurrent downloads never pass the limit", async () => {
    const shop = await digitalShop();
    const manual = shop.item("Manual");
    expect((await upload(shop.owner, shop.tenantId, manual, "small file", "a.txt")).status).toBe(200);
    const placed = await placeOrder(money, shop, { title: "Manual", rail: "direct", pay: true });
    const url = (await shop.buyer.get(`/api/storefront/orders/${placed.token}/digital`)).json.data.lines[0].file.url as string;
    const results = await Promise.all(Array.from({ length: 12 }, () => shop.buyer.get(url)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 403)).toHaveLength(7);
  });
});

describe("licence keys", () => {
  it("50 concurrent paid orders draw 50 distinct keys; a 51st is refused at checkout", async () => {
    const shop = await digitalShop();
    const licence = shop.item("Licence");
    const keys = Array.from({ length: 50 }, (_, i) => `KEY-${String(i).padStart(3, "0")}-${newKey()}`);
    const added = await shop.owner.post(`/api/tenants/${shop.tenantId}/catalog/items/${licence}/digital/keys`, { keys: `${keys.join("\n")}\n\n${keys[0]}` });
    expect(added.status, added.body).toBe(200);
    expect(added.json.data).toMatchObject({ added: 50, skipped: 0, stock: 50, keys: { free: 50, drawn: 0 } });
    // The audit log has the count, never a key.
    const [audit] = await sql<{ details: string }>(db, `SELECT details::text FROM audit_log WHERE tenant_id = $1::uuid AND action = 'item.licence_keys_add'`, [shop.tenantId]);
    expect(audit!.details).not.toContain("KEY-");

    const placed = await Promise.all(Array.from({ length: 50 }, () => placeOrder(money, shop, { title: "Licence", rail: "direct" })));
    await Promise.all(placed.map((p) => money.sandboxPay(shop.tenantId, p.token)));
    const drawn = await sql<{ key: string; order_id: string }>(db, `SELECT key, order_id::text FROM licence_keys WHERE tenant_id = $1::uuid AND order_id IS NOT NULL`, [shop.tenantId]);
    expect(new Set(drawn.map((d) => d.key)).size).toBe(50);
    expect(new Set(drawn.map((d) => d.order_id)).size).toBe(50);
    const view = (await shop.buyer.get(`/api/storefront/orders/${placed[7]!.token}/digital`)).json.data;
    expect(view.lines[0].keys).toEqual([drawn.find((d) => d.order_id === placed[7]!.orderId)!.key]);

    const refused = await shop.buyer.checkout({ items: [{ itemId: licence, quantity: 1 }], email: "late@buyer.test", rail: "direct", acknowledgeNoEscrow: true });
    expect([refused.status, refused.json.error.code], refused.body).toEqual([409, "OUT_OF_STOCK"]);
    // Raising the stock by hand cannot sell keys that do not exist.
    await sql(db, `UPDATE catalog_items SET stock = 10 WHERE id = $1::uuid`, [licence]);
    expect((await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: licence } })).stock).toBe(0);
  });

  it("an expired unpaid order gives its key back to the pool; a drawn key cannot be freed", async () => {
    const shop = await digitalShop();
    const licence = shop.item("Licence");
    await shop.owner.post(`/api/tenants/${shop.tenantId}/catalog/items/${licence}/digital/keys`, { keys: "ONLY-ONE" });
    const pending = await placeOrder(money, shop, { title: "Licence", rail: "direct" });
    expect((await shop.buyer.checkout({ items: [{ itemId: licence, quantity: 1 }], email: "b@buyer.test", rail: "direct", acknowledgeNoEscrow: true })).status).toBe(409);
    await db.prisma.order.updateMany({ where: { id: pending.orderId, tenantId: shop.tenantId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await money.expire(shop.tenantId, pending.orderId);
    const next = await placeOrder(money, shop, { title: "Licence", rail: "direct", pay: true });
    expect((await shop.buyer.get(`/api/storefront/orders/${next.token}/digital`)).json.data.lines[0].keys).toEqual(["ONLY-ONE"]);
    await expect(sql(db, `UPDATE licence_keys SET order_id = NULL, order_line_id = NULL, drawn_at = NULL WHERE tenant_id = $1::uuid`, [shop.tenantId])).rejects.toThrow(/drawn licence key/);
  });
});

describe("escrow", () => {
  it("opening the content confirms delivery exactly once (two at once, then a replay), releasing with no grace", async () => {
    const shop = await digitalShop();
    const manual = shop.item("Manual");
    expect((await upload(shop.owner, shop.tenantId, manual, "escrowed file", "e.txt")).status).toBe(200);
    await shop.owner.patch(`/api/tenants/${shop.tenantId}/catalog/items/${manual}/digital`, { linkUrl: "https://course.example.test/join" });
    const placed = await placeOrder(money, shop, { title: "Manual", rail: "escrow", pay: true });
    const locked = (await shop.buyer.get(`/api/storefront/orders/${placed.token}/digital`)).json.data;
    expect(locked).toEqual({ state: "locked", lines: [{ title: "Manual" }] });
    // Unopened, no download link verifies for it either.
    const [grant] = await sql<{ id: string }>(db, `SELECT id FROM digital_grants WHERE order_id = $1::uuid`, [placed.orderId]);
    const early = await shop.buyer.get(`/digital/${signDownload(config.secret, shop.tenantId, grant!.id, new Date(Date.now() + 60_000))}`);
    expect([early.status, early.json.error.code]).toEqual([403, "DOWNLOAD_NOT_AVAILABLE"]);

    const open = `/api/storefront/orders/${placed.token}/digital/open`;
    const [a, b] = await Promise.all([shop.buyer.post(open), shop.buyer.post(open)]);
    expect([a.status, b.status], a.body + b.body).toEqual([200, 200]);
    expect([a.json.data.outcome, b.json.data.outcome].sort()).toEqual(["delivered", "replayed"]);
    expect((await shop.buyer.post(open)).json.data.outcome).toBe("replayed");
    expect(a.json.data).toMatchObject({ state: "open", lines: [{ title: "Manual", linkUrl: "https://course.example.test/join" }] });

    const order = await db.prisma.order.findUniqueOrThrow({ where: { id: placed.orderId } });
    expect(["delivered", "completed"]).toContain(order.status);
    expect(order.releaseAfter!.getTime()).toBe(order.deliveredAt!.getTime());
    const events = await sql<{ to_status: string }>(db, `SELECT to_status::text FROM order_events WHERE order_id = $1::uuid AND to_status IN ('fulfilling', 'delivered')`, [placed.orderId]);
    expect(events.map((e) => e.to_status).sort()).toEqual(["delivered", "fulfilling"]);
    const audits = await sql(db, `SELECT 1 FROM audit_log WHERE target = $1 AND action = 'order.deliver_digital'`, [`order:${placed.orderId}`]);
    expect(audits).toHaveLength(1);
    await money.release(shop.tenantId, placed.orderId).catch(() => undefined);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: placed.orderId } })).status).toBe("completed");
    const url = (await shop.buyer.get(`/api/storefront/orders/${placed.token}/digital`)).json.data.lines[0].file.url as string;
    expect((await shop.buyer.get(url)).body).toBe("escrowed file");
  });
});

describe("tenant scope", () => {
  it("another shop's member reaches neither the item's digital settings nor an order's downloads; its buyer host not the order", async () => {
    const shop = await digitalShop();
    const manual = shop.item("Manual");
    await shop.owner.post(`/api/tenants/${shop.tenantId}/catalog/items/${manual}/digital/keys`, { keys: "SECRET-1" });
    const placed = await placeOrder(money, shop, { title: "Manual", rail: "direct", pay: true });
    const other = await digitalShop();
    const base = `/api/tenants/${other.tenantId}`;
    expect((await other.owner.get(`${base}/catalog/items/${manual}/digital`)).status).toBe(404);
    expect((await other.owner.post(`${base}/catalog/items/${manual}/digital/keys`, { keys: "INJECTED" })).status).toBe(404);
    expect((await other.owner.patch(`${base}/catalog/items/${manual}/digital`, { downloadLimit: 100 })).status).toBe(404);
    expect((await upload(other.owner, other.tenantId, manual, "x", "x.txt")).status).toBe(404);
    expect((await other.owner.get(`${base}/orders/${placed.orderId}/digital`)).status).toBe(404);
    expect((await other.buyer.get(`/api/storefront/orders/${placed.token}/digital`)).status).toBe(404);
    expect((await other.buyer.post(`/api/storefront/orders/${placed.token}/digital/open`)).status).toBe(404);
    expect(await db.prisma.licenceKey.count({ where: { tenantId: other.tenantId } })).toBe(0);
    // The database refuses a key or grant pointing at another shop's item or order (composite foreign keys).
    await expect(sql(db, `INSERT INTO licence_keys (id, tenant_id, item_id, key) VALUES (gen_random_uuid(), $1::uuid, $2::uuid, 'X')`, [other.tenantId, manual])).rejects.toThrow(/foreign key/);
    await expect(sql(db, `INSERT INTO digital_grants (id, tenant_id, order_id, order_line_id, item_id, download_limit) VALUES (gen_random_uuid(), $1::uuid, $2::uuid, gen_random_uuid(), $3::uuid, 5)`, [other.tenantId, placed.orderId, manual])).rejects.toThrow(/foreign key/);
  });
});

describe("pages", () => {
  const text = (html: string) => html.replace(/<!-- -->/g, "");
  /** The item page's form post as a browser sends it (with Content-Length, which the page requires). */
  async function formPost(c: Client, path: string, fields: Record<string, string>) {
    const csrf = /name="csrf" value="([^"]+)"/.exec((await c.get(path)).body)?.[1];
    const data = new URLSearchParams({ ...fields, csrf: csrf ?? "" }).toString();
    return request(app.port, path, {
      method: "POST", headers: { cookie: c.cookieHeader(), origin: "http://localhost", "content-length": String(Buffer.byteLength(data)) },
      raw: { contentType: "application/x-www-form-urlencoded", data },
    });
  }

  it("the item page adds keys and sets link and limit; the buyer's page shows key, link and download; the order page the count", async () => {
    const shop = await digitalShop();
    const licence = shop.item("Licence");
    const page = `/dashboard/${shop.tenantId}/catalog/${licence}`;
    expect((await shop.owner.get(page)).body).toContain("Digital delivery");
    expect((await shop.owner.get(`/dashboard/${shop.tenantId}/catalog/${(await createShop(db)).item("Lamp")}`)).status).toBe(404);
    const added = await formPost(shop.owner, page, { intent: "digital-keys", keys: "PAGE-KEY-1\nPAGE-KEY-2\n" });
    expect(added.status, added.body.slice(0, 500)).toBe(200);
    expect(text(added.body)).toContain("2 keys added");
    const saved = await formPost(shop.owner, page, { intent: "digital-settings", linkUrl: "https://example.test/bonus", downloadLimit: "3" });
    expect(text(saved.body)).toContain("Saved.");
    const bad = await formPost(shop.owner, page, { intent: "digital-settings", linkUrl: "http://plain.test/", downloadLimit: "3" });
    expect(text(bad.body)).toContain("Use an https:// link.");
    expect((await upload(shop.owner, shop.tenantId, licence, "licence readme", "readme.txt")).status).toBe(200);
    expect(text((await shop.owner.get(page)).body)).toContain("2 unused · 0 given to buyers");

    const placed = await placeOrder(money, shop, { title: "Licence", rail: "direct", pay: true });
    const buyerPage = text((await shop.buyer.get(`/orders/${placed.token}`)).body);
    expect(buyerPage).toContain("PAGE-KEY-1");
    expect(buyerPage).toContain("https://example.test/bonus");
    const href = /href="(\/digital\/[^"]+)"/.exec(buyerPage)?.[1];
    expect(href).toBeTruthy();
    expect((await shop.buyer.get(href!.replace(/&amp;/g, "&"))).body).toBe("licence readme");
    const orderPage = text((await shop.owner.get(`/dashboard/${shop.tenantId}/orders/${placed.orderId}`)).body);
    expect(orderPage).toContain("readme.txt: 1 of 3 downloads used");
    expect(orderPage).toContain("1 licence key given");
  });

  it("on escrow the buyer's page offers to open the content, and opening it shows the key", async () => {
    const shop = await digitalShop();
    const licence = shop.item("Licence");
    await shop.owner.post(`/api/tenants/${shop.tenantId}/catalog/items/${licence}/digital/keys`, { keys: "ESCROW-KEY" });
    const placed = await placeOrder(money, shop, { title: "Licence", rail: "escrow", pay: true });
    const before = text((await shop.buyer.get(`/orders/${placed.token}`)).body);
    expect(before).toContain("Open my content");
    expect(before).not.toContain("ESCROW-KEY");
    const host = `${shop.slug}.localhost`;
    const opened = await request(app.port, `/orders/${placed.token}`, {
      method: "POST", host, headers: { origin: `http://${host}` }, raw: { contentType: "application/x-www-form-urlencoded", data: "intent=open-digital" },
    });
    expect(opened.status).toBeLessThan(400);
    expect(text((await shop.buyer.get(`/orders/${placed.token}`)).body)).toContain("ESCROW-KEY");
    expect(["delivered", "completed"]).toContain((await db.prisma.order.findUniqueOrThrow({ where: { id: placed.orderId } })).status);
  });
});
