/**
 * Manual invoices a buyer can pay (issue 14 point 6, ADR 025), against the real app: instructions in the payment
 * policy (validated), the rail hidden and refused until they are set, the buyer's order showing them, mark-paid
 * needing evidence and the right role, and evidence files readable only by the shop's own members.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { ADDRESS, BANK, createShop, httpBuyer, httpMember, sql } from "./money-fixture.ts";
import type { Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true",
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000", MONEY_SECRET: "invoice-test-money-secret-0123456789abcdef",
  });
});
afterAll(async () => app?.stop());

const cart = (itemId: string, extra: Record<string, unknown> = {}) => ({ items: [{ itemId, quantity: 1 }], email: "b@example.test", shippingAddress: ADDRESS, ...extra });
const count = async (q: string, p: unknown[] = []) => Number((await sql<{ n: string }>(db, q, p))[0]!.n);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

/** Binary bodies and downloads (the JSON helper sends and reads text). */
function raw(client: Client | null, method: string, path: string, body?: Buffer) {
  const headers: Record<string, string> = { host: "localhost", origin: "http://localhost" };
  if (client?.cookies.size) headers.cookie = client.cookieHeader();
  if (body) headers["content-type"] = "application/octet-stream";
  return new Promise<{ status: number; bytes: Buffer; type: string | undefined }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: app.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, bytes: Buffer.concat(chunks), type: res.headers["content-type"] }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("payment instructions in the policy", () => {
  it("PUT /payment-policy validates them (IBAN checksum, control characters, 1,000-char note) and GET returns them", async () => {
    const shop = await createShop(db, { rails: ["escrow", "manual_invoice"], invoiceInstructions: null });
    const owner = await httpMember(db, app.port, shop.tenantId, "owner");
    const path = `/api/tenants/${shop.tenantId}/payment-policy`;
    const base = (await owner.get(path)).json.data;
    expect(base.invoiceInstructions).toBeNull();
    const put = (invoiceInstructions: unknown, version = base.version) =>
      owner.put(path, { version, allowedRails: base.allowedRails, defaultRail: base.defaultRail, invoiceInstructions });
    const bad: Array<[unknown, string]> = [
      [{ ...BANK, accountNumber: "GB34 BUKB 2020 1555 5555 55" }, "invoiceInstructions.accountNumber"],
      [{ ...BANK, accountHolder: "Evil\u0007Corp" }, "invoiceInstructions.accountHolder"],
      [{ ...BANK, note: "x".repeat(1001) }, "invoiceInstructions.note"],
      [{ ...BANK, note: "bad \u0000 byte" }, "invoiceInstructions.note"],
      [{ ...BANK, bankName: "" }, "invoiceInstructions.bankName"],
    ];
    for (const [value, field] of bad) {
      const r = await put(value);
      expect([r.status, r.json.error.code], r.body).toEqual([400, "VALIDATION_ERROR"]);
      expect(JSON.stringify(r.json.error.details)).toContain(field.split(".")[1]);
    }
    const ok = await put({ ...BANK, accountNumber: "gb33bukb20201555555555", note: "Line one\r\nLine two" });
    expect(ok.status, ok.body).toBe(200);
    expect(ok.json.data.invoiceInstructions).toMatchObject({ accountNumber: "GB33 BUKB 2020 1555 5555 55", note: "Line one\nLine two" });
    expect((await owner.get(path)).json.data.invoiceInstructions.accountHolder).toBe(BANK.accountHolder);
    // A plain (non-IBAN) account number is taken as typed.
    expect((await put({ ...BANK, accountNumber: "12-3456-7890" }, ok.json.data.version)).json.data.invoiceInstructions.accountNumber).toBe("12-3456-7890");
    expect(await count(`SELECT count(*) n FROM audit_log WHERE tenant_id = $1 AND action = 'policy.update'`, [shop.tenantId])).toBe(2);
  });

  it("support cannot set them, and one shop's owner cannot read or set another's", async () => {
    const [a, b] = [await createShop(db, { rails: ["manual_invoice"] }), await createShop(db, { rails: ["manual_invoice"] })];
    const support = await httpMember(db, app.port, a.tenantId, "support");
    const ownerB = await httpMember(db, app.port, b.tenantId, "owner");
    const policy = (await support.get(`/api/tenants/${a.tenantId}/payment-policy`)).json.data;
    const body = { version: policy.version, allowedRails: policy.allowedRails, defaultRail: policy.defaultRail, invoiceInstructions: { ...BANK, accountHolder: "Mallory" } };
    expect((await support.put(`/api/tenants/${a.tenantId}/payment-policy`, body)).status).toBe(403);
    // Another shop is not even visible: 404.
    expect((await ownerB.get(`/api/tenants/${a.tenantId}/payment-policy`)).status).toBe(404);
    expect((await ownerB.put(`/api/tenants/${a.tenantId}/payment-policy`, body)).status).toBe(404);
    const row = await db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId: a.tenantId } });
    expect((row.invoiceInstructions as { accountHolder: string }).accountHolder).toBe(BANK.accountHolder);
  });
});

