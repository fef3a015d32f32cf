/**
 * Invoice and credit note downloads against the real app (issue 15 point 5, ADR 028): the buyer by the order's link
 * on its own shop's host, members who read orders from the control plane; the PDF's content in English and
 * Persian (extracted and compared); frozen once rendered; the shop's choices (fee, transaction hash) honoured.
 */
import http from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderDocumentPdf, type DocumentPdfInput } from "#server/documents/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { formPost, signIn } from "./tenant-fixture.ts";
import { ADDRESS, createShop, httpBuyer, httpMember, sql } from "./money-fixture.ts";
import { pdfText } from "./pdf-text.ts";
import type { Client } from "./http.ts";

const db = await createTestDatabase();
const DOCUMENTS_DIR = mkdtempSync(path.join(tmpdir(), "documents-"));
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", DOCUMENTS_DIR,
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000", MONEY_SECRET: "documents-test-money-secret-0123456789abcdef",
  });
});
afterAll(async () => app?.stop());

const year = new Date().getUTCFullYear();

/** A download: bytes as they came (the JSON helper reads text). */
function download(host: string, pathname: string, client?: Client) {
  const headers: Record<string, string> = { host };
  if (client?.cookies.size) headers.cookie = client.cookieHeader();
  return new Promise<{ status: number; bytes: Buffer; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: app.port, path: pathname, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, bytes: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}
const errorCode = (bytes: Buffer) => JSON.parse(bytes.toString()).error.code as string;

/** A paid order on the shop, through the buyer's JSON API. */
async function paidOrder(shop: { slug: string; item(t: string): string }, items: Array<[string, number]>, pay = true) {
  const buyer = httpBuyer(app.port, shop.slug);
  const r = await buyer.checkout({ items: items.map(([t, quantity]) => ({ itemId: shop.item(t), quantity })), email: "buyer@example.test", shippingAddress: ADDRESS, acknowledgeNoEscrow: true, rail: "direct" });
  expect(r.status, r.body).toBe(201);
  const token: string = r.json.data.token;
  if (pay) expect((await buyer.post(`/api/storefront/orders/${token}/sandbox-pay`)).status).toBe(200);
  return { token, orderId: r.json.data.order.id as string };
}

async function developerOf(tenantId: string) {
  const u = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId, userId: u.id, role: "developer" } });
  return signIn(app.port, u.email);
}

