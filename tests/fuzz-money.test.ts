/**
 * Issue 20 (Deliver 3): generated money operation sequences against the real MoneyService (state machine, ledger,
 * escrow, sandbox rail) on a cloned test database. Each sequence is one order taken through 3–8 operations —
 * checkout, pay, mark paid, ship, the right or a wrong delivery code, a new code, dispute, resolution either way,
 * expiry and the release job on an advanced clock, the payout job, the shop's kill switch, a replayed checkout — any
 * of them sometimes sent twice at once. After each sequence the order's invariants are checked; at the end, with
 * every lane idle, the whole ledger, escrow against held orders, stock, and the reconciliation (0 violations).
 */
import { describe, expect, it } from "vitest";
import type { OrderStatus } from "@prisma/client";
import { ApiError } from "#server/http/errors.ts";
import { TRANSITIONS, type CheckoutInput } from "#server/money/index.ts";
import { createTestDatabase } from "./db.ts";
import { ADDRESS, MERCHANT, OPERATOR, createShop, expectLedgerConsistent, moneyHarness } from "./money-fixture.ts";
import { Failures, cases, pool, printCount } from "./fuzz/harness.ts";
import { MONEY_REGRESSIONS } from "./fuzz/regressions.ts";
import { opFor, sequence, type Op, type Sequence } from "./fuzz/money-sequences.ts";

const db = await createTestDatabase();
const TTL = 30 * 60_000;
const GRACE = 3_600_000;
// Payouts the sequence does not run itself are the worker's; a long grace keeps reconciliation from flagging them.
const h = moneyHarness(db, { orderTtlMs: TTL, releaseGraceMs: GRACE, codeAttemptsPer15Min: 1_000, payoutGraceMs: 24 * GRACE });

/** Refusals a sequence provokes on purpose; anything else (a plain Error, a 5xx) is a failure. */
const isRefusal = (err: unknown) => err instanceof ApiError && err.status >= 400 && err.status < 500;
/** Raw SQL through Prisma's pool: db.sql is a single client, on which concurrent lanes would queue. */
const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => db.prisma.$queryRawUnsafe<T[]>(q, ...params);
const HELD: OrderStatus[] = ["escrow_funded", "fulfilling", "delivered", "disputed"];

