/** docs/money.md matrix E1–E6 and O2–O4: escrow, release, refund, disputes and the state machine, asserted with SQL. */
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { caught } from "./caught.ts";
import { MERCHANT, OPERATOR, createShop, deliveredOrder, expectLedgerConsistent, moneyHarness, placeOrder, runChild, sql } from "./money-fixture.ts";
import type { ApiError } from "#server/http/errors.ts";

const db = await createTestDatabase();
const h = moneyHarness(db);
const { money } = h;
const count = async (q: string, p: unknown[] = []) => Number((await sql<{ n: string }>(db, q, p))[0]!.n);
const balance = async (key: string) => (await sql<{ b: string }>(db, `SELECT balance::text b FROM ledger_accounts WHERE key = $1`, [key]))[0]?.b ?? "0";
const status = async (orderId: string) => (await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status;
const escrow = (orderId: string) => db.prisma.escrow.findUniqueOrThrow({ where: { orderId } });
const snapshot = async (orderId: string) => ({
  status: await status(orderId),
  postings: await count(`SELECT count(*) n FROM ledger_postings WHERE order_id = $1`, [orderId]),
  entries: await count(`SELECT count(*) n FROM ledger_entries e JOIN ledger_postings p ON p.id = e.posting_id WHERE p.order_id = $1`, [orderId]),
  transfers: await count(`SELECT count(*) n FROM sandbox_transfers WHERE order_id = $1`, [orderId]),
  events: await count(`SELECT count(*) n FROM order_events WHERE order_id = $1`, [orderId]),
});

describe("escrow (E1–E6)", () => {
  it("E1 escrow funding: HELD implies the held amount is in escrow:<tenant> (also when funded twice at once)", async () => {
    const shop = await createShop(db);
    const a = await placeOrder(money, shop, { rail: "escrow" });
    const b = await placeOrder(money, shop, { rail: "escrow", quantity: 2 });
    await Promise.allSettled([money.sandboxPay(shop.tenantId, a.token), money.sandboxPay(shop.tenantId, a.token), money.sandboxPay(shop.tenantId, b.token)]);
    expect((await escrow(a.orderId)).status).toBe("held");
    expect((await escrow(b.orderId)).amount.toFixed()).toBe("80");
    const [held] = await sql<{ s: string }>(db, `SELECT sum(amount)::text s FROM escrows WHERE tenant_id = $1 AND status = 'held'`, [shop.tenantId]);
    expect(await balance(`escrow:${shop.tenantId}:USD`)).toBe(held!.s);
    expect(held!.s).toBe("120.000000000000000000");
    await expectLedgerConsistent(db);
  });

  it("E2 release after delivery: RELEASED once; merchant credited once, minus the fee (two releases at once)", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    const results = await Promise.all([money.release(shop.tenantId, orderId), money.release(shop.tenantId, orderId)]);
    expect(results.filter((r) => r === "released")).toHaveLength(1);
    const e = await escrow(orderId);
    expect([e.status, e.releasedAmount.toFixed(), e.feeAmount.toFixed()]).toEqual(["released", "40", "1"]); // 2.5 % of 40
    expect(await balance(`merchant_payable:${shop.tenantId}:USD`)).toBe("39.000000000000000000");
    expect(await balance(`platform_fees:${shop.tenantId}:USD`)).toBe("1.000000000000000000");
    expect(await balance(`escrow:${shop.tenantId}:USD`)).toBe("0.000000000000000000");
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
    expect(await status(orderId)).toBe("completed");
    // Order events went out after each commit, once each (notifyTenantAdmins dedupes by these ids).
    const published = h.events.map((ev) => ev.id).filter((id) => id.endsWith(orderId));
    expect(published).toEqual(["created", "paid", "shipped", "delivered", "released"].map((k) => `order.${k}:${orderId}`));
    // Exactly once, by the database too: a settled escrow cannot change again.
    await expect(db.sql.query(`UPDATE escrows SET status = 'refunded', released_amount = 0, refunded_amount = amount WHERE order_id = $1`, [orderId])).rejects.toThrow(/already released/);
    await expectLedgerConsistent(db);
  });

  it("the disputes queue: open ones oldest first; resolved ones newest resolution first, so a long history never hides today's", async () => {
    const shop = await createShop(db);
    const opened: string[] = [];
    for (const reason of ["First complaint", "Second complaint", "Third complaint", "Fourth complaint"]) {
      const { token } = await placeOrder(money, shop, { rail: "escrow", pay: true });
      await money.openDispute(shop.tenantId, token, reason);
      opened.push((await money.listDisputes("open", 500)).find((d) => d.reason === reason && d.tenantId === shop.tenantId)!.id);
    }
    const mine = (list: Array<{ id: string; tenantId: string }>) => list.filter((d) => d.tenantId === shop.tenantId).map((d) => d.id);
    expect(mine(await money.listDisputes("open", 500))).toEqual(opened);
    for (const id of opened.slice(0, 3)) await money.resolveDispute(OPERATOR, id, "refund", "Resolved in order");
    expect(await money.listDisputes("resolved", 2).then((l) => l.map((d) => d.id))).toEqual([opened[2], opened[1]]);
    expect(mine(await money.listDisputes("open", 500))).toEqual([opened[3]]);
  });

  it("E3 refund after a dispute: REFUNDED; held = released + refunded (resolved twice at once → once)", async () => {
    const shop = await createShop(db);
    const { orderId, token } = await placeOrder(money, shop, { rail: "escrow", pay: true });
    await money.openDispute(shop.tenantId, token, "Never arrived");
    const dispute = (await money.listDisputes("open", 500)).find((d) => d.orderId === orderId);
    const results = await Promise.allSettled([
      money.resolveDispute(OPERATOR, dispute!.id, "refund", "Carrier lost it"),
      money.resolveDispute(OPERATOR, dispute!.id, "refund", "Carrier lost it"),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const e = await escrow(orderId);
    expect(e.status).toBe("refunded");
    expect(e.amount.toFixed()).toBe(e.releasedAmount.plus(e.refundedAmount).toFixed());
    expect(await status(orderId)).toBe("refunded");
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`refund:${orderId}`])).toBe(1);
    expect(await count(`SELECT count(*) n FROM sandbox_transfers WHERE idempotency_key = $1`, [`refund:${orderId}`])).toBe(1);
    expect(await count(`SELECT count(*) n FROM audit_log WHERE action = 'order.dispute_refund' AND target = $1`, [`order:${orderId}`])).toBe(1);
    await expectLedgerConsistent(db);
  });

  it("E4 two concurrent release jobs: one release, one credit, one outside transfer", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    const other = h.make();
    await Promise.all([money.release(shop.tenantId, orderId), other.release(shop.tenantId, orderId), money.release(shop.tenantId, orderId)]);
    expect(await count(`SELECT count(*) n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.kind = 'merchant_payable' AND a.tenant_id = $1`, [shop.tenantId])).toBe(1);
    expect(await count(`SELECT count(*) n FROM sandbox_transfers WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
  });

  it("E5 crash: killed after the release committed but before the outside transfer → reconciliation flags it, recovery completes it once", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    const run = await runChild(db.url, h.prefix, "sandbox.before-release:kill", ["release", shop.tenantId, orderId]);
    expect(run.signal, run.out).toBe("SIGKILL");
    expect((await escrow(orderId)).status).toBe("released");
    expect(await count(`SELECT count(*) n FROM sandbox_transfers WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(0);
    const flagged = await money.reconcile("test");
    expect(flagged.skipped).toBe(false);
    if (flagged.skipped) return;
    expect(flagged.details.filter((v) => v.subject.includes(orderId) || v.subject.startsWith(shop.tenantId)).map((v) => v.check)).toEqual(["settled_escrow_paid_out"]);
    // Recovery: the sweep (or the retried job) sends the payout; doing it again sends nothing more.
    expect((await money.sweep()).paidOut).toBe(1);
    await money.release(shop.tenantId, orderId);
    await money.sweep();
    expect(await count(`SELECT count(*) n FROM sandbox_transfers WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
    const clean = await money.reconcile("test");
    expect(!clean.skipped && clean.details.filter((v) => v.subject.includes(orderId) || v.subject.startsWith(shop.tenantId))).toEqual([]);
  });

  it("E5 crash: killed after the outside transfer was sent → the retried release sends nothing twice", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    const run = await runChild(db.url, h.prefix, "sandbox.after-release:kill", ["release", shop.tenantId, orderId]);
    expect(run.signal, run.out).toBe("SIGKILL");
    expect(await money.release(shop.tenantId, orderId)).toBe("already released");
    expect(await count(`SELECT count(*) n FROM sandbox_transfers WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(1);
    await expectLedgerConsistent(db);
  });

  it("E6 kill-switch ON then release: stays HELD (also two attempts at once); the attempt is audited", async () => {
    const shop = await createShop(db);
    const { orderId } = await deliveredOrder(money, shop);
    await money.setKillSwitch(OPERATOR, { tenantId: shop.tenantId, engaged: true, reason: "E6 drill" });
    try {
      const errs = await Promise.all([caught(money.release(shop.tenantId, orderId)), caught(money.release(shop.tenantId, orderId))]);
      expect(errs.map((e) => (e as ApiError).code)).toEqual(["KILL_SWITCH_ON", "KILL_SWITCH_ON"]);
      expect((await escrow(orderId)).status).toBe("held");
      expect(await status(orderId)).toBe("delivered");
      expect(await count(`SELECT count(*) n FROM audit_log WHERE action = 'money.refused_kill_switch' AND target = $1`, [`order:${orderId}`])).toBe(2);
      expect((await money.killSwitchState()).tenants.map((t) => t.tenantId)).toContain(shop.tenantId);
    } finally {
      await money.setKillSwitch(OPERATOR, { tenantId: shop.tenantId, engaged: false, reason: "E6 over" });
    }
    expect(await money.release(shop.tenantId, orderId)).toBe("released");
  });
});

describe("orders (O2–O4) and dispute timing", () => {
  it("O2 replayed payment and release: order state and ledger unchanged", async () => {
    const shop = await createShop(db);
    const { orderId, token } = await deliveredOrder(money, shop);
    await money.release(shop.tenantId, orderId);
    const before = await snapshot(orderId);
    await Promise.all([money.sandboxPay(shop.tenantId, token), money.sandboxPay(shop.tenantId, token), money.release(shop.tenantId, orderId), money.release(shop.tenantId, orderId)]);
    await money.sweep();
    expect(await snapshot(orderId)).toEqual(before);
  });

  it("O3 illegal transition: rejected with 409 and nothing written (API, concurrent replays and the database trigger)", async () => {
    const shop = await createShop(db);
    const { orderId } = await placeOrder(money, shop, { rail: "escrow" });
    const before = await snapshot(orderId);
    const err = (await caught(money.ship(MERCHANT, shop.tenantId, orderId))) as ApiError;
    expect([err.status, err.code]).toEqual([409, "CONFLICT"]);
    expect(await snapshot(orderId)).toEqual(before);
    expect(await count(`SELECT count(*) n FROM delivery_codes WHERE order_id = $1`, [orderId])).toBe(0);
    await expect(db.sql.query(`UPDATE orders SET status = 'completed', paid_at = now() WHERE id = $1`, [orderId])).rejects.toThrow(/illegal order transition/);
    // Shipping a funded order twice at once: one wins, one gets 409; one delivery code.
    const paid = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const r = await Promise.allSettled([money.ship(MERCHANT, shop.tenantId, paid.orderId), money.ship(MERCHANT, shop.tenantId, paid.orderId)]);
    expect(r.map((x) => x.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(((r.find((x) => x.status === "rejected") as PromiseRejectedResult).reason as ApiError).status).toBe(409);
    expect(await count(`SELECT count(*) n FROM delivery_codes WHERE order_id = $1`, [paid.orderId])).toBe(1);
  });

  it("O4 dispute raised while the release job runs: the release does not happen when the dispute wins", async () => {
    const shop = await createShop(db);
    for (let i = 0; i < 8; i++) {
      const { orderId, token } = await deliveredOrder(money, shop);
      const [released, disputed] = await Promise.allSettled([money.release(shop.tenantId, orderId), money.openDispute(shop.tenantId, token, "Broken on arrival")]);
      const e = await escrow(orderId);
      if (disputed.status === "fulfilled") {
        expect(e.status).toBe("held");
        expect(await status(orderId)).toBe("disputed");
        expect(await count(`SELECT count(*) n FROM sandbox_transfers WHERE idempotency_key = $1`, [`release:${orderId}`])).toBe(0);
      } else {
        expect(released).toMatchObject({ status: "fulfilled", value: "released" });
        expect(e.status).toBe("released");
        expect(await count(`SELECT count(*) n FROM disputes WHERE order_id = $1`, [orderId])).toBe(0);
      }
    }
    await expectLedgerConsistent(db);
  });

  it("a dispute opened during the grace period stops the release; refunding gives REFUNDED with held = released + refunded", async () => {
    const shop = await createShop(db);
    let clock = new Date();
    const graceful = h.make({ releaseGraceMs: 3_600_000 }, () => clock);
    const { orderId, token } = await deliveredOrder(graceful, shop);
    expect(await graceful.release(shop.tenantId, orderId)).toBe("not due");
    await graceful.openDispute(shop.tenantId, token, "Wrong colour");
    clock = new Date(Date.now() + 2 * 3_600_000); // the grace period is over
    expect(await graceful.release(shop.tenantId, orderId)).toBe("not deliverable");
    expect((await graceful.sweep()).released).toBe(0);
    expect((await escrow(orderId)).status).toBe("held");
    const dispute = (await graceful.listDisputes("open")).find((d) => d.orderId === orderId)!;
    await graceful.resolveDispute(OPERATOR, dispute.id, "refund", "Seller agreed");
    const e = await escrow(orderId);
    expect([e.status, e.amount.toFixed(), e.releasedAmount.plus(e.refundedAmount).toFixed()]).toEqual(["refunded", "40", "40"]);
    expect(await status(orderId)).toBe("refunded");
    const view = await graceful.buyerOrder(shop.tenantId, token);
    expect(view.timeline.map((t) => t.to)).toEqual(["pending_payment", "escrow_funded", "fulfilling", "delivered", "disputed", "refunded"]);
    expect(h.events.map((ev) => ev.id)).toEqual(expect.arrayContaining([`order.disputed:${orderId}`, `order.refunded:${orderId}`, `order.delivered:${orderId}`]));
  });

  it("the delivery code is single use, expires, caps attempts, and only the buyer's view carries it", async () => {
    const shop = await createShop(db);
    const { orderId, token } = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const merchant = await money.ship(MERCHANT, shop.tenantId, orderId);
    expect(JSON.stringify(merchant)).not.toMatch(/"code"/);
    expect(merchant.deliveryCodePending).toBe(true);
    const code = (await money.buyerOrder(shop.tenantId, token)).deliveryCode!.code;
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(await db.prisma.deliveryCode.findUniqueOrThrow({ where: { orderId } }))).not.toContain(code);
    const wrong = code === "000000" ? "000001" : "000000";
    expect(((await caught(money.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, wrong))) as ApiError).code).toBe("DELIVERY_CODE_INVALID");
    const both = await Promise.allSettled([money.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, code), money.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, code)]);
    expect(both.map((b) => b.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await status(orderId)).toBe("delivered");
    expect((await money.buyerOrder(shop.tenantId, token)).deliveryCode).toBeNull();
    // Rate limit: 5 attempts per 15 minutes per order (3 used above), then 429.
    await caught(money.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, code));
    await caught(money.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, code));
    expect(((await caught(money.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, code))) as ApiError).code).toBe("RATE_LIMITED");
    // An expired code is refused.
    const late = await placeOrder(money, shop, { rail: "escrow", pay: true });
    await money.ship(MERCHANT, shop.tenantId, late.orderId);
    const lateCode = (await money.buyerOrder(shop.tenantId, late.token)).deliveryCode!.code;
    await db.sql.query(`UPDATE delivery_codes SET expires_at = now() - interval '1 minute' WHERE order_id = $1`, [late.orderId]);
    expect(((await caught(money.enterDeliveryCode(MERCHANT, shop.tenantId, late.orderId, lateCode))) as ApiError).code).toBe("DELIVERY_CODE_INVALID");
    expect(await status(late.orderId)).toBe("fulfilling");
  });

  it("manual invoice: marked paid with an evidence note, audited; the merchant is credited minus the fee", async () => {
    const shop = await createShop(db);
    await money.setPlatformFee(OPERATOR, shop.tenantId, 1000);
    const { orderId } = await placeOrder(money, shop, { rail: "manual_invoice" });
    const view = await money.markInvoicePaid(MERCHANT, shop.tenantId, orderId, "Bank transfer ref 42");
    expect([view.status, view.evidenceNote]).toEqual(["paid", "Bank transfer ref 42"]);
    expect(await balance(`merchant_payable:${shop.tenantId}:USD`)).toBe("36.000000000000000000");
    expect(await count(`SELECT count(*) n FROM audit_log WHERE action = 'order.invoice_paid' AND target = $1`, [`order:${orderId}`])).toBe(1);
    expect(((await caught(money.markInvoicePaid(MERCHANT, shop.tenantId, orderId, "again"))) as ApiError).status).toBe(409);
    // The fee is billed monthly on this rail (ADR 025): the merchant is credited in full, then the fee accrues as owed.
    expect(view.ledger.map((p) => p.key).sort()).toEqual([`fee:${orderId}`, `fund:${orderId}`]);
    expect(await balance(`merchant_fee_receivable:${shop.tenantId}:USD`)).toBe("4.000000000000000000");
  });

  it("pending payment expires after the TTL and returns the stock; a paid order never expires", async () => {
    const shop = await createShop(db, { items: [{ title: "Lamp", price: "40.00", stock: 5 }] });
    const a = await placeOrder(money, shop, { rail: "escrow", quantity: 2 });
    const b = await placeOrder(money, shop, { rail: "escrow", quantity: 1, pay: true });
    const stock = async () => (await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: shop.item("Lamp") } })).stock;
    expect(await stock()).toBe(2);
    const later = h.make({}, () => new Date(Date.now() + 3_600_000));
    expect(await later.expire(shop.tenantId, a.orderId)).toBe(true);
    expect(await later.expire(shop.tenantId, a.orderId)).toBe(false);
    expect(await later.expire(shop.tenantId, b.orderId)).toBe(false);
    expect([await status(a.orderId), await status(b.orderId), await stock()]).toEqual(["expired", "escrow_funded", 4]);
  });

  it("the sweep skips a tenant whose kill switch is on and still catches up on the others", async () => {
    const [paused, running] = [await createShop(db), await createShop(db)];
    const later = h.make({}, () => new Date(Date.now() + 3_600_000));
    const a = await placeOrder(money, paused, { rail: "escrow" });
    const b = await placeOrder(money, running, { rail: "escrow" });
    await money.setKillSwitch(OPERATOR, { tenantId: paused.tenantId, engaged: true, reason: "sweep drill" });
    try {
      await later.sweep();
      expect([await status(a.orderId), await status(b.orderId)]).toEqual(["pending_payment", "expired"]);
      expect(await count(`SELECT count(*) n FROM audit_log WHERE action = 'money.refused_kill_switch' AND tenant_id = $1`, [paused.tenantId])).toBe(0);
    } finally {
      await money.setKillSwitch(OPERATOR, { tenantId: paused.tenantId, engaged: false, reason: "sweep drill over" });
    }
    await later.sweep();
    expect(await status(a.orderId)).toBe("expired");
  });
});
