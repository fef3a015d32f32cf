/**
 * Issue 22 point 5 (ADR 040): merchant refunds after delivery, full or partial, by line or amount. Two identical
 * refunds sent at once post once; two different ones that together exceed the paid total — one is refused; a replay
 * of the key answers the same refund; a partial refund from a hold keeps held = released + refunded (E3) through the
 * release; after release the refund is merchant-funded; support gets 403, another shop 404; reconciliation stays clean.
 */
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { moneyApp } from "./money-app.ts";
import { formPost } from "./tenant-fixture.ts";
import { ADDRESS, MERCHANT, createShop, httpBuyer, newKey, deliveredOrder, expectLedgerConsistent, httpMember, moneyHarness, placeOrder, sql } from "./money-fixture.ts";

const db = await createTestDatabase();
const { money, config } = moneyHarness(db);
const app = moneyApp(db, config.secret);

type Escrow = { status: string; amount: string; released: string; refunded: string; fee: string };
const escrowOf = async (orderId: string) => (await sql<Escrow>(db,
  `SELECT status::text, amount::text, released_amount::text AS released, refunded_amount::text AS refunded, fee_amount::text AS fee FROM escrows WHERE order_id = $1::uuid`, [orderId]))[0]!;
const postingsOf = async (orderId: string) => (await sql<{ key: string }>(db, `SELECT idempotency_key AS key FROM ledger_postings WHERE order_id = $1::uuid ORDER BY created_at, idempotency_key`, [orderId])).map((p) => p.key);
const refundAudits = (orderId: string) => sql<{ reason: string }>(db, `SELECT reason FROM audit_log WHERE target = $1 AND action = 'order.refund'`, [`order:${orderId}`]);
const orderOf = (orderId: string) => db.prisma.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true, refundedAmount: true, total: true } });
const balance = async (tenantId: string, kind: string) =>
  (await sql<{ balance: string }>(db, `SELECT balance::text FROM ledger_accounts WHERE tenant_id = $1::uuid AND kind = $2::"LedgerAccountKind"`, [tenantId, kind]))[0]?.balance ?? "0";
const units = (amount: string) => Math.round(Number(amount) * 100);
let k = 0;
const key = () => `refund-test-${Date.now()}-${++k}`;

async function expectReconciled() {
  await expectLedgerConsistent(db);
  const report = await money.reconcile("test");
  expect(report.skipped).toBe(false);
  if (!report.skipped) expect(report.details).toEqual([]);
}

const refundsPath = (tenantId: string, orderId: string) => `/api/tenants/${tenantId}/orders/${orderId}/refunds`;

