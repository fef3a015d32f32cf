/** docs/money.md matrix W1–W6: the ledger against real Postgres (and Redis for the scheduler), asserted with SQL. */
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { caught } from "./caught.ts";
import { OPERATOR, createShop, expectLedgerConsistent, moneyHarness, placeOrder, runChild, sql } from "./money-fixture.ts";
import { armFailpoints, moneyTx, postLedger } from "#server/money/index.ts";
import { ApiError } from "#server/http/errors.ts";

const db = await createTestDatabase();
const h = moneyHarness(db);
const { money } = h;
const count = async (q: string, p: unknown[] = []) => Number((await sql<{ n: string }>(db, q, p))[0]!.n);
const SYSTEM = { userId: null, kind: "system" as const };

async function debit(tenantId: string, key: string, amount: string) {
  return moneyTx(db.prisma, { tenantId, action: "test.debit", target: key, actor: SYSTEM }, (tx) =>
    postLedger(tx, { tenantId, key, kind: "test", currency: "USD", entries: [{ account: { kind: "escrow" }, amount: `-${amount}` }, { account: { kind: "external", scope: "test" }, amount }] }),
  );
}

describe("ledger (W1–W6)", () => {
  it("W1 funding posting: per order the entries sum to zero; every balance equals the sum of its entries", async () => {
    const shop = await createShop(db);
    const { orderId } = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const perOrder = await sql<{ s: string }>(db, `SELECT sum(e.amount)::text s FROM ledger_entries e JOIN ledger_postings p ON p.id = e.posting_id WHERE p.order_id = $1`, [orderId]);
    expect(perOrder[0]!.s).toBe("0.000000000000000000");
    expect(await count(`SELECT count(*) n FROM ledger_entries e JOIN ledger_postings p ON p.id = e.posting_id WHERE p.idempotency_key = $1`, [`fund:${orderId}`])).toBe(4);
    const escrow = await sql<{ balance: string }>(db, `SELECT balance::text FROM ledger_accounts WHERE key = $1`, [`escrow:${shop.tenantId}:USD`]);
    expect(escrow[0]!.balance).toBe("40.000000000000000000");
    await expectLedgerConsistent(db);
    // The database refuses an unbalanced posting, even from raw SQL.
    await expect(
      db.prisma.$transaction(async (tx) => {
        const [p] = await tx.$queryRaw<{ id: string }[]>`INSERT INTO ledger_postings (id, tenant_id, idempotency_key, kind) VALUES (gen_random_uuid(), ${shop.tenantId}::uuid, 'bad', 'x') RETURNING id`;
        const [a] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM ledger_accounts WHERE key = ${`escrow:${shop.tenantId}:USD`}`;
        await tx.$executeRaw`INSERT INTO ledger_entries (id, tenant_id, posting_id, account_id, amount, currency) VALUES (gen_random_uuid(), ${shop.tenantId}::uuid, ${p!.id}::uuid, ${a!.id}::uuid, 5, 'USD')`;
      }),
    ).rejects.toThrow(/does not sum to zero/);
  });

  it("W1 replay: the same funding twice at the same time writes one posting", async () => {
    const shop = await createShop(db);
    const { orderId, token } = await placeOrder(money, shop, { rail: "escrow" });
    await Promise.allSettled([money.sandboxPay(shop.tenantId, token), money.sandboxPay(shop.tenantId, token)]);
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE order_id = $1`, [orderId])).toBe(1);
    expect(await count(`SELECT count(*) n FROM sandbox_transfers WHERE order_id = $1`, [orderId])).toBe(1);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("escrow_funded");
    await expectLedgerConsistent(db);
  });

  it("W2 concurrent debits exceeding a balance: exactly the affordable ones succeed; no negative balance", async () => {
    const shop = await createShop(db);
    for (let i = 0; i < 3; i++) await placeOrder(money, shop, { rail: "escrow", pay: true }); // escrow holds 3 × 40
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => debit(shop.tenantId, `w2:${shop.tenantId}:${i}`, "40")));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused.map((r) => (r.reason as ApiError).code)).toEqual(Array(5).fill("INSUFFICIENT_FUNDS"));
    const [row] = await sql<{ balance: string }>(db, `SELECT balance::text FROM ledger_accounts WHERE key = $1`, [`escrow:${shop.tenantId}:USD`]);
    expect(row!.balance).toBe("0.000000000000000000");
    await expect(db.sql.query(`UPDATE ledger_accounts SET balance = -1 WHERE key = $1`, [`escrow:${shop.tenantId}:USD`])).rejects.toThrow(/ledger_accounts_balance_ck/);
    await expectLedgerConsistent(db);
  });

  it("W2 an account money passes through in one posting (debit listed first) is never read as overdrawn", async () => {
    const shop = await createShop(db);
    const through = { kind: "buyer_clearing" as const, scope: `through-${shop.tenantId}` };
    const key = `w2-through:${shop.tenantId}`;
    // Balances apply at commit, entry by entry; the clearing account's debit must not be applied before its credit.
    await moneyTx(db.prisma, { tenantId: shop.tenantId, action: "test.through", target: key, actor: SYSTEM }, (tx) =>
      postLedger(tx, {
        tenantId: shop.tenantId, key, kind: "test", currency: "USD",
        entries: [
          { account: through, amount: "-7.25" }, { account: { kind: "escrow" }, amount: "7.25" },
          { account: { kind: "external", scope: "test" }, amount: "-7.25" }, { account: through, amount: "7.25" },
        ],
      }),
    );
    const [row] = await sql<{ balance: string }>(db, `SELECT balance::text FROM ledger_accounts WHERE key = $1`, [`escrow:${shop.tenantId}:USD`]);
    expect(row!.balance).toBe("7.250000000000000000");
    await expectLedgerConsistent(db);
  });

  it("W2 replay: the same debit key twice at the same time debits once", async () => {
    const shop = await createShop(db);
    await placeOrder(money, shop, { rail: "escrow", pay: true });
    const key = `w2r:${shop.tenantId}`;
    const r = await Promise.all([debit(shop.tenantId, key, "10"), debit(shop.tenantId, key, "10")]);
    expect(r.map((x) => x.replayed).sort()).toEqual([false, true]);
    const [row] = await sql<{ balance: string }>(db, `SELECT balance::text FROM ledger_accounts WHERE key = $1`, [`escrow:${shop.tenantId}:USD`]);
    expect(row!.balance).toBe("30.000000000000000000");
  });

  it("W3 same posting twice (same idempotency key, concurrently): one set of entries; entries are append-only", async () => {
    const shop = await createShop(db);
    await placeOrder(money, shop, { rail: "escrow", pay: true });
    const key = `w3:${shop.tenantId}`;
    await Promise.all(Array.from({ length: 5 }, () => debit(shop.tenantId, key, "1.5")));
    expect(await count(`SELECT count(*) n FROM ledger_entries e JOIN ledger_postings p ON p.id = e.posting_id WHERE p.idempotency_key = $1`, [key])).toBe(2);
    await expect(db.sql.query(`UPDATE ledger_entries SET amount = amount * 2 WHERE tenant_id = $1`, [shop.tenantId])).rejects.toThrow(/append-only/);
    await expect(db.sql.query(`DELETE FROM ledger_entries WHERE tenant_id = $1`, [shop.tenantId])).rejects.toThrow(/append-only/);
    await expect(db.sql.query(`DELETE FROM ledger_postings WHERE tenant_id = $1`, [shop.tenantId])).rejects.toThrow(/append-only/);
    await expectLedgerConsistent(db);
  });

  it("W4 crash: killed between the entry insert and the status update → neither after restart; recovery makes both", async () => {
    const shop = await createShop(db);
    const { orderId, token } = await placeOrder(money, shop, { rail: "escrow" });
    const run = await runChild(db.url, h.prefix, "ledger.after-entries:kill", ["pay", shop.tenantId, token]);
    expect(run.signal, run.out).toBe("SIGKILL");
    // The outside payment happened; inside, neither the entries nor the status change survived.
    expect(await count(`SELECT count(*) n FROM sandbox_transfers WHERE order_id = $1`, [orderId])).toBe(1);
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE order_id = $1`, [orderId])).toBe(0);
    expect((await sql<{ status: string }>(db, `SELECT status FROM orders WHERE id = $1`, [orderId]))[0]!.status).toBe("pending_payment");
    expect(await count(`SELECT count(*) n FROM escrows WHERE order_id = $1`, [orderId])).toBe(0);
    // Recovery (the money sweep) records the funding the outside system has: both, once.
    expect((await money.sweep()).funded).toBe(1);
    expect(await money.sweep()).toMatchObject({ funded: 0 });
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE order_id = $1`, [orderId])).toBe(1);
    expect((await sql<{ status: string }>(db, `SELECT status FROM orders WHERE id = $1`, [orderId]))[0]!.status).toBe("escrow_funded");
    await expectLedgerConsistent(db);
  });

  it("W5 transient DB error then retry: one set of entries", async () => {
    const shop = await createShop(db);
    const { orderId, token } = await placeOrder(money, shop, { rail: "direct" });
    armFailpoints("ledger.after-entries:throw", "test");
    try {
      expect((await caught(money.sandboxPay(shop.tenantId, token))).message).toMatch(/failpoint/);
    } finally {
      armFailpoints(undefined, "test");
    }
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE order_id = $1`, [orderId])).toBe(0);
    // The retry, twice at the same time (a client retrying while the first retry is in flight).
    await Promise.allSettled([money.sandboxPay(shop.tenantId, token), money.sandboxPay(shop.tenantId, token)]);
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE order_id = $1`, [orderId])).toBe(1);
    expect(await count(`SELECT count(*) n FROM ledger_entries e JOIN ledger_postings p ON p.id = e.posting_id WHERE p.order_id = $1`, [orderId])).toBe(5);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("paid");
    await expectLedgerConsistent(db);
  });

  it("W6 kill-switch ON then posting: nothing written; the attempt is audited (global and per tenant, also when concurrent)", async () => {
    const shop = await createShop(db);
    const { orderId, token } = await placeOrder(money, shop, { rail: "escrow" });
    for (const tenantId of [null, shop.tenantId]) {
      await money.setKillSwitch(OPERATOR, { tenantId, engaged: true, reason: "W6 drill" });
      try {
        const errs = await Promise.all([caught(money.sandboxPay(shop.tenantId, token)), caught(money.sandboxPay(shop.tenantId, token))]);
        expect(errs.map((e) => (e as ApiError).code)).toEqual(["KILL_SWITCH_ON", "KILL_SWITCH_ON"]);
        expect((await caught(debit(shop.tenantId, `w6:${tenantId}`, "1")) as ApiError).code).toBe("KILL_SWITCH_ON");
      } finally {
        await money.setKillSwitch(OPERATOR, { tenantId, engaged: false, reason: "W6 drill over" });
      }
    }
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE order_id = $1 OR idempotency_key LIKE 'w6:%'`, [orderId])).toBe(0);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("pending_payment");
    expect(await count(`SELECT count(*) n FROM audit_log WHERE action = 'money.refused_kill_switch' AND tenant_id = $1`, [shop.tenantId])).toBe(6);
    expect(await count(`SELECT count(*) n FROM audit_log WHERE action IN ('money.kill_switch_on', 'money.kill_switch_off')`)).toBeGreaterThanOrEqual(4);
    // Reads keep working, and once the switch is off the payment goes through.
    expect((await money.buyerOrder(shop.tenantId, token)).status).toBe("pending_payment");
    await money.sandboxPay(shop.tenantId, token);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("escrow_funded");
  });
});
