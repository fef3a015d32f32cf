/**
 * Edge cases of the on-chain rails with a real anvil: a funding that confirms after its order expired is recorded
 * and refunded, never credited; expiry waits while a funding is seen but unconfirmed; a payout stuck in the mempool
 * is replaced at the same nonce with a higher fee and still pays out once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { escrowAbi } from "#server/chain/index.ts";
import { createTestDatabase } from "./db.ts";
import { MERCHANT as MERCHANT_ACTOR, moneyHarness, placeOrder, sql } from "./money-fixture.ts";
import { createChainShop, MERCHANT, payWithWallet, startChainWorld, walletPaymentOf, orderProbe, type ChainWorld } from "./chain-fixture.ts";

const db = await createTestDatabase();
let world: ChainWorld;
let h: ReturnType<typeof moneyHarness>;
beforeAll(async () => {
  world = await startChainWorld({ confirmations: 3, window: 16 });
  h = moneyHarness(db, { sandbox: false }, world.chain);
});
const { status, postings } = orderProbe(db);
const pastDue = (orderId: string) => sql(db, `UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = $1`, [orderId]);

describe("late and pending fundings", () => {
  it("expiry waits while a funding is seen but not yet confirmed; the order is then funded, not expired", async () => {
    const shop = await createChainShop(db, world);
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    await payWithWallet(world, 2, walletPaymentOf(placed.order));
    await h.money.chainTick(); // seen, 1 of 3
    await pastDue(placed.orderId);
    expect(await h.money.expire(shop.tenantId, placed.orderId)).toBe(false);
    expect(await status(placed.orderId)).toBe("pending_payment");
    await world.mine(2);
    await h.money.chainTick();
    expect(await status(placed.orderId)).toBe("escrow_funded");
  });

  it("a funding confirmed after the order expired is recorded and refunded to the buyer, never credited", async () => {
    const shop = await createChainShop(db, world);
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    await pastDue(placed.orderId);
    expect(await h.money.expire(shop.tenantId, placed.orderId)).toBe(true);
    const buyer = world.addr(3);
    const before = await world.balance(buyer);
    await payWithWallet(world, 3, walletPaymentOf(placed.order));
    await world.mine(3);
    await h.money.chainTick(); // confirmed: recorded, refund requested and sent
    await world.mine(3);
    await h.money.chainTick(); // the Refunded event confirmed
    expect(await status(placed.orderId)).toBe("expired");
    expect(await postings(placed.orderId)).toEqual([]);
    const events = await sql<{ name: string; outcome: string; flag_reason: string | null }>(db,
      `SELECT name, outcome, flag_reason FROM chain_events WHERE chain_ref = $1 ORDER BY block_number`, [placed.order.payment!.orderRef]);
    expect(events).toEqual([
      { name: "Funded", outcome: "recorded", flag_reason: expect.stringContaining("after the order was expired") },
      { name: "Refunded", outcome: "recorded", flag_reason: null },
    ]);
    // The mint in payWithWallet gave the buyer the amount; the refund returned it.
    expect(await world.balance(buyer)).toBe(before + 40_000_000n);
    const report = await h.money.reconcile("test");
    expect(report.skipped ? null : report.details).toEqual([]);
  });
});

describe("stuck payouts", () => {
  it("a payout not mined in time is replaced at the same nonce with a higher fee; exactly one of them pays out", async () => {
    const shop = await createChainShop(db, world);
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    await payWithWallet(world, 4, walletPaymentOf(placed.order));
    await world.mine(3);
    await h.money.chainTick();
    await h.money.ship(MERCHANT_ACTOR, shop.tenantId, placed.orderId);
    await h.money.enterDeliveryCode(MERCHANT_ACTOR, shop.tenantId, placed.orderId, (await h.money.buyerOrder(shop.tenantId, placed.token)).deliveryCode!.code);
    const merchantBefore = await world.balance(world.addr(MERCHANT));

    await world.rpc("evm_setAutomine", [false]);
    try {
      const impatient = moneyHarness(db, { sandbox: false }, { ...world.chain, replaceAfterMs: 1 });
      expect(await impatient.money.release(shop.tenantId, placed.orderId)).toBe("released");
      const [first] = await sql<{ tx_hash: string; nonce: number; max_fee_per_gas: string }>(db,
        `SELECT tx_hash, nonce, max_fee_per_gas::text FROM chain_payouts WHERE order_id = $1`, [placed.orderId]);
      await new Promise((r) => setTimeout(r, 5));
      await impatient.money.chainTick(); // not mined after replaceAfterMs: replaced
      const [second] = await sql<{ tx_hash: string; nonce: number; max_fee_per_gas: string; tx_hashes: string[] }>(db,
        `SELECT tx_hash, nonce, max_fee_per_gas::text, tx_hashes FROM chain_payouts WHERE order_id = $1`, [placed.orderId]);
      expect(second!.tx_hash).not.toBe(first!.tx_hash);
      expect(second!.nonce).toBe(first!.nonce);
      expect(BigInt(second!.max_fee_per_gas)).toBeGreaterThanOrEqual((BigInt(first!.max_fee_per_gas) * 125n) / 100n);
      expect(second!.tx_hashes).toEqual([first!.tx_hash, second!.tx_hash]);
    } finally {
      await world.rpc("evm_setAutomine", [true]);
    }
    await world.mine(4);
    await h.money.chainTick();
    await world.mine(3);
    await h.money.chainTick();
    expect((await db.prisma.escrow.findFirstOrThrow({ where: { orderId: placed.orderId } })).status).toBe("released");
    const released = await world.c.publicClient.getContractEvents({
      address: world.chain.escrow, abi: escrowAbi, eventName: "Released", args: { orderRef: placed.order.payment!.orderRef as `0x${string}` }, fromBlock: 0n,
    });
    expect(released).toHaveLength(1);
    expect(await world.balance(world.addr(MERCHANT))).toBe(merchantBefore + 39_000_000n);
    expect(await postings(placed.orderId)).toHaveLength(2);
  });
});
