/**
 * Issue 22 point 5 (ADR 036): a merchant cancels a paid order before it ships. Stock comes back and the buyer is
 * refunded once, even when the cancel is sent twice at once; escrow keeps held = released + refunded (E3); each cancel
 * is audited with its reason; finance and support cannot cancel; another shop's member gets a 404; a shipped order
 * cannot be cancelled.
 */
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { moneyApp } from "./money-app.ts";
import { formPost } from "./tenant-fixture.ts";
import { MERCHANT, createShop, expectLedgerConsistent, httpMember, moneyHarness, placeOrder, sql } from "./money-fixture.ts";

const db = await createTestDatabase();
const { money, config } = moneyHarness(db);
const app = moneyApp(db, config.secret);

const stockOf = async (itemId: string) => (await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: itemId } })).stock;
const postingsOf = async (orderId: string) => (await sql<{ key: string }>(db, `SELECT idempotency_key AS key FROM ledger_postings WHERE order_id = $1::uuid ORDER BY created_at`, [orderId])).map((p) => p.key);
const audits = (orderId: string) => sql<{ action: string; reason: string | null }>(db, `SELECT action, reason FROM audit_log WHERE target = $1 AND action = 'order.cancel'`, [`order:${orderId}`]);
const REASON = { reason: "Out of stock at the supplier" };

