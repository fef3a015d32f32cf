/**
 * Reconciliation after a randomized soak (MONEY_SOAK_SECONDS, default 120): concurrent checkouts, payments on
 * every rail, shipments, codes (right and wrong), releases, disputes resolved both ways, expiries. Then the
 * reconciliation must report 0 violations; a deliberately corrupted balance row is then detected, reported and
 * left exactly as it is.
 */
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { ADDRESS, MERCHANT, OPERATOR, createShop, expectLedgerConsistent, moneyHarness, newKey, sql } from "./money-fixture.ts";
import { ApiError } from "#server/http/errors.ts";

const SOAK_MS = Number(process.env.MONEY_SOAK_SECONDS ?? 120) * 1000;
const db = await createTestDatabase();
// Orders left unpaid expire after 2 s; releases use a clock past the grace period.
const h = moneyHarness(db, { codeAttemptsPer15Min: 1000, orderTtlMs: 2_000 });
const later = h.make({ codeAttemptsPer15Min: 1000, orderTtlMs: 2_000 }, () => new Date(Date.now() + 2 * 3_600_000));
const { money } = h;

// Refusals the soak provokes on purpose (races between actors); anything else fails the test.
const EXPECTED = new Set(["CONFLICT", "OUT_OF_STOCK", "DELIVERY_CODE_INVALID", "RAIL_NOT_ALLOWED", "VALIDATION_ERROR", "RATE_LIMITED"]);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
const ACTIONS = ["pay", "ship", "code", "wrongCode", "release", "dispute", "resolve", "expire", "markPaid"] as const;
type Action = (typeof ACTIONS)[number];