describe("the manual-invoice rail", () => {
  it("is hidden and refused until instructions are set, even though the policy allows it; then offered with the shop's details", async () => {
    const shop = await createShop(db, { rails: ["escrow", "manual_invoice"], invoiceInstructions: null });
    const buyer = httpBuyer(app.port, shop.slug);
    const page = await buyer.get(`/checkout?cart=${encodeURIComponent(`${shop.item("Lamp")}:1`)}`);
    expect(page.status).toBe(200);
    // The offer is in the page's loader data (rendered by the client): escrow only.
    expect(page.body).toContain('\\"rail\\",\\"escrow\\"');
    expect(page.body).not.toContain("manual_invoice");
    const refused = await buyer.checkout(cart(shop.item("Lamp"), { rail: "manual_invoice", acknowledgeNoEscrow: true }));
    expect([refused.status, refused.json.error.code]).toEqual([400, "RAIL_NOT_ALLOWED"]);
    expect(refused.json.error.details.eligibleRails).toEqual(["escrow"]);
    expect(await count(`SELECT count(*) n FROM orders WHERE tenant_id = $1`, [shop.tenantId])).toBe(0);

    await db.prisma.tenantPaymentPolicy.update({ where: { tenantId: shop.tenantId }, data: { invoiceInstructions: { ...BANK, referenceFormat: "SHOP-{reference}", note: "Pay within 3 days." } } });
    expect((await buyer.get(`/checkout?cart=${encodeURIComponent(`${shop.item("Lamp")}:1`)}`)).body).toContain("manual_invoice");
    const placed = await buyer.checkout(cart(shop.item("Lamp"), { rail: "manual_invoice", acknowledgeNoEscrow: true }));
    expect(placed.status, placed.body).toBe(201);
    const { token, order } = placed.json.data;
    const ref = `SHOP-${order.id.slice(0, 8).toUpperCase()}`;
    expect(order.paymentInstructions.invoice).toMatchObject({ accountHolder: BANK.accountHolder, accountNumber: BANK.accountNumber, bankName: BANK.bankName, reference: ref, amount: "40" });
    // The buyer's order (API and page) shows the details with the reference and copy buttons.
    expect((await buyer.get(`/api/storefront/orders/${token}`)).json.data.paymentInstructions.invoice.reference).toBe(ref);
    const html = (await buyer.get(`/orders/${token}`)).body;
    for (const s of [BANK.accountHolder, BANK.accountNumber, BANK.bankName, ref, "Pay within 3 days.", '>Copy<', "reference"]) expect(html).toContain(s);
  });

  it("refuses zero totals on every rail (ADR 012 free carts, ADR 025)", async () => {
    const shop = await createShop(db, { rails: ["escrow", "direct", "manual_invoice"], items: [{ title: "Free", price: "0.00", stock: null }] });
    const buyer = httpBuyer(app.port, shop.slug);
    for (const rail of ["escrow", "direct", "manual_invoice"]) {
      const r = await buyer.checkout(cart(shop.item("Free"), { rail, acknowledgeNoEscrow: true }));
      expect([r.status, r.json.error.code], `${rail}: ${r.body}`).toEqual([400, "VALIDATION_ERROR"]);
      expect(r.json.error.message).toMatch(/nothing to pay/);
    }
    expect(await count(`SELECT count(*) n FROM orders WHERE tenant_id = $1`, [shop.tenantId])).toBe(0);
  });
});