describe("merchant cancel over the API", () => {
  it("escrow: two cancels at once refund the hold once, return the stock once, and are audited once (E3)", async () => {
    const shop = await createShop(db);
    const lamp = shop.item("Lamp");
    const before = await stockOf(lamp);
    const placed = await placeOrder(money, shop, { rail: "escrow", pay: true, quantity: 2 });
    expect(await stockOf(lamp)).toBe(before! - 2);
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const manager = await httpMember(db, app.current.port, shop.tenantId, "manager");
    const path = `/api/tenants/${shop.tenantId}/orders/${placed.orderId}/cancel`;
    const [a, b] = await Promise.all([owner.post(path, REASON), manager.post(path, REASON)]);
    expect([a.status, b.status], a.body + b.body).toEqual([200, 200]);
    expect([a.json.data.replayed, b.json.data.replayed].sort()).toEqual([false, true]);
    expect(a.json.data.order.status).toBe("cancelled");
    expect(await stockOf(lamp)).toBe(before);
    expect(await postingsOf(placed.orderId)).toEqual([`fund:${placed.orderId}`, `refund:${placed.orderId}`]);
    const [escrow] = await sql<{ status: string; amount: string; released: string; refunded: string }>(db,
      `SELECT status::text, amount::text, released_amount::text AS released, refunded_amount::text AS refunded FROM escrows WHERE order_id = $1::uuid`, [placed.orderId]);
    expect(escrow!.status).toBe("refunded");
    expect(Number(escrow!.amount)).toBe(Number(escrow!.released) + Number(escrow!.refunded));
    expect(await audits(placed.orderId)).toEqual([{ action: "order.cancel", reason: REASON.reason }]);
    // Later repeats are replays too: nothing more moves.
    expect((await owner.post(path, REASON)).json.data.replayed).toBe(true);
    expect(await postingsOf(placed.orderId)).toHaveLength(2);
    expect(await stockOf(lamp)).toBe(before);
    await expectLedgerConsistent(db);
  });

  it("direct: the merchant's takings and the fee go back to the buyer; the merchant's payable is back to zero", async () => {
    const shop = await createShop(db);
    const placed = await placeOrder(money, shop, { rail: "direct", pay: true });
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const res = await owner.post(`/api/tenants/${shop.tenantId}/orders/${placed.orderId}/cancel`, REASON);
    expect(res.status, res.body).toBe(200);
    expect(await postingsOf(placed.orderId)).toEqual([`fund:${placed.orderId}`, `cancel:${placed.orderId}`]);
    const [payable] = await sql<{ balance: string }>(db, `SELECT balance::text FROM ledger_accounts WHERE tenant_id = $1::uuid AND kind = 'merchant_payable'`, [shop.tenantId]);
    expect(Number(payable!.balance)).toBe(0);
    await expectLedgerConsistent(db);
  });

  it("finance and support cannot cancel, another shop's owner gets a 404, a bad reason is a 400, and a shipped order stays shipped", async () => {
    const shop = await createShop(db);
    const placed = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const path = `/api/tenants/${shop.tenantId}/orders/${placed.orderId}/cancel`;
    for (const role of ["finance", "support"] as const) {
      expect((await (await httpMember(db, app.current.port, shop.tenantId, role)).post(path, REASON)).status).toBe(403);
    }
    const other = await createShop(db);
    const otherOwner = await httpMember(db, app.current.port, other.tenantId, "owner");
    expect((await otherOwner.post(`/api/tenants/${other.tenantId}/orders/${placed.orderId}/cancel`, REASON)).status).toBe(404);
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    expect((await owner.post(path, { reason: "" })).status).toBe(400);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: placed.orderId } })).status).toBe("escrow_funded");
    await money.ship(MERCHANT, shop.tenantId, placed.orderId);
    const late = await owner.post(path, REASON);
    expect([late.status, late.json.error.code]).toEqual([409, "CONFLICT"]);
    expect(await postingsOf(placed.orderId)).toEqual([`fund:${placed.orderId}`]);
    expect(await audits(placed.orderId)).toEqual([]);
  });

  it("the dashboard's cancel form: a manager cancels with a reason; support sees no form and is refused", async () => {
    const shop = await createShop(db);
    const placed = await placeOrder(money, shop, { rail: "direct", pay: true });
    const path = `/dashboard/${shop.tenantId}/orders/${placed.orderId}`;
    const support = await httpMember(db, app.current.port, shop.tenantId, "support");
    expect((await support.get(path)).body).not.toContain("Cancel order and refund");
    expect((await formPost(support, path, { intent: "cancel", reason: "Not allowed" })).status).toBe(403);
    const manager = await httpMember(db, app.current.port, shop.tenantId, "manager");
    expect((await manager.get(path)).body).toContain("Cancel order and refund");
    expect((await formPost(manager, path, { intent: "cancel", reason: "" })).status).toBe(400);
    const done = await formPost(manager, path, { intent: "cancel", reason: "Buyer asked before shipping" });
    expect(done.status, done.body.slice(0, 300)).toBe(200);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: placed.orderId } })).status).toBe("cancelled");
    expect(await audits(placed.orderId)).toEqual([{ action: "order.cancel", reason: "Buyer asked before shipping" }]);
  });

  it("manual invoice: an unpaid one is cancelled with its stock back, once even when sent twice at once; a paid one is refused", async () => {
    const shop = await createShop(db);
    const lamp = shop.item("Lamp");
    const before = await stockOf(lamp);
    const placed = await placeOrder(money, shop, { rail: "manual_invoice", quantity: 3 });
    expect(await stockOf(lamp)).toBe(before! - 3);
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const path = `/api/tenants/${shop.tenantId}/orders/${placed.orderId}/cancel`;
    const [a, b] = await Promise.all([owner.post(path, REASON), owner.post(path, REASON)]);
    expect([a.status, b.status], a.body + b.body).toEqual([200, 200]);
    expect([a.json.data.replayed, b.json.data.replayed].sort()).toEqual([false, true]);
    expect(await stockOf(lamp)).toBe(before);
    expect(await postingsOf(placed.orderId)).toEqual([]);
    expect(await audits(placed.orderId)).toEqual([{ action: "order.cancel", reason: REASON.reason }]);
    const paid = await placeOrder(money, shop, { rail: "manual_invoice" });
    await money.markInvoicePaid(MERCHANT, shop.tenantId, paid.orderId, "Bank transfer seen");
    const refused = await owner.post(`/api/tenants/${shop.tenantId}/orders/${paid.orderId}/cancel`, REASON);
    expect([refused.status, refused.json.error.code]).toEqual([409, "CONFLICT"]);
    await expectLedgerConsistent(db);
  });
});
