/**
 * The platform fee on rails the money never passes through (G13-7, ADR 025): accrued once per order at funding,
 * billed on one statement per shop and month (exactly that month's manual-invoice/Stripe orders, right sum),
 * generated idempotently, settled by an operator (audited, posted), checked by reconciliation; tenant-scoped routes.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { MERCHANT, OPERATOR, createShop, expectLedgerConsistent, httpMember, moneyHarness, placeOrder, sql } from "./money-fixture.ts";
import { caught } from "./caught.ts";
import type { ApiError } from "#server/http/index.ts";

const db = await createTestDatabase();
const h = moneyHarness(db);
const money = h.money;
const balance = async (key: string) => (await sql<{ b: string }>(db, `SELECT balance::text b FROM ledger_accounts WHERE key = $1`, [key]))[0]?.b ?? "0";
const count = async (q: string, p: unknown[] = []) => Number((await sql<{ n: string }>(db, q, p))[0]!.n);
/** Paid in a given month: the funding's clock is moved there (the statement month is the month of paid_at). */
const setPaidAt = (orderId: string, at: string) => db.sql.query(`UPDATE orders SET paid_at = $2 WHERE id = $1`, [orderId, at]);

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", MONEY_SECRET: "fees-test-money-secret-0123456789abcdef" });
});
afterAll(async () => app?.stop());

async function invoicePaid(shop: Awaited<ReturnType<typeof createShop>>, paidAt: string, quantity = 1) {
  const { orderId } = await placeOrder(money, shop, { rail: "manual_invoice", quantity });
  await money.markInvoicePaid(MERCHANT, shop.tenantId, orderId, "bank ref");
  await setPaidAt(orderId, paidAt);
  return orderId;
}