describe("the buyer's invoice", () => {
  it("is 404 INVOICE_NOT_FOUND until the order is paid, then a PDF with the shop, number, lines and total", async () => {
    const shop = await createShop(db, { rails: ["direct"], items: [{ title: "Brass lamp", price: "40.00", stock: null }, { title: "Lamp shade", price: "12.50", stock: null }] });
    const order = await paidOrder(shop, [["Brass lamp", 2], ["Lamp shade", 1]], false);
    const url = `/api/storefront/orders/${order.token}/invoice`;
    const before = await download(`${shop.slug}.localhost`, url);
    expect([before.status, errorCode(before.bytes)]).toEqual([404, "INVOICE_NOT_FOUND"]);
    expect((await httpBuyer(app.port, shop.slug).post(`/api/storefront/orders/${order.token}/sandbox-pay`)).status).toBe(200);

    const res = await download(`${shop.slug}.localhost`, url);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/pdf");
    const number = `${shop.slug}-${year}-1`;
    expect(res.headers["content-disposition"]).toBe(`attachment; filename="${number}.pdf"`);
    expect(res.headers["cache-control"]).toBe("private, no-store");
    const { text } = await pdfText(res.bytes);
    for (const s of [`Shop ${shop.slug}`, "Invoice", number, "Brass lamp", "Lamp shade", "80.00 USD", "12.50 USD", "buyer@example.test", ADDRESS.name, "Direct payment to the shop"]) {
      expect(text).toContain(s);
    }
    expect(text).toMatch(/Total\s+92\.50 USD/);
    expect(text).not.toContain("Platform fee");
    // No credit note for an order that was not refunded.
    const note = await download(`${shop.slug}.localhost`, `/api/storefront/orders/${order.token}/credit-note`);
    expect([note.status, errorCode(note.bytes)]).toEqual([404, "CREDIT_NOTE_NOT_FOUND"]);
  });

  it("is frozen once rendered: a renamed shop's invoice downloads byte for byte the same", async () => {
    const shop = await createShop(db, { rails: ["direct"] });
    const order = await paidOrder(shop, [["Lamp", 1]]);
    const url = `/api/storefront/orders/${order.token}/invoice`;
    const [a, b] = await Promise.all([download(`${shop.slug}.localhost`, url), download(`${shop.slug}.localhost`, url)]);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const [row] = await sql<{ id: string; storage_key: string }>(db, `SELECT id, storage_key FROM order_documents WHERE order_id = $1`, [order.orderId]);
    expect(row!.storage_key).toBe(`${shop.tenantId}/${row!.id.replace(/-/g, "")}.pdf`);
    await db.prisma.tenant.update({ where: { id: shop.tenantId }, data: { brand: { displayName: "Renamed Shop", primaryColor: "#123456", accentColor: "#abcdef" } } });
    const later = await download(`${shop.slug}.localhost`, url);
    expect(later.bytes.equals(a.bytes)).toBe(true);
    expect((await pdfText(later.bytes)).text).not.toContain("Renamed Shop");
  });

  it("cannot be downloaded through another shop's host, or with a made-up link", async () => {
    const [a, b] = [await createShop(db, { rails: ["direct"] }), await createShop(db, { rails: ["direct"] })];
    const order = await paidOrder(a, [["Lamp", 1]]);
    const viaB = await download(`${b.slug}.localhost`, `/api/storefront/orders/${order.token}/invoice`);
    expect([viaB.status, errorCode(viaB.bytes)]).toEqual([404, "ORDER_NOT_FOUND"]);
    const madeUp = await download(`${a.slug}.localhost`, `/api/storefront/orders/${"x".repeat(43)}/invoice`);
    expect([madeUp.status, errorCode(madeUp.bytes)]).toEqual([404, "ORDER_NOT_FOUND"]);
    const viaPlatform = await download("localhost", `/api/storefront/orders/${order.token}/invoice`);
    expect(viaPlatform.status).toBe(404);
  });
});

describe("members' downloads", () => {
  it("support can, a developer cannot (403), another shop's owner cannot (404), anonymous 401", async () => {
    const [shop, other] = [await createShop(db, { rails: ["direct"] }), await createShop(db, { rails: ["direct"] })];
    const order = await paidOrder(shop, [["Lamp", 1]]);
    const url = `/api/tenants/${shop.tenantId}/orders/${order.orderId}/invoice`;
    const support = await download("localhost", url, await httpMember(db, app.port, shop.tenantId, "support"));
    expect(support.status).toBe(200);
    expect(support.headers["content-type"]).toBe("application/pdf");
    expect((await pdfText(support.bytes)).text).toContain(`${shop.slug}-${year}-1`);
    const developer = await download("localhost", url, await developerOf(shop.tenantId));
    expect([developer.status, errorCode(developer.bytes)]).toEqual([403, "FORBIDDEN"]);
    const outsider = await download("localhost", url, await httpMember(db, app.port, other.tenantId, "owner"));
    expect([outsider.status, errorCode(outsider.bytes)]).toEqual([404, "TENANT_NOT_FOUND"]);
    // Another shop's order through one's own shop's path: not found.
    const ownerOther = await httpMember(db, app.port, other.tenantId, "owner");
    const crossed = await download("localhost", `/api/tenants/${other.tenantId}/orders/${order.orderId}/invoice`, ownerOther);
    expect([crossed.status, errorCode(crossed.bytes)]).toEqual([404, "INVOICE_NOT_FOUND"]);
    expect((await download("localhost", url)).status).toBe(401);
    // Not on a shop's host (the control plane lives on the platform host only).
    expect((await download(`${shop.slug}.localhost`, url)).status).toBe(404);
  });

  it("an unpaid order has none (404 INVOICE_NOT_FOUND); a malformed order id is a 400", async () => {
    const shop = await createShop(db, { rails: ["direct"] });
    const order = await paidOrder(shop, [["Lamp", 1]], false);
    const owner = await httpMember(db, app.port, shop.tenantId, "owner");
    const none = await download("localhost", `/api/tenants/${shop.tenantId}/orders/${order.orderId}/invoice`, owner);
    expect([none.status, errorCode(none.bytes)]).toEqual([404, "INVOICE_NOT_FOUND"]);
    const bad = await download("localhost", `/api/tenants/${shop.tenantId}/orders/not-a-uuid/invoice`, owner);
    expect([bad.status, errorCode(bad.bytes)]).toEqual([400, "VALIDATION_ERROR"]);
  });
});