describe("fuzz: money operation sequences", () => {
  it("never an unexpected error; every order legal, every posting balanced, escrow equal to the held orders, 0 violations", { timeout: 900_000 }, async () => {
    const LANES = 8;
    // One shop per lane: a lane's kill switch and stock are its own, so concurrent lanes cannot muddle the checks.
    const shops: Array<Awaited<ReturnType<typeof createShop>>> = [];
    for (let i = 0; i < LANES; i++) {
      shops.push(await createShop(db, { items: [{ title: "Lamp", price: "40.00", stock: 1_000_000 }, { title: "E-book", price: "9.99", stock: null, kind: "digital" }] }));
    }
    const all = [...MONEY_REGRESSIONS, ...cases(sequence, 2_000, 300)];
    const failures = new Failures();
    const stats: Record<string, number> = {};
    const note = (k: string) => (stats[k] = (stats[k] ?? 0) + 1);
    let done = 0;
    const started = Date.now();

    const run = async (seq: Sequence, lane: number) => {
      const shop = shops[lane]!;
      let offset = 0; // this sequence's clock: expiry and release move it forward
      const money = h.make({ orderTtlMs: TTL, releaseGraceMs: GRACE, codeAttemptsPer15Min: 1_000, payoutGraceMs: 24 * GRACE }, () => new Date(Date.now() + offset));
      const input: CheckoutInput = {
        items: [{ itemId: shop.item(seq.item), quantity: seq.quantity }], email: "fuzz@example.test", rail: seq.rail,
        shippingAddress: ADDRESS, acknowledgeNoEscrow: true,
      };
      const key = `fuzz-${lane}-${done}-${Math.random().toString(36).slice(2)}`;
      const placed = await money.checkout(shop.tenantId, input, key);
      const { id: orderId } = placed.order;
      const { token } = placed;
      let paused = false;
      const postings = async () => Number((await sql<{ n: bigint }>(`SELECT count(*) n FROM ledger_postings WHERE order_id = $1::uuid`, [orderId]))[0]!.n);
      const openDispute = () => db.prisma.dispute.findFirst({ where: { orderId, tenantId: shop.tenantId, status: "open" }, select: { id: true } });
      const act = async (op: Op) => {
        switch (op) {
          case "pay": return money.sandboxPay(shop.tenantId, token);
          case "markPaid": return money.markInvoicePaid(MERCHANT, shop.tenantId, orderId, "fuzz evidence");
          case "ship": return money.ship(MERCHANT, shop.tenantId, orderId);
          case "rightCode":
          case "wrongCode": {
            const code = (await money.buyerOrder(shop.tenantId, token)).deliveryCode?.code ?? "123456";
            return money.enterDeliveryCode(MERCHANT, shop.tenantId, orderId, op === "rightCode" ? code : String((Number(code) + 1) % 1_000_000).padStart(6, "0"));
          }
          case "reissueCode": return money.reissueDeliveryCode(shop.tenantId, token);
          case "dispute": return money.openDispute(shop.tenantId, token, "Fuzzed complaint");
          case "resolveRelease":
          case "resolveRefund": {
            const d = await openDispute();
            return d && money.resolveDispute(OPERATOR, d.id, op === "resolveRelease" ? "release" : "refund", "Fuzzed resolution");
          }
          case "expire":
            offset += TTL + 1_000;
            return money.expire(shop.tenantId, orderId);
          case "release": return money.release(shop.tenantId, orderId);
          case "releaseLater":
            offset += GRACE + 1_000;
            return money.release(shop.tenantId, orderId);
          case "payout": {
            const e = await db.prisma.escrow.findFirst({ where: { orderId, tenantId: shop.tenantId }, select: { status: true } });
            return e && e.status !== "held" && money.payout(shop.tenantId, orderId, e.status === "released" ? "release" : "refund");
          }
          case "replayCheckout": {
            const again = await money.checkout(shop.tenantId, input, key);
            if (again.order.id !== orderId) throw new Error("a replayed checkout made a second order");
            return again;
          }
          case "pause":
          case "resume":
            paused = op === "pause";
            return money.setKillSwitch(OPERATOR, { tenantId: shop.tenantId, engaged: paused, reason: "fuzz" });
        }
      };
      let status: string = placed.order.status;
      for (const step of seq.steps) {
        const op = opFor(step, status, seq.rail);
        const { twice } = step;
        const before = paused ? await postings() : 0;
        const results = await Promise.allSettled(twice ? [act(op), act(op)] : [act(op)]);
        for (const r of results) {
          if (r.status === "fulfilled") note(op);
          else if (isRefusal(r.reason)) note(`refused:${(r.reason as ApiError).code}`);
          else throw new Error(`${op}${twice ? " (twice at once)" : ""} failed: ${(r.reason as Error).stack ?? String(r.reason)}`);
        }
        if (paused && op !== "pause" && (await postings()) !== before) throw new Error(`${op} wrote a ledger posting while the kill switch was on`);
        status = (await db.prisma.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } })).status;
      }
      if (paused) await money.setKillSwitch(OPERATOR, { tenantId: shop.tenantId, engaged: false, reason: "fuzz" });
      await checkOrder(orderId, shop.tenantId, seq);
    };

    const checkOrder = async (orderId: string, tenantId: string, seq: Sequence) => {
      const order = await db.prisma.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true, rail: true, total: true } });
      note(`end:${order.status}`);
      // The event history is a legal walk of the state machine ending where the order is.
      const events = await db.prisma.orderEvent.findMany({ where: { orderId, tenantId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { fromStatus: true, toStatus: true } });
      let at: OrderStatus | null = null;
      for (const e of events) {
        if (e.fromStatus !== null && at !== null && e.fromStatus !== at) throw new Error(`event from ${e.fromStatus} while the order was ${at}`);
        if (e.fromStatus !== null && !TRANSITIONS[e.fromStatus as OrderStatus].includes(e.toStatus as OrderStatus)) throw new Error(`illegal transition ${e.fromStatus} → ${e.toStatus}`);
        at = e.toStatus as OrderStatus;
      }
      if (at !== order.status) throw new Error(`events end at ${at}, the order is ${order.status}`);
      // Each of the order's postings sums to zero.
      const unbalanced = await sql(`SELECT p.idempotency_key FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id WHERE p.order_id = $1::uuid GROUP BY p.id, e.currency HAVING sum(e.amount) <> 0`, [orderId]);
      if (unbalanced.length) throw new Error(`unbalanced postings ${JSON.stringify(unbalanced)}`);
      // The escrow row follows the order: held while it is held, settled once it is done, absent for other rails.
      const escrow = await db.prisma.escrow.findFirst({ where: { orderId, tenantId }, select: { status: true, amount: true } });
      const expected = order.rail !== "escrow" || !["escrow_funded", "fulfilling", "delivered", "disputed", "completed", "refunded"].includes(order.status)
        ? null : HELD.includes(order.status) ? "held" : order.status === "completed" ? "released" : "refunded";
      if ((escrow?.status ?? null) !== expected) throw new Error(`escrow ${escrow?.status ?? "none"} for a ${order.rail} order ${order.status}`);
      if (escrow && !escrow.amount.equals(order.total)) throw new Error(`escrow ${escrow.amount} for an order of ${order.total}`);
      if (seq.rail !== order.rail) throw new Error(`rail ${order.rail}, asked for ${seq.rail}`);
    };

    const global = async (label: string) => {
      await expectLedgerConsistent(db);
      const heldVsAccount = await sql(`
        WITH held AS (SELECT tenant_id, sum(amount) s FROM escrows WHERE status = 'held' GROUP BY tenant_id)
        SELECT a.key FROM ledger_accounts a LEFT JOIN held ON a.key = 'escrow:' || held.tenant_id || ':USD'
        WHERE a.key LIKE 'escrow:%' AND a.balance <> COALESCE(held.s, 0)`);
      expect(heldVsAccount, `${label}: escrow account ≠ held orders`).toEqual([]);
      const stockDrift = await sql(`
        SELECT i.id FROM catalog_items i
        LEFT JOIN (SELECT l.item_id, sum(l.quantity) q FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status NOT IN ('expired', 'cancelled') GROUP BY l.item_id) r ON r.item_id = i.id
        WHERE i.stock IS NOT NULL AND i.stock + COALESCE(r.q, 0) <> 1000000`);
      expect(stockDrift, `${label}: stock + reserved ≠ initial stock`).toEqual([]);
      let report = await h.money.reconcile(`fuzz ${label}`);
      while (report.skipped) report = await h.money.reconcile(`fuzz ${label}`);
      expect(report.details, `${label}: reconciliation`).toEqual([]);
    };

    // Lanes take sequences in turn; a lane runs its sequences one after another on its own shop.
    const lanes = Array.from({ length: LANES }, (_, lane) => all.map((s, i) => ({ s, i })).filter(({ i }) => i % LANES === lane));
    await pool(lanes, LANES, async (mine, lane) => {
      for (const { s, i } of mine) {
        try {
          await run(s, lane);
        } catch (err) {
          failures.add({ index: i, input: s, why: (err as Error).message.slice(0, 1_500) });
        }
        done++;
      }
    });
    // Once every lane is idle: a reconciliation run while payments are in flight sees a sandbox transfer whose funding
    // posting is a moment away (the rail moves money before the ledger records it), which is not drift.
    await global("at the end");
    printCount(`money operation sequences (${JSON.stringify(stats)})`, all.length, failures, Date.now() - started);
    expect(failures.report("money")).toBe("");
    // The sequences reached every end state the machine has for these rails.
    for (const s of ["completed", "refunded", "expired", "fulfilling", "delivered", "disputed", "pending_payment"]) expect(stats[`end:${s}`], s).toBeGreaterThan(0);
  });
});
