/**
 * Invoice and credit note numbers (issue 15 point 5, ADR 028), with the real money core in-process: issued by the
 * database in the payment's own transaction, gap-free and unique under concurrent payments, a rolled-back payment
 * gives its number back, and a refund issues a credit note from its own series. The documents render from there.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { armFailpoints } from "#server/money/index.ts";
import { DocumentService, DocumentStore } from "#server/documents/index.ts";
import { LocalDiskStore, UploadService, mediaPath } from "#server/uploads/index.ts";
import { createTestDatabase } from "./db.ts";
import { OPERATOR, createShop, moneyHarness, placeOrder, sql } from "./money-fixture.ts";
import { pdfText } from "./pdf-text.ts";
import { PNG_1x1 } from "./images.ts";

const db = await createTestDatabase();
const { money } = moneyHarness(db);
const year = new Date().getUTCFullYear();
const uploads = new UploadService({ prisma: db.prisma, store: new LocalDiskStore(mkdtempSync(path.join(tmpdir(), "doc-uploads-"))) });
const documents = new DocumentService({ prisma: db.prisma, uploads, store: new DocumentStore(mkdtempSync(path.join(tmpdir(), "documents-"))) });
const invoices = (tenantId: string) =>
  sql<{ order_id: string; number: string; seq: number }>(db, `SELECT order_id, number, seq FROM order_documents WHERE tenant_id = $1 AND kind = 'invoice' ORDER BY seq`, [tenantId]);

describe("invoice numbers", () => {
  it("50 concurrent payments in one shop get exactly 1..50, unique, one per order", async () => {
    const shop = await createShop(db, { rails: ["direct", "escrow"], items: [{ title: "Lamp", price: "40.00", stock: null }] });
    const orders = [];
    for (let i = 0; i < 50; i++) orders.push(await placeOrder(money, shop, { rail: i % 2 ? "escrow" : "direct" }));
    expect(await invoices(shop.tenantId)).toEqual([]);
    await Promise.all(orders.map((o) => money.sandboxPay(shop.tenantId, o.token)));
    const rows = await invoices(shop.tenantId);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(rows.map((r) => r.number)).toEqual(rows.map((r) => `${shop.slug}-${year}-${r.seq}`));
    expect(new Set(rows.map((r) => r.order_id)).size).toBe(50);
    const [counter] = await sql<{ last_seq: number }>(db, `SELECT last_seq FROM document_counters WHERE tenant_id = $1 AND kind = 'invoice' AND year = $2`, [shop.tenantId, year]);
    expect(counter!.last_seq).toBe(50);
    // A replayed payment issues nothing more.
    await money.sandboxPay(shop.tenantId, orders[0]!.token);
    expect(await invoices(shop.tenantId)).toHaveLength(50);
  }, 120_000);

  it("a payment whose transaction rolls back burns no number", async () => {
    const shop = await createShop(db, { rails: ["direct"] });
    const [failing, other] = [await placeOrder(money, shop, { rail: "direct" }), await placeOrder(money, shop, { rail: "direct" })];
    armFailpoints("ledger.after-entries:throw", "test"); // after money_fund (and its event and invoice), before commit
    try {
      await expect(money.sandboxPay(shop.tenantId, failing.token)).rejects.toThrow(/failpoint/);
    } finally {
      armFailpoints(undefined, "test");
    }
    expect(await invoices(shop.tenantId)).toEqual([]);
    expect(await sql(db, `SELECT 1 FROM document_counters WHERE tenant_id = $1`, [shop.tenantId])).toEqual([]);
    await money.sandboxPay(shop.tenantId, other.token);
    await money.sandboxPay(shop.tenantId, failing.token);
    expect((await invoices(shop.tenantId)).map((r) => [r.order_id, r.seq])).toEqual([[other.orderId, 1], [failing.orderId, 2]]);
  });

  it("numbers are per shop: a second shop starts at 1", async () => {
    const [a, b] = [await createShop(db, { rails: ["direct"] }), await createShop(db, { rails: ["direct"] })];
    await placeOrder(money, a, { rail: "direct", pay: true });
    await placeOrder(money, b, { rail: "direct", pay: true });
    expect((await invoices(a.tenantId)).map((r) => r.number)).toEqual([`${a.slug}-${year}-1`]);
    expect((await invoices(b.tenantId)).map((r) => r.number)).toEqual([`${b.slug}-${year}-1`]);
  });

  it("an issued document cannot be edited or deleted, and its number cannot be forged", async () => {
    const shop = await createShop(db, { rails: ["direct"] });
    const { orderId } = await placeOrder(money, shop, { rail: "direct", pay: true });
    await expect(db.sql.query(`UPDATE order_documents SET number = 'x-2026-9' WHERE order_id = $1`, [orderId])).rejects.toThrow(/cannot change|order_documents_number_ck/);
    await expect(db.sql.query(`DELETE FROM order_documents WHERE order_id = $1`, [orderId])).rejects.toThrow(/cannot change/);
    await expect(db.sql.query(`UPDATE order_documents SET storage_key = 'elsewhere.pdf', rendered_at = now() WHERE order_id = $1`, [orderId])).rejects.toThrow(/storage_key_ck/);
  });
});

describe("credit notes", () => {
  it("a refund issues a credit note from its own series, crediting the invoice, with the refunded amount", async () => {
    const shop = await createShop(db, { rails: ["escrow"], items: [{ title: "Lamp", price: "40.00", stock: null }] });
    const first = await placeOrder(money, shop, { rail: "escrow", pay: true, quantity: 2 });
    await placeOrder(money, shop, { rail: "escrow", pay: true });
    expect(await documents.file(shop.tenantId, first.orderId, "credit_note")).toBeNull();
    await money.openDispute(shop.tenantId, first.token, "It never arrived at all.");
    const [dispute] = await sql<{ id: string }>(db, `SELECT id FROM disputes WHERE order_id = $1`, [first.orderId]);
    await money.resolveDispute(OPERATOR, dispute!.id, "refund", "Courier lost it.");
    const docs = await sql<{ kind: string; number: string; amount: string; credits_id: string | null; id: string }>(
      db, `SELECT id, kind, number, amount::text, credits_id FROM order_documents WHERE order_id = $1 ORDER BY kind`, [first.orderId]);
    const invoice = docs.find((d) => d.kind === "invoice")!;
    const note = docs.find((d) => d.kind === "credit_note")!;
    expect(invoice.number).toBe(`${shop.slug}-${year}-1`);
    expect(note).toMatchObject({ number: `${shop.slug}-CN-${year}-1`, credits_id: invoice.id });
    expect(Number(note.amount)).toBe(80);

    const pdf = await documents.file(shop.tenantId, first.orderId, "credit_note");
    expect(pdf!.filename).toBe(`${shop.slug}-CN-${year}-1.pdf`);
    const { text } = await pdfText(pdf!.content);
    expect(text).toContain("Credit note");
    expect(text).toContain(`Credits invoice ${invoice.number}`);
    expect(text).toMatch(/Refunded\s+80\.00 USD/);
  });
});

describe("the transaction hash on an on-chain order's invoice", () => {
  /** A paid order made on-chain after the fact, with the funding row the indexer would have written for it. */
  async function onChainOrder(shop: Awaited<ReturnType<typeof createShop>>, hash: string) {
    const { orderId } = await placeOrder(money, shop, { rail: "direct", pay: true });
    const ref = `0x${orderId.replace(/-/g, "").padEnd(64, "0")}`;
    await db.sql.query(`UPDATE orders SET chain_ref = $2, chain_amount = 40000000, chain_merchant = $3 WHERE id = $1`, [orderId, ref, `0x${"1".repeat(40)}`]);
    await db.sql.query(
      `INSERT INTO chain_events (id, chain_id, contract, tx_hash, log_index, block_number, block_hash, name, chain_ref, amount, status, outcome, tenant_id, order_id)
       VALUES (gen_random_uuid(), 31337, $1, $2, 0, 7, $3, 'PaidDirect', $4, 40000000, 'confirmed', 'recorded', $5, $6)`,
      [`0x${"2".repeat(40)}`, hash, `0x${"4".repeat(64)}`, ref, shop.tenantId, orderId]);
    return orderId;
  }

  it("is absent by default and present once the shop enables invoice_show_tx_hash", async () => {
    const shop = await createShop(db, { rails: ["direct"] });
    const [hidden, shown] = [`0x${"a1".repeat(32)}`, `0x${"b2".repeat(32)}`];
    const before = (await pdfText((await documents.file(shop.tenantId, await onChainOrder(shop, hidden), "invoice"))!.content)).text;
    expect(before).toContain("(on chain)");
    expect(before).not.toContain(hidden);
    await db.prisma.tenantPaymentPolicy.update({ where: { tenantId: shop.tenantId }, data: { invoiceShowTxHash: true } });
    const after = (await pdfText((await documents.file(shop.tenantId, await onChainOrder(shop, shown), "invoice"))!.content)).text;
    expect(after).toContain(`Transaction: ${shown}`);
  });
});

describe("the invoice's header mark (G7-7)", () => {
  const hasImage = (pdf: Buffer) => pdf.includes("/Subtype /Image");

  it("is the shop's uploaded logo when it has one, else the platform wordmark, never nothing", async () => {
    const plain = await createShop(db, { rails: ["direct"] });
    const first = await placeOrder(money, plain, { rail: "direct", pay: true });
    const wordmark = (await documents.file(plain.tenantId, first.orderId, "invoice"))!.content;
    expect(hasImage(wordmark)).toBe(false);
    expect((await pdfText(wordmark)).items).toContain("Storefront");

    const branded = await createShop(db, { rails: ["direct"] });
    const logo = await uploads.save(OPERATOR, branded.tenantId, "logo", PNG_1x1);
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: branded.tenantId } });
    await db.prisma.tenant.update({ where: { id: branded.tenantId }, data: { brand: { ...(tenant.brand as object), logoUrl: mediaPath(logo.key) } } });
    const second = await placeOrder(money, branded, { rail: "direct", pay: true });
    const withLogo = (await documents.file(branded.tenantId, second.orderId, "invoice"))!.content;
    expect(hasImage(withLogo)).toBe(true);
    expect((await pdfText(withLogo)).items).not.toContain("Storefront");
  });
});
