/**
 * The operator side of the on-chain rails against a real anvil, Postgres and Redis and the built app (MODE=web, so
 * only this test ticks the chain): the API lists a flagged funding and refunds it once (the payer's tokens come back
 * on chain), refuses non-operators, clears a halt with an audit row; the console's "On-chain escrow" section and its
 * confirm boxes, checked on the server.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANVIL_PRIVATE_KEYS } from "#server/chain/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { formPost, signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { moneyHarness, placeOrder, sql } from "./money-fixture.ts";
import { ARBITER, createChainShop, payWithWallet, startChainWorld, walletPaymentOf, type ChainWorld } from "./chain-fixture.ts";

const db = await createTestDatabase();
let world: ChainWorld;
let h: ReturnType<typeof moneyHarness>;
let app: RunningApp;
let operator: Client;
let operatorId: string;

beforeAll(async () => {
  world = await startChainWorld({ confirmations: 2, window: 16 });
  h = moneyHarness(db, { sandbox: false }, world.chain);
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", MODE: "web", MONEY_SECRET: "chain-ops-test-money-secret-0123456789",
    CHAIN_RPC_URL: world.anvil.rpcUrl, ESCROW_CONTRACT: world.chain.escrow, ESCROW_TOKEN: world.chain.token, ESCROW_DEPLOY_BLOCK: world.chain.deployBlock.toString(),
    CHAIN_CONFIRMATIONS: "2", CHAIN_REORG_WINDOW_BLOCKS: "16", ARBITER_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[ARBITER]!,
  });
  const user = await createUser(db.prisma, { operator: true });
  operatorId = user.id;
  operator = await signIn(app.port, user.email);
});
afterAll(async () => app?.stop());

/** A flagged funding: the buyer (anvil account `buyer`) funds the order's escrow with `amount` instead of 40 USDC. */
async function flaggedFunding(buyer: number, amount = 39_000_000n) {
  const shop = await createChainShop(db, world);
  const placed = await placeOrder(h.money, shop, { rail: "escrow" });
  await payWithWallet(world, buyer, walletPaymentOf(placed.order), { amount });
  await world.mine(2);
  await h.money.chainTick();
  const [ev] = await sql<{ id: string }>(db, `SELECT id::text FROM chain_events WHERE order_id = $1 AND outcome = 'flagged'`, [placed.orderId]);
  expect(ev, "the funding is flagged").toBeTruthy();
  return { shop, placed, eventId: ev!.id };
}

type Flagged = { id: string; amount: string; flagReason: string; tenant: { id: string; slug: string } | null; orderId: string | null; refundable: boolean; refund: { status: string } | null };

