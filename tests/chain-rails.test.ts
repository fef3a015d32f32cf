/**
 * The on-chain rails against real Postgres, Redis and anvil (docs/money.md matrix with a real chain): confirmations,
 * replay, the direct rail, misdirected money, the checkout's exact amounts, release paid out and posted once the
 * Released event is confirmed (E2), two workers (E4), the kill switch (E6), reconciliation and drift.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { escrowAbi, mockStablecoinAbi, tokenAbi } from "#server/chain/index.ts";
import { createTestDatabase } from "./db.ts";
import { expectLedgerConsistent, MERCHANT as MERCHANT_ACTOR, moneyHarness, OPERATOR, placeOrder, sql } from "./money-fixture.ts";
import { createChainShop, FEE_RECIPIENT, MERCHANT, payWithWallet, startChainWorld, walletPaymentOf, orderProbe, type ChainWorld } from "./chain-fixture.ts";

const db = await createTestDatabase();
let world: ChainWorld;
let h: ReturnType<typeof moneyHarness>;
beforeAll(async () => {
  world = await startChainWorld({ confirmations: 3, window: 16 });
  h = moneyHarness(db, { sandbox: false }, world.chain);
});

const { status, postings } = orderProbe(db);

describe("checkout on chain", () => {
  it("gives the wallet exact base units, a 32-byte reference and the shop's payout address; the rails need the token's currency", async () => {
    const shop = await createChainShop(db, world);
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    expect(placed.order.payment).toMatchObject({
      kind: "wallet", rail: "escrow", chainId: 31337, contract: world.chain.escrow, token: world.chain.token, tokenSymbol: "USDC", tokenDecimals: 6,
      amountBaseUnits: "40000000", merchant: world.addr(MERCHANT), confirmations: { seen: 0, required: 3 },
    });
    expect(placed.order.payment!.orderRef).toMatch(/^0x[0-9a-f]{64}$/);
    // Another shop in USD, or one without a payout address, is not offered the chain rails.
    const usd = await createChainShop(db, world);
    await db.prisma.tenant.update({ where: { id: usd.tenantId }, data: { currency: "USD" } });
    await expect(placeOrder(h.money, usd, { rail: "escrow" })).rejects.toMatchObject({ code: "RAIL_NOT_ALLOWED" });
    const noAddress = await createChainShop(db, world);
    await db.prisma.tenantPaymentPolicy.update({ where: { tenantId: noAddress.tenantId }, data: { payoutAddress: null } });
    await expect(placeOrder(h.money, noAddress, { rail: "escrow" })).rejects.toMatchObject({ code: "RAIL_NOT_ALLOWED" });
  });

  it("refuses a total the token cannot express exactly, writing nothing", async () => {
    const shop = await createChainShop(db, world, { items: [{ title: "Dust", price: "0.0000001", stock: 5 }] });
    const before = await db.prisma.order.count();
    await expect(placeOrder(h.money, shop, { title: "Dust", rail: "escrow" })).rejects.toMatchObject({ status: 400, code: "VALIDATION_ERROR" });
    expect(await db.prisma.order.count()).toBe(before);
    expect((await db.prisma.catalogItem.findFirstOrThrow({ where: { tenantId: shop.tenantId } })).stock).toBe(5);
  });
});

describe("funding", () => {
  it("stays pending_payment until CHAIN_CONFIRMATIONS deep, then escrow_funded with one posting; a replayed range changes nothing", async () => {
    const shop = await createChainShop(db, world);
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    await payWithWallet(world, 2, walletPaymentOf(placed.order));
    await h.money.chainTick();
    let view = await h.money.buyerOrder(shop.tenantId, placed.token);
    expect(view.status).toBe("pending_payment");
    expect(view.payment!.confirmations).toEqual({ seen: 1, required: 3 });
    await world.mine(1);
    await h.money.chainTick();
    view = await h.money.buyerOrder(shop.tenantId, placed.token);
    expect([view.status, view.payment!.confirmations.seen]).toEqual(["pending_payment", 2]);
    await world.mine(1);
    await h.money.chainTick();
    view = await h.money.buyerOrder(shop.tenantId, placed.token);
    expect(view.status).toBe("escrow_funded");
    expect(view.payment!.confirmations).toEqual({ seen: 3, required: 3 });
    expect(await postings(placed.orderId)).toEqual([`fund:${placed.orderId}`]);

    // Replay: rewind the checkpoint to the deployment and index everything again.
    await sql(db, `UPDATE chain_checkpoints SET last_block = $1`, [(world.chain.deployBlock - 1n).toString()]);
    await sql(db, `DELETE FROM chain_blocks`);
    await h.money.chainTick();
    await h.money.chainTick();
    expect(await postings(placed.orderId)).toEqual([`fund:${placed.orderId}`]);
    expect(await sql(db, `SELECT count(*)::int AS n FROM chain_events WHERE order_id = $1`, [placed.orderId])).toEqual([{ n: 1 }]);
    await expectLedgerConsistent(db);
  });

  it("direct: payDirect credits the merchant on chain at once; the order becomes paid after the confirmations, with no escrow row", async () => {
    const shop = await createChainShop(db, world, { rails: ["direct"] });
    const placed = await placeOrder(h.money, shop, { rail: "direct" });
    const before = await world.balance(world.addr(MERCHANT));
    await payWithWallet(world, 3, walletPaymentOf(placed.order));
    expect(await world.balance(world.addr(MERCHANT))).toBe(before + 40_000_000n);
    await h.money.chainTick();
    expect(await status(placed.orderId)).toBe("pending_payment");
    await world.mine(2);
    await h.money.chainTick();
    expect(await status(placed.orderId)).toBe("paid");
    expect(await db.prisma.escrow.count({ where: { orderId: placed.orderId } })).toBe(0);
    expect(await postings(placed.orderId)).toEqual([`fund:${placed.orderId}`]);
  });

  it("misdirected money (another amount, another merchant) is flagged and never credited; an operator has the arbiter refund it", async () => {
    const shop = await createChainShop(db, world);
    const under = await placeOrder(h.money, shop, { rail: "escrow" });
    const elsewhere = await placeOrder(h.money, shop, { rail: "escrow" });
    await payWithWallet(world, 4, walletPaymentOf(under.order), { amount: 39_000_000n });
    const buyer = world.addr(6);
    await payWithWallet(world, 6, walletPaymentOf(elsewhere.order), { merchant: world.addr(7) });
    await world.mine(3);
    await h.money.chainTick();
    expect([await status(under.orderId), await status(elsewhere.orderId)]).toEqual(["pending_payment", "pending_payment"]);
    expect(await postings(under.orderId)).toEqual([]);
    const flagged = await sql<{ id: string; order_id: string; flag_reason: string }>(db,
      `SELECT id::text, order_id::text, flag_reason FROM chain_events WHERE outcome = 'flagged' AND order_id = ANY($1::uuid[]) ORDER BY flag_reason`, [[under.orderId, elsewhere.orderId]]);
    expect(flagged.map((f) => f.flag_reason)).toEqual([expect.stringContaining("Paid to"), expect.stringContaining("Underpaid")]);

    const held = await world.balance(buyer);
    await h.money.refundFlaggedFunding(OPERATOR, flagged[0]!.id);
    await world.mine(3);
    await h.money.chainTick();
    expect(await world.balance(buyer)).toBe(held + 40_000_000n);
    expect(await postings(elsewhere.orderId)).toEqual([]);
    expect(await sql(db, `SELECT status FROM chain_payouts WHERE order_id = $1`, [elsewhere.orderId])).toEqual([{ status: "confirmed" }]);
  });

  it("an order whose only funding was flagged is not held open by it: it expires and its stock comes back", async () => {
    const shop = await createChainShop(db, world, { items: [{ title: "Lamp", price: "40.00", stock: 5 }] });
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    await payWithWallet(world, 4, walletPaymentOf(placed.order), { amount: 1_000_000n });
    await world.mine(3);
    await h.money.chainTick();
    expect(await sql(db, `SELECT outcome FROM chain_events WHERE order_id = $1`, [placed.orderId])).toEqual([{ outcome: "flagged" }]);
    await sql(db, `UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = $1`, [placed.orderId]);
    expect(await h.money.expire(shop.tenantId, placed.orderId)).toBe(true);
    expect(await status(placed.orderId)).toBe("expired");
    expect((await db.prisma.catalogItem.findFirstOrThrow({ where: { tenantId: shop.tenantId } })).stock).toBe(5);
    expect(await postings(placed.orderId)).toEqual([]);
  });
});

describe("payouts", () => {
  async function fundedAndDelivered(buyer: number) {
    const shop = await createChainShop(db, world);
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    await payWithWallet(world, buyer, walletPaymentOf(placed.order));
    await world.mine(3);
    await h.money.chainTick();
    expect(await status(placed.orderId)).toBe("escrow_funded");
    await h.money.ship(MERCHANT_ACTOR, shop.tenantId, placed.orderId);
    const code = (await h.money.buyerOrder(shop.tenantId, placed.token)).deliveryCode!.code;
    await h.money.enterDeliveryCode(MERCHANT_ACTOR, shop.tenantId, placed.orderId, code);
    return { shop, placed };
  }

  it("E2: release sends one arbiter transaction; the escrow and the ledger move when Released is confirmed; merchant gets total − fee", async () => {
    const { shop, placed } = await fundedAndDelivered(2);
    const merchantBefore = await world.balance(world.addr(MERCHANT));
    const feeBefore = await world.balance(world.addr(FEE_RECIPIENT));
    expect(await h.money.release(shop.tenantId, placed.orderId)).toBe("released");
    expect(await status(placed.orderId)).toBe("completed");
    // Decided, sent, not yet confirmed: the escrow is still held and nothing is posted for the release.
    expect((await db.prisma.escrow.findFirstOrThrow({ where: { orderId: placed.orderId } })).status).toBe("held");
    expect(await postings(placed.orderId)).toEqual([`fund:${placed.orderId}`]);
    await world.mine(3);
    await h.money.chainTick();
    expect((await db.prisma.escrow.findFirstOrThrow({ where: { orderId: placed.orderId } })).status).toBe("released");
    expect(await postings(placed.orderId)).toEqual([`fund:${placed.orderId}`, `release:${placed.orderId}`]);
    expect(await world.balance(world.addr(MERCHANT))).toBe(merchantBefore + 39_000_000n); // 2.5 % fee of 40 USDC
    expect(await world.balance(world.addr(FEE_RECIPIENT))).toBe(feeBefore + 1_000_000n);
    // A replayed release job changes nothing on chain or in the ledger.
    await h.money.release(shop.tenantId, placed.orderId);
    await h.money.chainTick();
    expect(await postings(placed.orderId)).toHaveLength(2);
    expect(await sql(db, `SELECT array_length(tx_hashes, 1) AS n FROM chain_payouts WHERE order_id = $1`, [placed.orderId])).toEqual([{ n: 1 }]);
  });

  it("E4: two workers advancing the same payout at once send one transaction and post once", async () => {
    const { shop, placed } = await fundedAndDelivered(3);
    const db2 = await (await import("#server/db/client.ts")).openDatabase(db.url);
    const other = moneyHarness({ ...db2 } as never, { sandbox: false }, world.chain);
    // The release decision writes the payout request; then both workers race to send it.
    await Promise.all([h.money.release(shop.tenantId, placed.orderId), other.money.release(shop.tenantId, placed.orderId)]);
    await Promise.all([h.money.chainTick(), other.money.chainTick(), h.money.payout(shop.tenantId, placed.orderId, "release")]);
    await world.mine(3);
    await Promise.all([h.money.chainTick(), other.money.chainTick()]);
    await h.money.chainTick();
    expect(await sql(db, `SELECT array_length(tx_hashes, 1) AS n, status FROM chain_payouts WHERE order_id = $1`, [placed.orderId])).toEqual([{ n: 1, status: "confirmed" }]);
    const ref = (await db.prisma.order.findUniqueOrThrow({ where: { id: placed.orderId } })).chainRef!;
    const released = await world.c.publicClient.getContractEvents({ address: world.chain.escrow, abi: escrowAbi, eventName: "Released", args: { orderRef: ref as `0x${string}` }, fromBlock: 0n });
    expect(released).toHaveLength(1);
    expect(await postings(placed.orderId)).toEqual([`fund:${placed.orderId}`, `release:${placed.orderId}`]);
    await db2.close();
  });

  it("E6: with the kill switch on, no release or refund transaction is sent (checked on chain)", async () => {
    const { shop, placed } = await fundedAndDelivered(4);
    const ref = (await db.prisma.order.findUniqueOrThrow({ where: { id: placed.orderId } })).chainRef! as `0x${string}`;
    // Decided by a worker without the arbiter key: the payout is requested and nothing is sent yet.
    const keyless = moneyHarness(db, { sandbox: false }, { ...world.chain, arbiter: null });
    expect(await keyless.money.release(shop.tenantId, placed.orderId)).toBe("released");
    expect(await sql(db, `SELECT status FROM chain_payouts WHERE chain_ref = $1`, [ref])).toEqual([{ status: "requested" }]);
    const nonce = () => world.c.publicClient.getTransactionCount({ address: world.addr(0), blockTag: "pending" });
    const before = await nonce();
    await h.money.setKillSwitch(OPERATOR, { tenantId: null, engaged: true, reason: "test" });
    try {
      await h.money.chainTick();
      await h.money.payout(shop.tenantId, placed.orderId, "release").catch(() => undefined);
      await world.mine(3);
      await h.money.chainTick();
      const [, , , state] = await world.c.publicClient.readContract({ address: world.chain.escrow, abi: escrowAbi, functionName: "deals", args: [ref] });
      expect(state).toBe(1); // still Held on chain
      expect(await nonce()).toBe(before); // the arbiter sent nothing
      expect(await sql(db, `SELECT status FROM chain_payouts WHERE chain_ref = $1`, [ref])).toEqual([{ status: "requested" }]);
    } finally {
      await h.money.setKillSwitch(OPERATOR, { tenantId: null, engaged: false, reason: "test over" });
    }
    await h.money.chainTick();
    await world.mine(3);
    await h.money.chainTick();
    expect((await db.prisma.escrow.findFirstOrThrow({ where: { orderId: placed.orderId } })).status).toBe("released");
  });

  it("a dispute resolved as refund returns the buyer's tokens; reconciliation finds 0 violations, then reports a stray transfer as drift", async () => {
    const shop = await createChainShop(db, world);
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    const buyer = world.addr(8);
    await payWithWallet(world, 8, walletPaymentOf(placed.order));
    await world.mine(3);
    await h.money.chainTick();
    await h.money.openDispute(shop.tenantId, placed.token, "It never arrived");
    const dispute = (await h.money.listDisputes("open")).find((d) => d.orderId === placed.orderId)!;
    const before = await world.balance(buyer);
    await h.money.resolveDispute(OPERATOR, dispute.id, "refund", "Seller could not show delivery");
    await h.money.chainTick();
    await world.mine(3);
    await h.money.chainTick();
    expect(await world.balance(buyer)).toBe(before + 40_000_000n);
    expect(await postings(placed.orderId)).toEqual([`fund:${placed.orderId}`, `refund:${placed.orderId}`]);

    const clean = await h.money.reconcile("test");
    expect(clean.skipped ? null : clean.details).toEqual([]);
    const w = world.c.wallet(9);
    await world.c.mined(await w.writeContract({ address: world.chain.token, abi: mockStablecoinAbi, functionName: "mint", args: [w.account.address, 5n] }));
    await world.c.mined(await w.writeContract({ address: world.chain.token, abi: tokenAbi, functionName: "transfer", args: [world.chain.escrow, 5n] }));
    const drift = await h.money.reconcile("test");
    expect(drift.skipped ? null : drift.details).toEqual([expect.objectContaining({ check: "chain_contract_balance", detail: expect.objectContaining({ drift: "5" }) })]);
    await expectLedgerConsistent(db);
  });
});