describe("fee accrual", () => {
  it("a billed-monthly order accrues its fee once (fee:<orderId>), even when funding is replayed; escrow and direct do not", async () => {
    const shop = await createShop(db);
    await money.setPlatformFee(OPERATOR, shop.tenantId, 500);
    const { orderId, order } = await placeOrder(money, shop, { rail: "manual_invoice" });
    // Two finance members at once: one funding records it, the other is a replay (or a 409); the fee accrues once.
    await Promise.allSettled([money.markInvoicePaid(MERCHANT, shop.tenantId, orderId, "ref 1"), money.markInvoicePaid(MERCHANT, shop.tenantId, orderId, "ref 1")]);
    expect(((await caught(money.markInvoicePaid(MERCHANT, shop.tenantId, orderId, "ref 1"))) as ApiError).status).toBe(409);
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE idempotency_key = $1`, [`fee:${orderId}`])).toBe(1);
    expect(await balance(`merchant_fee_receivable:${shop.tenantId}:USD`)).toBe("2.000000000000000000");
    expect(await balance(`merchant_payable:${shop.tenantId}:USD`)).toBe("38.000000000000000000");
    expect(await balance(`platform_fees:${shop.tenantId}:USD`)).toBe("0");
    expect(order.total).toBe("40");
    await placeOrder(money, shop, { rail: "escrow", pay: true });
    await placeOrder(money, shop, { rail: "direct", pay: true });
    expect(await count(`SELECT count(*) n FROM ledger_postings WHERE tenant_id = $1 AND kind = 'fee'`, [shop.tenantId])).toBe(1);
    await expectLedgerConsistent(db);
  });
});

describe("monthly statements", () => {
  it("list exactly the month's non-escrow orders with the right fee sum; a second run changes nothing; a late order joins while open", async () => {
    const [a, b] = [await createShop(db), await createShop(db)];
    await money.setPlatformFee(OPERATOR, a.tenantId, 250);
    const inMonth = [await invoicePaid(a, "2026-10-01T00:00:00Z"), await invoicePaid(a, "2026-10-31T23:59:59Z", 2)];
    await invoicePaid(a, "2026-09-30T23:59:59Z"); // previous month
    await invoicePaid(a, "2026-11-01T00:00:00Z"); // next month
    const escrow = await placeOrder(money, a, { rail: "escrow", pay: true });
    await setPaidAt(escrow.orderId, "2026-10-15T00:00:00Z");
    await placeOrder(money, a, { rail: "manual_invoice" }); // never paid
    const bOrder = await invoicePaid(b, "2026-10-10T00:00:00Z");

    const first = await money.generateFeeStatements("2026-10");
    expect(first).toMatchObject({ created: 2, linesAdded: 3 });
    const [stA] = await money.feeStatements(a.tenantId);
    expect(stA).toMatchObject({ month: "2026-10", total: "3", orderCount: 2, status: "open", currency: "USD" });
    const detail = await money.feeStatement(a.tenantId, stA!.id);
    expect(detail.lines.map((l) => l.orderId).sort()).toEqual([...inMonth].sort());
    expect(detail.lines.map((l) => l.fee).sort()).toEqual(["1", "2"]);

    const snapshot = async () => sql(db, `SELECT s.*, (SELECT json_agg(l ORDER BY l.order_id) FROM fee_statement_lines l WHERE l.statement_id = s.id) lines FROM fee_statements s ORDER BY s.id`);
    const before = await snapshot();
    expect(await money.generateFeeStatements("2026-10")).toEqual({ month: "2026-10", created: 0, linesAdded: 0, statementsChanged: 0 });
    expect(await snapshot()).toEqual(before);
    expect(await count(`SELECT count(*) n FROM audit_log WHERE action = 'fees.statements_generate'`)).toBe(1);

    // A payment recorded late for October joins the still-open statement on the next run.
    const late = await invoicePaid(a, "2026-10-20T12:00:00Z");
    expect(await money.generateFeeStatements("2026-10")).toMatchObject({ created: 0, linesAdded: 1, statementsChanged: 1 });
    expect((await money.feeStatement(a.tenantId, stA!.id)).lines.map((l) => l.orderId)).toContain(late);
    expect((await money.feeStatements(b.tenantId))[0]).toMatchObject({ orderCount: 1, total: "1" });
    expect(bOrder).toBeTruthy();

    // A month that has not ended is refused.
    expect(((await caught(money.generateFeeStatements("2999-01"))) as ApiError).code).toBe("MONTH_NOT_ENDED");
    // The operator's command does the same: a run over a billed month changes nothing; an unended month exits 1.
    const script = (month: string) => promisify(execFile)("npm", ["run", "-s", "fees:statements", "--", "--month", month], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, REDIS_URL, NODE_ENV: "test" },
    });
    const settledBefore = await snapshot();
    expect(JSON.parse((await script("2026-10")).stdout)).toEqual({ month: "2026-10", created: 0, linesAdded: 0, statementsChanged: 0 });
    expect(await snapshot()).toEqual(settledBefore);
    const refused = (await caught(script("2999-01"))) as Error & { code: number; stderr: string };
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/2999-01/);
    const report = await money.reconcile("test");
    expect(report.skipped ? -1 : report.violations, JSON.stringify(report)).toBe(0);
  });

  it("the operator settles a statement: audited, posted (receivable → platform_fees), frozen; settling twice is a 409", async () => {
    const shop = await createShop(db);
    await money.setPlatformFee(OPERATOR, shop.tenantId, 1000);
    await invoicePaid(shop, "2026-08-05T00:00:00Z");
    await money.generateFeeStatements("2026-08");
    const [st] = await money.feeStatements(shop.tenantId);
    const operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
    const owner = await httpMember(db, app.port, shop.tenantId, "owner");
    expect((await owner.post(`/api/ops/fee-statements/${st!.id}/settle`, { note: "paid by transfer" })).status).toBe(403);
    expect((await operator.post(`/api/ops/fee-statements/${st!.id}/settle`, {})).status).toBe(400);
    const page = await operator.get(`/ops/fees`);
    expect([page.status, page.body.includes(shop.slug), page.body.includes("Mark settled")]).toEqual([200, true, true]);
    expect((await owner.get(`/ops/fees`)).status).not.toBe(200);
    const listed = await operator.get(`/api/ops/fee-statements?month=2026-08`);
    expect(listed.json.data.items.map((s: { id: string }) => s.id)).toContain(st!.id);
    const settled = await operator.post(`/api/ops/fee-statements/${st!.id}/settle`, { note: "paid by transfer ref 99" });
    expect([settled.status, settled.json.data.status], settled.body).toEqual([200, "settled"]);
    expect((await operator.post(`/api/ops/fee-statements/${st!.id}/settle`, { note: "again" })).status).toBe(409);
    expect(await balance(`merchant_fee_receivable:${shop.tenantId}:USD`)).toBe("0.000000000000000000");
    expect(await balance(`platform_fees:${shop.tenantId}:USD`)).toBe("4.000000000000000000");
    expect(await count(`SELECT count(*) n FROM audit_log WHERE action = 'fees.statement_settle' AND target = $1`, [`fee_statement:${st!.id}`])).toBe(1);
    // Frozen: the database refuses any change, and a late August order stays off it (reconciliation would say so).
    await expect(db.sql.query(`UPDATE fee_statements SET total = 0 WHERE id = $1`, [st!.id])).rejects.toThrow(/settled/);
    await expect(db.sql.query(`DELETE FROM fee_statement_lines WHERE statement_id = $1`, [st!.id])).rejects.toThrow(/settled/);
    const report = await money.reconcile("test");
    expect(report.skipped ? -1 : report.violations, JSON.stringify(report)).toBe(0);
    await expectLedgerConsistent(db);
  });

  it("cross-tenant: a shop's members read only their own statements; reconciliation catches a line that does not match its accrual", async () => {
    const [a, b] = [await createShop(db), await createShop(db)];
    await invoicePaid(a, "2026-06-10T00:00:00Z");
    await money.generateFeeStatements("2026-06");
    const [st] = await money.feeStatements(a.tenantId);
    const [ownerA, ownerB] = [await httpMember(db, app.port, a.tenantId, "owner"), await httpMember(db, app.port, b.tenantId, "owner")];
    expect((await ownerA.get(`/api/tenants/${a.tenantId}/fee-statements/${st!.id}`)).json.data.lines).toHaveLength(1);
    expect((await ownerA.get(`/api/tenants/${a.tenantId}/fee-statements`)).json.data.items).toHaveLength(1);
    expect((await ownerB.get(`/api/tenants/${a.tenantId}/fee-statements`)).status).toBe(404);
    expect((await ownerB.get(`/api/tenants/${b.tenantId}/fee-statements/${st!.id}`)).status).toBe(404);
    expect((await ownerB.get(`/api/tenants/${b.tenantId}/fee-statements`)).json.data.items).toEqual([]);
    expect((await ownerA.get(`/api/ops/fee-statements`)).status).toBe(403);

    await db.sql.query(`UPDATE fee_statement_lines SET fee = fee + 1 WHERE statement_id = $1`, [st!.id]);
    const report = await money.reconcile("test");
    expect(report.skipped ? [] : report.details.filter((d) => d.check === "fee_statement_matches_ledger").map((d) => d.subject.split(":")[0]).sort()).toEqual(["line", "statement"]);
  });
});