describe("what the shop chooses to show", () => {
  it("the platform fee only once the shop turns it on (GET/PUT payment-policy), as part of the total", async () => {
    const shop = await createShop(db, { rails: ["direct"] });
    const owner = await httpMember(db, app.port, shop.tenantId, "owner");
    const policyPath = `/api/tenants/${shop.tenantId}/payment-policy`;
    const policy = (await owner.get(policyPath)).json.data;
    expect(policy).toMatchObject({ invoiceShowPlatformFee: false, invoiceShowTxHash: false });
    const put = await owner.put(policyPath, { version: policy.version, allowedRails: policy.allowedRails, defaultRail: policy.defaultRail, invoiceShowPlatformFee: true });
    expect(put.status, put.body).toBe(200);
    expect(put.json.data).toMatchObject({ invoiceShowPlatformFee: true, invoiceShowTxHash: false });
    const bad = await owner.put(policyPath, { version: put.json.data.version, allowedRails: policy.allowedRails, defaultRail: policy.defaultRail, invoiceShowTxHash: "yes" });
    expect([bad.status, bad.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
    const order = await paidOrder(shop, [["Lamp", 1]]);
    const { text } = await pdfText((await download(`${shop.slug}.localhost`, `/api/storefront/orders/${order.token}/invoice`)).bytes);
    expect(text).toMatch(/Platform fee \(2\.5 %, included\)\s+1\.00 USD/);
    expect(text).toMatch(/Total\s+40\.00 USD/);
  });

  it("a transaction hash only when given (the shop enabled it and the order was paid on chain)", async () => {
    const base: DocumentPdfInput = {
      kind: "invoice", locale: "en", number: "shop-2026-7", issuedAt: new Date(), credits: null, orderNumber: "AB12CD34",
      seller: { name: "Chain Shop", supportEmail: null, logo: null }, buyer: { email: "b@example.test", shipTo: null }, currency: "USDC",
      lines: [{ description: "Token-gated poster", quantity: 1, unitPrice: "5", lineTotal: "5" }], subtotal: "5", total: "5", platformFee: null,
      rail: "escrow", onChain: true, txHash: null,
    };
    const hash = `0x${"3f".repeat(32)}`;
    const without = (await pdfText(await renderDocumentPdf(base))).text;
    expect(without).toContain("(on chain)");
    expect(without).not.toContain("0x");
    expect((await pdfText(await renderDocumentPdf({ ...base, txHash: hash }))).text).toContain(hash);
  });
});

describe("a long order", () => {
  it("runs over pages, every line on one, each further page naming the document", async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({ description: `Numbered item ${i + 1}`, quantity: 1, unitPrice: "2", lineTotal: "2" }));
    const pdf = await renderDocumentPdf({
      kind: "invoice", locale: "en", number: "long-2026-4", issuedAt: new Date(), credits: null, orderNumber: "AB12CD34",
      seller: { name: "Long Shop", supportEmail: null, logo: null }, buyer: { email: "b@example.test", shipTo: null }, currency: "EUR",
      lines, subtotal: "120", total: "120", platformFee: null, rail: "manual_invoice", onChain: false, txHash: null,
    });
    const { items, pages } = await pdfText(pdf);
    expect(pages).toBeGreaterThan(1);
    for (const l of lines) expect(items).toContain(l.description);
    expect(items.filter((i) => i === "long-2026-4")).toHaveLength(pages);
    expect(items).toContain("120.00 EUR");
  });
});