describe("operator chain API", () => {
  it("lists a flagged funding, refunds it to the payer once (one chain tx), and a second request sends nothing", async () => {
    const buyer = world.addr(4);
    const { shop, placed, eventId } = await flaggedFunding(4);
    const list = await operator.get("/api/ops/money/chain");
    expect(list.status, list.body).toBe(200);
    expect(list.json.data.status).toMatchObject({ chainId: 31337, escrow: world.chain.escrow, tokenSymbol: "USDC", confirmations: 2, arbiter: world.addr(ARBITER) });
    expect(list.json.data.status.indexer).toMatchObject({ halted: false });
    const item = (list.json.data.flagged as Flagged[]).find((f) => f.id === eventId)!;
    expect(item).toMatchObject({ amount: "39000000", tenant: { id: shop.tenantId, slug: shop.slug }, orderId: placed.orderId, refundable: true, refund: null });
    expect(item.flagReason).toMatch(/^Underpaid/);

    const before = await world.balance(buyer);
    const refund = await operator.post(`/api/ops/money/chain/events/${eventId}/refund`);
    expect(refund.status, refund.body).toBe(200);
    expect(refund.json.data).toEqual({ eventId, step: "sent" });
    const again = await operator.post(`/api/ops/money/chain/events/${eventId}/refund`);
    expect([again.status, again.json.error.code]).toEqual([409, "CHAIN_REFUND_EXISTS"]);

    await world.mine(2);
    await h.money.chainTick();
    expect(await world.balance(buyer)).toBe(before + 39_000_000n);
    expect(await sql(db, `SELECT status, array_length(tx_hashes, 1) AS n FROM chain_payouts WHERE order_id = $1`, [placed.orderId])).toEqual([{ status: "confirmed", n: 1 }]);
    const after = (await operator.get("/api/ops/money/chain")).json.data.flagged as Flagged[];
    expect(after.find((f) => f.id === eventId)!.refund).toMatchObject({ status: "confirmed" });
    const audit = await db.prisma.auditLog.findMany({ where: { action: "money.chain_refund_flagged" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: operatorId, actorKind: "operator", tenantId: shop.tenantId, details: { eventId } });
    // The order was never credited: nothing in the ledger for it.
    expect(await db.prisma.ledgerPosting.count({ where: { orderId: placed.orderId } })).toBe(0);
  });

  it("unknown events are 404, a matched funding is not refundable (409); merchants and anonymous callers are refused", async () => {
    const unknown = await operator.post(`/api/ops/money/chain/events/${randomUUID()}/refund`);
    expect([unknown.status, unknown.json.error.code]).toEqual([404, "CHAIN_EVENT_NOT_FOUND"]);

    const shop = await createChainShop(db, world);
    const paid = await placeOrder(h.money, shop, { rail: "escrow" });
    await payWithWallet(world, 3, walletPaymentOf(paid.order));
    await world.mine(2);
    await h.money.chainTick();
    const [ev] = await sql<{ id: string; outcome: string }>(db, `SELECT id::text, outcome FROM chain_events WHERE order_id = $1`, [paid.orderId]);
    expect(ev!.outcome).toBe("posted");
    const matched = await operator.post(`/api/ops/money/chain/events/${ev!.id}/refund`);
    expect([matched.status, matched.json.error.code]).toEqual([409, "CHAIN_EVENT_NOT_REFUNDABLE"]);

    const { eventId } = await flaggedFunding(7);
    const owner = await createUser(db.prisma);
    await db.prisma.tenantUserRole.create({ data: { tenantId: shop.tenantId, userId: owner.id, role: "owner" } });
    const merchant = await signIn(app.port, owner.email);
    expect((await merchant.get("/api/ops/money/chain")).status).toBe(403);
    const refused = await merchant.post(`/api/ops/money/chain/events/${eventId}/refund`);
    expect([refused.status, refused.json.error.code]).toEqual([403, "FORBIDDEN"]);
    expect((await merchant.post("/api/ops/money/chain/clear-halt", {})).status).toBe(403);
    const anonymous = await request(app.port, "/api/ops/money/chain");
    expect([anonymous.status, anonymous.json.error.code]).toEqual([401, "UNAUTHENTICATED"]);
    expect(await sql(db, `SELECT count(*)::int AS n FROM chain_payouts p JOIN chain_events e ON e.chain_ref = p.chain_ref WHERE e.id = $1`, [eventId])).toEqual([{ n: 0 }]);
  });

  it("clear-halt clears a halt (audited with its reason), refuses a rescan that would skip blocks, and is 409 when not halted", async () => {
    await h.money.chainTick();
    await sql(db, `UPDATE chain_checkpoints SET halted = true, halt_reason = 'Reorg deeper than the window (test)'`);
    expect((await h.money.chainTick()).poll).toMatchObject({ kind: "halted" });
    const status = (await operator.get("/api/ops/money/chain")).json.data.status;
    expect(status.indexer).toMatchObject({ halted: true, haltReason: "Reorg deeper than the window (test)" });

    const skip = await operator.post("/api/ops/money/chain/clear-halt", { rescanFromBlock: Number(status.indexer.lastBlock) + 50 });
    expect([skip.status, skip.json.error.code]).toEqual([400, "CHAIN_RESCAN_OUT_OF_RANGE"]);
    const bad = await operator.post("/api/ops/money/chain/clear-halt", { rescanFromBlock: -1 });
    expect([bad.status, bad.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);

    const cleared = await operator.post("/api/ops/money/chain/clear-halt", { rescanFromBlock: Number(world.chain.deployBlock) });
    expect(cleared.status, cleared.body).toBe(200);
    expect(cleared.json.data.indexer).toMatchObject({ halted: false, haltReason: null, lastBlock: (world.chain.deployBlock - 1n).toString() });
    const audit = await db.prisma.auditLog.findMany({ where: { action: "money.chain_clear_halt" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: operatorId, actorKind: "operator", tenantId: null });
    expect(audit[0]!.details).toMatchObject({ haltReason: "Reorg deeper than the window (test)", rescanFromBlock: world.chain.deployBlock.toString() });
    // The rescan replays every event already applied: nothing is posted twice.
    const postings = await db.prisma.ledgerPosting.count();
    expect((await h.money.chainTick()).poll).toMatchObject({ kind: "indexed" });
    expect(await db.prisma.ledgerPosting.count()).toBe(postings);

    const again = await operator.post("/api/ops/money/chain/clear-halt", {});
    expect([again.status, again.json.error.code]).toEqual([409, "CHAIN_NOT_HALTED"]);
  });
});

describe("console: On-chain escrow", () => {
  it("shows the chain, the flagged funding with its shop and order, and refuses a refund or clear-halt without the confirm box", async () => {
    const { shop, placed, eventId } = await flaggedFunding(6, 41_500_000n);
    const page = await operator.get("/ops/money");
    expect(page.status).toBe(200);
    expect(page.body).toContain("On-chain escrow");
    expect(page.body).toContain(world.chain.escrow);
    expect(page.body).toMatch(/data-testid="chain-indexer"/);
    expect(page.body).toContain("41.5\u00a0USDC");
    expect(page.body).toContain(`href="/ops/tenants/${shop.tenantId}/orders/${placed.orderId}"`);
    expect(page.body).toMatch(/Overpaid/);
    expect(page.body).not.toContain('data-testid="chain-off"');

    const fields = { form: `chain-refund-${eventId}`, intent: "chain_refund", eventId };
    const unconfirmed = await formPost(operator, "/ops/money", fields);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body).toContain("Tick the box to confirm the refund");
    expect(await sql(db, `SELECT count(*)::int AS n FROM chain_payouts WHERE order_id = $1`, [placed.orderId])).toEqual([{ n: 0 }]);

    const confirmed = await formPost(operator, "/ops/money", { ...fields, confirm: "yes" });
    expect(confirmed.status).toBe(200);
    expect(await sql(db, `SELECT status FROM chain_payouts WHERE order_id = $1`, [placed.orderId])).toEqual([{ status: "sent" }]);
    const after = await operator.get("/ops/money");
    expect(after.body).not.toContain(`chain-refund-${eventId}`);
    expect(after.body).toMatch(/Refund (<!-- -->)?sent/);

    await sql(db, `UPDATE chain_checkpoints SET halted = true, halt_reason = 'Forced by the console test'`);
    const halted = await operator.get("/ops/money");
    expect(halted.body).toMatch(/data-testid="chain-halted"/);
    expect(halted.body).toContain("Forced by the console test");
    const noBox = await formPost(operator, "/ops/money", { form: "chain-clear-halt", intent: "chain_clear_halt" });
    expect(noBox.status).toBe(400);
    expect(await sql(db, `SELECT halted FROM chain_checkpoints`)).toEqual([{ halted: true }]);
    const clear = await formPost(operator, "/ops/money", { form: "chain-clear-halt", intent: "chain_clear_halt", rescanFromBlock: "", confirm: "yes" });
    expect(clear.status, clear.body).toBe(200);
    expect(await sql(db, `SELECT halted FROM chain_checkpoints`)).toEqual([{ halted: false }]);
    expect((await operator.get("/ops/money")).body).not.toMatch(/data-testid="chain-halted"/);
  });
});