describe("merchant refunds after delivery", () => {
  it("two identical refunds at once post once; a later replay of the key answers the same refund; the key cannot be reused for another", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const finance = await httpMember(db, app.current.port, shop.tenantId, "finance");
    const body = { amount: "10.00", reason: "Scratched on arrival" };
    const headers = { "idempotency-key": key() };
    const [a, b] = await Promise.all([
      owner.call("POST", refundsPath(shop.tenantId, orderId), body, headers),
      finance.call("POST", refundsPath(shop.tenantId, orderId), body, headers),
    ]);
    expect([a.status, b.status], a.body + b.body).toEqual([201, 201]);
    expect([a.json.data.replayed, b.json.data.replayed].sort()).toEqual([false, true]);
    expect(a.json.data.refund.id).toBe(b.json.data.refund.id);
    expect(await postingsOf(orderId)).toEqual([`fund:${orderId}`, `merchant-refund:${a.json.data.refund.id}`]);
    expect(units((await orderOf(orderId)).refundedAmount.toFixed())).toBe(1000);
    const again = await owner.call("POST", refundsPath(shop.tenantId, orderId), body, headers);
    expect([again.status, again.headers["idempotent-replayed"], again.json.data.refund.id]).toEqual([201, "true", a.json.data.refund.id]);
    const reused = await owner.call("POST", refundsPath(shop.tenantId, orderId), { amount: "5.00", reason: "Another" }, headers);
    expect([reused.status, reused.json.error.code]).toEqual([409, "IDEMPOTENCY_KEY_REUSED"]);
    expect(await refundAudits(orderId)).toEqual([{ reason: "Scratched on arrival" }]);
    // The buyer is told once, with the refunded amount.
    const mail = await sql<{ template: string; data: { refundId: string } }>(db, `SELECT template, data FROM email_outbox WHERE data->>'orderId' = $1 AND template = 'order.refunded'`, [orderId]);
    expect(mail.map((m) => m.data.refundId)).toEqual([a.json.data.refund.id]);
    const list = await (await httpMember(db, app.current.port, shop.tenantId, "support")).get(refundsPath(shop.tenantId, orderId));
    expect(list.json.data.items.map((r: { amount: string; source: string }) => [units(r.amount), r.source])).toEqual([[1000, "hold"]]);
    await expectReconciled();
  });

  it("two different refunds that together exceed the paid total: exactly one passes", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    const total = (await orderOf(orderId)).total.toFixed();
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const part = `${units(total) / 100 - 10}.00`;
    const [a, b] = await Promise.all([
      owner.post(refundsPath(shop.tenantId, orderId), { amount: part, reason: "First", key: key() }),
      owner.post(refundsPath(shop.tenantId, orderId), { amount: part, reason: "Second", key: key() }),
    ]);
    expect([a.status, b.status].sort(), a.body + b.body).toEqual([201, 409]);
    expect([a, b].find((r) => r.status === 409)!.json.error.code).toBe("REFUND_EXCEEDS_PAID");
    expect(units((await orderOf(orderId)).refundedAmount.toFixed())).toBe(units(part));
    expect(await refundAudits(orderId)).toHaveLength(1);
    await expectReconciled();
  });

  it("a partial refund from the hold keeps held = released + refunded through the release (E3); the fee is on the rest only", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    const [line] = await db.prisma.orderLine.findMany({ where: { orderId }, select: { id: true, unitPrice: true } });
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const res = await owner.post(refundsPath(shop.tenantId, orderId), { amount: "15.00", reason: "Partial goodwill", key: key() });
    expect(res.status, res.body).toBe(201);
    let e = await escrowOf(orderId);
    expect([e.status, units(e.refunded), units(e.released)]).toEqual(["held", 1500, 0]);
    expect(units(await balance(shop.tenantId, "escrow"))).toBe(units(e.amount) - 1500);
    // Refunding the whole line now would exceed what is left: refused, nothing moves.
    const over = await owner.post(refundsPath(shop.tenantId, orderId), { lines: [{ lineId: line!.id, quantity: 1 }], reason: "Whole lamp", key: key() });
    expect([over.status, over.json.error.code]).toEqual([409, "REFUND_EXCEEDS_PAID"]);
    expect(await money.release(shop.tenantId, orderId)).toBe("released");
    e = await escrowOf(orderId);
    expect(e.status).toBe("released");
    expect(units(e.released) + units(e.refunded)).toBe(units(e.amount));
    expect(units(e.fee)).toBe(Math.floor((units(e.released) * 250) / 10_000));
    expect(units(await balance(shop.tenantId, "escrow"))).toBe(0);
    // Outside, the sandbox escrow paid out exactly the hold: the refunded part and the released rest.
    const out = await sql<{ key: string; amount: string }>(db, `SELECT idempotency_key AS key, amount::text FROM sandbox_transfers WHERE order_id = $1::uuid AND kind <> 'fund' ORDER BY idempotency_key`, [orderId]);
    expect(out.map((t) => units(t.amount)).reduce((s, n) => s + n, 0)).toBe(units(e.amount));
    await expectReconciled();
  });

  it("after release the refund is merchant-funded, within the merchant's balance; refunding the rest closes the order as refunded", async () => {
    const shop = await createShop(db);
    const input = { items: [{ itemId: shop.item("Lamp"), quantity: 1 }, { itemId: shop.item("E-book"), quantity: 5 }], email: "buyer@example.test", shippingAddress: ADDRESS, rail: "escrow" as const, acknowledgeNoEscrow: true };
    const { order, token } = await money.checkout(shop.tenantId, input, newKey());
    const orderId = order.id;
    await money.sandboxPay(shop.tenantId, token);
    await money.ship(MERCHANT, shop.tenantId, orderId);
    await money.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, (await money.buyerOrder(shop.tenantId, token)).deliveryCode!.code);
    expect(await money.release(shop.tenantId, orderId)).toBe("released");
    const payableBefore = units(await balance(shop.tenantId, "merchant_payable"));
    const lines = await db.prisma.orderLine.findMany({ where: { orderId }, select: { id: true, title: true, unitPrice: true } });
    const lamp = lines.find((l) => l.title === "Lamp")!;
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const byLine = await owner.post(refundsPath(shop.tenantId, orderId), { lines: [{ lineId: lamp.id, quantity: 1 }], reason: "Returned the lamp", key: key() });
    expect(byLine.status, byLine.body).toBe(201);
    expect([byLine.json.data.refund.source, units(byLine.json.data.refund.amount)]).toEqual(["merchant", units(lamp.unitPrice.toFixed())]);
    expect(units(await balance(shop.tenantId, "merchant_payable"))).toBe(payableBefore - units(lamp.unitPrice.toFixed()));
    expect((await escrowOf(orderId)).status).toBe("released");
    const again = await owner.post(refundsPath(shop.tenantId, orderId), { lines: [{ lineId: lamp.id, quantity: 1 }], reason: "Twice", key: key() });
    expect([again.status, again.json.error.code]).toEqual([409, "REFUND_EXCEEDS_LINE"]);
    // The platform kept its fee: the merchant's balance does not cover the whole rest, and nothing is written.
    const o = await orderOf(orderId);
    const rest = ((units(o.total.toFixed()) - units(o.refundedAmount.toFixed())) / 100).toFixed(2);
    const short = await owner.post(refundsPath(shop.tenantId, orderId), { amount: rest, reason: "Everything else", key: key() });
    expect([short.status, short.json.error.code]).toEqual([409, "INSUFFICIENT_FUNDS"]);
    expect(await refundAudits(orderId)).toHaveLength(1);
    // With another order's takings on the platform, the rest is refunded and the order closes as refunded.
    await deliveredOrder(money, shop).then((d) => money.release(shop.tenantId, d.orderId));
    const last = await owner.post(refundsPath(shop.tenantId, orderId), { amount: rest, reason: "Everything else", key: key() });
    expect(last.status, last.body).toBe(201);
    expect((await orderOf(orderId)).status).toBe("refunded");
    expect((await escrowOf(orderId)).status).toBe("released");
    await expectReconciled();
  });

  it("direct rail: merchant-funded; a refund of everything while delivered from a hold closes the escrow as refunded", async () => {
    const shop = await createShop(db);
    const direct = await placeOrder(money, shop, { rail: "direct", pay: true });
    await money.ship(MERCHANT, shop.tenantId, direct.orderId);
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const early = await owner.post(refundsPath(shop.tenantId, direct.orderId), { amount: "1.00", reason: "Too early", key: key() });
    expect([early.status, early.json.error.code]).toEqual([409, "CONFLICT"]);
    const { orderId } = await deliveredOrder(money, shop);
    const total = (await orderOf(orderId)).total.toFixed();
    const all = await owner.post(refundsPath(shop.tenantId, orderId), { amount: total, reason: "Never arrived intact", key: key() });
    expect(all.status, all.body).toBe(201);
    expect((await orderOf(orderId)).status).toBe("refunded");
    const e = await escrowOf(orderId);
    expect([e.status, units(e.refunded), units(e.released)]).toEqual(["refunded", units(e.amount), 0]);
    expect(await money.release(shop.tenantId, orderId)).toBe("not deliverable");
    await expectReconciled();
  });

  it("support and manager get 403, another shop's owner 404, bad input 400, no key 400; nothing is written", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    const body = { amount: "1.00", reason: "Not allowed", key: key() };
    for (const role of ["support", "manager"] as const) {
      expect((await (await httpMember(db, app.current.port, shop.tenantId, role)).post(refundsPath(shop.tenantId, orderId), body)).status).toBe(403);
    }
    const other = await createShop(db);
    const otherOwner = await httpMember(db, app.current.port, other.tenantId, "owner");
    expect((await otherOwner.post(refundsPath(other.tenantId, orderId), body)).status).toBe(404);
    expect((await otherOwner.get(refundsPath(other.tenantId, orderId))).status).toBe(404);
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    for (const bad of [{ ...body, amount: "-1" }, { ...body, amount: "1.001" }, { ...body, reason: "" }, { reason: "Both", amount: "1", lines: [{ lineId: orderId, quantity: 1 }], key: key() }, { amount: "1.00", reason: "No key" }]) {
      const res = await owner.post(refundsPath(shop.tenantId, orderId), bad);
      expect([res.status, res.json.error.code], JSON.stringify(bad)).toEqual([400, "VALIDATION_ERROR"]);
    }
    expect(await refundAudits(orderId)).toEqual([]);
    expect(units((await orderOf(orderId)).refundedAmount.toFixed())).toBe(0);
  });

  it("the database refuses refunds past the total even without the application's check", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    await expect(db.sql.query(`UPDATE orders SET refunded_amount = total + 1 WHERE id = $1::uuid`, [orderId])).rejects.toThrow(/orders_refunded_amount_ck/);
    await expect(db.sql.query(`UPDATE orders SET status = 'refunded' WHERE id = $1::uuid`, [orderId])).rejects.toThrow(/illegal order transition/);
  });

  it("the dashboard's refund form: finance refunds a line with a reason; support sees no form and is refused; the buyer's page lists the refund", async () => {
    const shop = await createShop(db);
    const placed = await deliveredOrder(money, shop);
    const [line] = await db.prisma.orderLine.findMany({ where: { orderId: placed.orderId }, select: { id: true } });
    const path = `/dashboard/${shop.tenantId}/orders/${placed.orderId}`;
    const fields = { intent: "refund", reason: "Arrived damaged", key: key(), "lines[0].lineId": line!.id, "lines[0].quantity": "1", amount: "" };
    const support = await httpMember(db, app.current.port, shop.tenantId, "support");
    expect((await support.get(path)).body).not.toContain('data-testid="refund-form"');
    expect((await formPost(support, path, fields)).status).toBe(403);
    const finance = await httpMember(db, app.current.port, shop.tenantId, "finance");
    expect((await finance.get(path)).body).toContain('data-testid="refund-form"');
    expect((await formPost(finance, path, { ...fields, reason: "" })).status).toBe(400);
    expect((await formPost(finance, path, { ...fields, amount: "5.00" })).status).toBe(400);
    const done = await formPost(finance, path, fields);
    expect(done.status, done.body.slice(0, 300)).toBe(200);
    expect((await formPost(finance, path, fields)).status).toBe(200); // the same rendered form twice: one refund
    expect(await refundAudits(placed.orderId)).toEqual([{ reason: "Arrived damaged" }]);
    expect((await orderOf(placed.orderId)).status).toBe("refunded");
    expect((await finance.get(path)).body).toContain("Arrived damaged");
    const page = await httpBuyer(app.current.port, shop.slug).get(`/orders/${placed.token}`);
    expect(page.body).toContain('data-testid="refunds"');
    expect(page.body).not.toContain("Arrived damaged");
    await expectReconciled();
  });
});