describe("mark paid with evidence", () => {
  it("needs a note (400), the owner or finance role (support 403), takes an optional PDF/PNG/JPEG checked by magic bytes; both audited", async () => {
    const shop = await createShop(db, { rails: ["manual_invoice"] });
    const [finance, support] = [await httpMember(db, app.port, shop.tenantId, "finance"), await httpMember(db, app.port, shop.tenantId, "support")];
    const placed = await httpBuyer(app.port, shop.slug).checkout(cart(shop.item("Lamp"), { rail: "manual_invoice", acknowledgeNoEscrow: true }));
    const id = placed.json.data.order.id as string;
    const base = `/api/tenants/${shop.tenantId}/orders/${id}`;
    expect((await raw(support, "POST", `${base}/evidence`, PDF)).status).toBe(403);
    expect((await raw(finance, "POST", `${base}/evidence`, Buffer.from("<svg onload=alert(1)>"))).status).toBe(415);
    expect((await raw(finance, "POST", `${base}/evidence`, Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]))).status).toBe(413);
    const up = await raw(finance, "POST", `${base}/evidence`, PDF);
    expect(up.status).toBe(201);
    const evidenceId = JSON.parse(up.bytes.toString()).data.id as string;

    expect((await support.post(`${base}/mark-paid`, { evidenceNote: "bank ref 7", evidenceFileId: evidenceId })).status).toBe(403);
    const noNote = await finance.post(`${base}/mark-paid`, { evidenceFileId: evidenceId });
    expect([noNote.status, noNote.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
    const otherFile = await finance.post(`${base}/mark-paid`, { evidenceNote: "bank ref 7", evidenceFileId: "00000000-0000-4000-8000-000000000000" });
    expect([otherFile.status, otherFile.json.error.details.issues[0].path]).toEqual([400, "evidenceFileId"]);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id } })).status).toBe("pending_payment");

    const paid = await finance.post(`${base}/mark-paid`, { evidenceNote: "bank ref 7", evidenceFileId: evidenceId });
    expect([paid.status, paid.json.data.status], paid.body).toEqual([200, "paid"]);
    const audit = await sql<{ action: string; details: Record<string, unknown> }>(db, `SELECT action, details FROM audit_log WHERE tenant_id = $1 AND target = $2 ORDER BY created_at`, [shop.tenantId, `order:${id}`]);
    expect(audit.find((a) => a.action === "order.evidence_upload")?.details).toMatchObject({ evidenceId, contentType: "application/pdf" });
    expect(audit.find((a) => a.action === "order.invoice_paid")?.details).toEqual({ evidenceNote: "bank ref 7", evidenceFileId: evidenceId });
    const listed = await finance.get(`${base}/evidence`);
    expect(listed.json.data.items.map((e: { id: string }) => e.id)).toEqual([evidenceId]);
  });

  it("an evidence file of shop A is readable by A's members only: not B's owner, not the buyer, not anonymously, not via B's path", async () => {
    const [a, b] = [await createShop(db, { rails: ["manual_invoice"] }), await createShop(db, { rails: ["manual_invoice"] })];
    const [financeA, supportA, ownerB] = [
      await httpMember(db, app.port, a.tenantId, "finance"), await httpMember(db, app.port, a.tenantId, "support"), await httpMember(db, app.port, b.tenantId, "owner"),
    ];
    const buyerA = httpBuyer(app.port, a.slug);
    const placed = await buyerA.checkout(cart(a.item("Lamp"), { rail: "manual_invoice", acknowledgeNoEscrow: true }));
    const id = placed.json.data.order.id as string;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("not really a png but magic ok")]);
    const up = await raw(financeA, "POST", `/api/tenants/${a.tenantId}/orders/${id}/evidence`, png);
    const evidenceId = JSON.parse(up.bytes.toString()).data.id as string;
    const path = `/api/tenants/${a.tenantId}/orders/${id}/evidence/${evidenceId}`;

    const mine = await raw(supportA, "GET", path);
    expect([mine.status, mine.type]).toEqual([200, "image/png"]);
    expect(mine.bytes.equals(png)).toBe(true);
    expect((await raw(ownerB, "GET", path)).status).toBe(404);
    expect((await raw(ownerB, "GET", `/api/tenants/${b.tenantId}/orders/${id}/evidence/${evidenceId}`)).status).toBe(404);
    expect((await raw(null, "GET", path)).status).toBe(401);
    // The buyer has only the order link: no evidence in the buyer's view, and the file is not under /media.
    const view = await buyerA.get(`/api/storefront/orders/${placed.json.data.token}`);
    expect(view.body).not.toContain(evidenceId);
    const key = (await db.prisma.orderEvidence.findFirstOrThrow({ where: { id: evidenceId, tenantId: a.tenantId } })).key;
    expect((await buyerA.get(`/media/${key.split("/")[1]}`)).status).toBe(404);
    // B's owner cannot attach files to A's order either.
    expect((await raw(ownerB, "POST", `/api/tenants/${a.tenantId}/orders/${id}/evidence`, png)).status).toBe(404);
    expect((await raw(ownerB, "POST", `/api/tenants/${b.tenantId}/orders/${id}/evidence`, png)).status).toBe(404);
  });
});