describe("a Persian shop's invoice", () => {
  it("is in Persian, right to left, and its text extracts as written", async () => {
    const shop = await createShop(db, { rails: ["direct"], items: [{ title: "چراغ مطالعه", price: "40.00", stock: null }, { title: "کتاب الکترونیکی", price: "9.99", stock: null }] });
    await db.prisma.tenant.update({
      where: { id: shop.tenantId },
      data: { localeDefaults: ["fa", "en"], brand: { displayName: "فروشگاه چراغ نو", primaryColor: "#123456", accentColor: "#abcdef" } },
    });
    const order = await paidOrder(shop, [["چراغ مطالعه", 1], ["کتاب الکترونیکی", 2]]);
    const res = await download(`${shop.slug}.localhost`, `/api/storefront/orders/${order.token}/invoice`);
    expect(res.status).toBe(200);
    const { items } = await pdfText(res.bytes);
    for (const s of ["فروشگاه چراغ نو", "فاکتور فروش", "چراغ مطالعه", "کتاب الکترونیکی", "شرح کالا", "جمع کل", "پرداخت مستقیم به فروشگاه"]) {
      expect(items, s).toContain(s.normalize("NFKC"));
    }
    // Latin inside the Persian lines reads left to right, whole.
    expect(items).toEqual(expect.arrayContaining([`${shop.slug}-${year}-1`, "59.98 USD", "19.98 USD", "buyer@example.test"]));
  });
});

describe("the OpenAPI document", () => {
  it("lists both pairs of downloads as application/pdf", async () => {
    const doc = JSON.parse((await download("localhost", "/api/openapi.json")).bytes.toString()) as { paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }> };
    for (const path of ["/api/tenants/{tenantId}/orders/{orderId}/invoice", "/api/tenants/{tenantId}/orders/{orderId}/credit-note", "/api/storefront/orders/{token}/invoice", "/api/storefront/orders/{token}/credit-note"]) {
      expect(Object.keys(doc.paths[path]?.get?.responses["200"]?.content ?? {}), path).toEqual(["application/pdf"]);
    }
  });
});

describe("the pages", () => {
  it("the buyer's order page and the dashboard's order page link the invoice once it is issued", async () => {
    const shop = await createShop(db, { rails: ["direct"] });
    const order = await paidOrder(shop, [["Lamp", 1]], false);
    const buyer = httpBuyer(app.port, shop.slug);
    const owner = await httpMember(db, app.port, shop.tenantId, "owner");
    const dashboard = `/dashboard/${shop.tenantId}/orders/${order.orderId}`;
    expect((await buyer.get(`/orders/${order.token}`)).body).not.toContain('data-testid="download-invoice"');
    expect((await owner.get(dashboard)).body).not.toContain('data-testid="download-invoice"');
    expect((await buyer.post(`/api/storefront/orders/${order.token}/sandbox-pay`)).status).toBe(200);
    const page = (await buyer.get(`/orders/${order.token}`)).body;
    expect(page).toMatch(new RegExp(`href="/api/storefront/orders/${order.token}/invoice"[^>]*data-testid="download-invoice"`));
    const member = (await owner.get(dashboard)).body;
    const href = `/api/tenants/${shop.tenantId}/orders/${order.orderId}/invoice`;
    expect(member).toMatch(new RegExp(`href="${href}"[^>]*data-testid="download-invoice"`));
    expect(member).toContain(`${shop.slug}-${year}-1`);
    // The link works with the dashboard's own session cookie (a plain GET on the platform host).
    expect((await download("localhost", href, owner)).status).toBe(200);
  });

  it("the Payments page turns the invoice options on and off", async () => {
    const shop = await createShop(db, { rails: ["direct"] });
    const owner = await httpMember(db, app.port, shop.tenantId, "owner");
    const path = `/dashboard/${shop.tenantId}/payments`;
    const policy = () => db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId: shop.tenantId } });
    const fields = async (extra: Array<[string, string]>): Promise<Array<[string, string]>> => {
      const p = await policy();
      return [["version", String(p.version)], ...p.allowedRails.map((r): [string, string] => ["allowedRails", r]), ["defaultRail", p.defaultRail], ["buyerDisclosureMode", p.buyerDisclosureMode], ...extra];
    };
    expect((await owner.get(path)).body).toContain("Show the on-chain transaction hash");
    const on = await formPost(owner, path, await fields([["invoiceShowPlatformFee", "on"], ["invoiceShowTxHash", "on"]]));
    expect(on.status, on.body.slice(0, 300)).toBe(200);
    expect(await policy()).toMatchObject({ invoiceShowPlatformFee: true, invoiceShowTxHash: true });
    const off = await formPost(owner, path, await fields([["invoiceShowPlatformFee", "on"]]));
    expect(off.status).toBe(200);
    expect(await policy()).toMatchObject({ invoiceShowPlatformFee: true, invoiceShowTxHash: false });
  });
});