describe("reconciliation", () => {
  it("reports 0 drift after a randomized soak; a corrupted balance row is detected, reported and left as is", { timeout: SOAK_MS + 120_000 }, async () => {
    const shops = await Promise.all([1, 2, 3].map((i) =>
      createShop(db, {
        rails: ["escrow", "direct", "manual_invoice"], threshold: "150", escrowCategories: ["Art"], mode: i === 1 ? "strict" : "plain",
        items: [
          { title: "Lamp", price: "40.00", stock: 400 }, { title: "Print", price: "12.34", stock: 300, category: "Art" },
          { title: "E-book", price: "9.99", stock: null, kind: "digital" }, { title: "Chair", price: "199.90", stock: 50 },
        ],
      }),
    ));
    const orders: Array<{ tenantId: string; orderId: string; token: string }> = [];
    const stats: Record<string, number> = {};
    const note = (k: string) => (stats[k] = (stats[k] ?? 0) + 1);
    const step = async () => {
      const shop = pick(shops);
      const roll = Math.random();
      if (roll < 0.3 || orders.length < 10) {
        const title = pick(["Lamp", "Print", "E-book", "Chair"]);
        const r = await money.checkout(shop.tenantId, {
          items: [{ itemId: shop.item(title), quantity: 1 + Math.floor(Math.random() * 3) }], email: "soak@example.test", shippingAddress: ADDRESS,
          rail: pick(["escrow", "direct", "manual_invoice"] as const), acknowledgeNoEscrow: Math.random() < 0.9,
        }, newKey());
        orders.push({ tenantId: shop.tenantId, orderId: r.order.id, token: r.token });
        return note("checkout");
      }
      // Mostly the next step of a recent order (so orders go the whole way), sometimes anything at all (races).
      const o = Math.random() < 0.8 ? pick(orders.slice(-40)) : pick(orders);
      const order = await db.prisma.order.findUniqueOrThrow({ where: { id: o.orderId } });
      const next: Record<string, readonly Action[]> = {
        pending_payment: order.rail === "manual_invoice" ? ["markPaid"] : ["pay"],
        escrow_funded: ["ship", "ship", "ship", "dispute"], paid: ["ship"], fulfilling: ["code", "code", "code", "wrongCode", "dispute"],
        delivered: ["release", "release", "dispute"], disputed: ["resolve"],
      };
      const act = Math.random() < 0.8 && next[order.status] ? pick(next[order.status]!) : pick(ACTIONS);
      if (act === "pay") await money.sandboxPay(o.tenantId, o.token);
      else if (act === "markPaid") await money.markInvoicePaid(MERCHANT, o.tenantId, o.orderId, "soak evidence");
      else if (act === "ship") await money.ship(MERCHANT, o.tenantId, o.orderId);
      else if (act === "code" || act === "wrongCode") {
        const code = (await money.buyerOrder(o.tenantId, o.token)).deliveryCode?.code ?? "123456";
        await money.enterDeliveryCode(MERCHANT, o.tenantId, o.orderId, act === "code" ? code : code === "000000" ? "000001" : "000000");
      } else if (act === "release") await (Math.random() < 0.5 ? money : later).release(o.tenantId, o.orderId);
      else if (act === "dispute") await money.openDispute(o.tenantId, o.token, "soak dispute");
      else if (act === "resolve") {
        const d = await db.prisma.dispute.findFirst({ where: { orderId: order.id, status: "open" } });
        if (d) await money.resolveDispute(OPERATOR, d.id, pick(["release", "refund"] as const), "soak resolution");
      } else if (act === "expire") await (Math.random() < 0.5 ? money.expire(o.tenantId, o.orderId) : money.sweep());
      note(act);
    };
    const deadline = Date.now() + SOAK_MS;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (Date.now() < deadline) {
        try {
          await step();
        } catch (err) {
          if (err instanceof ApiError && EXPECTED.has(err.code)) note(`refused:${err.code}`);
          else throw err;
        }
      }
    }));
    await money.sweep();
    const report = await money.reconcile("soak");
    expect(report.skipped).toBe(false);
    if (report.skipped) return;
    expect(report.details).toEqual([]);
    await expectLedgerConsistent(db);
    // The soak really exercised every path.
    const reached = await sql<{ to_status: string }>(db, `SELECT DISTINCT to_status FROM order_events`);
    expect(reached.map((s) => s.to_status)).toEqual(expect.arrayContaining(["pending_payment", "escrow_funded", "paid", "fulfilling", "delivered", "completed", "disputed", "refunded", "expired"]));
    expect((await sql(db, `SELECT 1 FROM catalog_items WHERE stock < 0`))).toEqual([]);
    expect(stats.checkout).toBeGreaterThan(50);

    // Corrupt one balance row (as a bad manual fix would): detected, reported, counted, and left alone.
    const key = `merchant_payable:${shops[0]!.tenantId}:USD`;
    await db.sql.query(`UPDATE ledger_accounts SET balance = balance + 5 WHERE key = $1`, [key]);
    const [before] = await sql<{ balance: string }>(db, `SELECT balance::text FROM ledger_accounts WHERE key = $1`, [key]);
    const flagged = await money.reconcile("corruption drill");
    expect(!flagged.skipped && flagged.details).toEqual([
      { check: "account_balance_matches_entries", subject: key, detail: expect.objectContaining({ balance: before!.balance }) },
    ]);
    const [after] = await sql<{ balance: string }>(db, `SELECT balance::text FROM ledger_accounts WHERE key = $1`, [key]);
    expect(after!.balance).toBe(before!.balance);
    const { ledgerInvariantViolationTotal, reports } = await money.reconciliationReports(5);
    expect(ledgerInvariantViolationTotal).toBe(1);
    expect(reports[0]!.violations).toBe(1);
    expect(await money.metricsText()).toMatch(/^ledger_invariant_violation_total 1$/m);
    // One leader: a run while another holds the lock is skipped, not doubled.
    const [first, second] = await Promise.all([money.reconcile("race"), money.reconcile("race")]);
    expect([first.skipped, second.skipped].filter(Boolean).length).toBeLessThanOrEqual(1);
  });
});
