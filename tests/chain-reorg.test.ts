/**
 * Reorgs and crashes with a real anvil: an unconfirmed funding orphaned by a reorg is not counted and the order stays
 * payable; the same transaction re-mined later counts once; a reorg deeper than the window halts the indexer with
 * the alert metric set and nothing posted. E5: the worker SIGKILLed around the release broadcast → after a restart
 * the order is released once on chain and once in the ledger.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Hex } from "viem";
import { ANVIL_PRIVATE_KEYS, escrowAbi, mockStablecoinAbi, tokenAbi } from "#server/chain/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { MERCHANT as MERCHANT_ACTOR, moneyHarness, placeOrder, sql } from "./money-fixture.ts";
import { ARBITER, createChainShop, MERCHANT, payWithWallet, startChainWorld, walletPaymentOf, orderProbe, type ChainWorld } from "./chain-fixture.ts";

const db = await createTestDatabase();
let world: ChainWorld;
let h: ReturnType<typeof moneyHarness>;
beforeAll(async () => {
  world = await startChainWorld({ confirmations: 3, window: 6 });
  h = moneyHarness(db, { sandbox: false }, world.chain);
});
const { status, postings } = orderProbe(db);

/** Mint and approve in mined blocks, then sign the buyer's fund() without sending it (so it can be sent again). */
async function signedFunding(buyer: number, p: ReturnType<typeof walletPaymentOf>) {
  const w = world.c.wallet(buyer);
  await world.c.mined(await w.writeContract({ address: world.chain.token, abi: mockStablecoinAbi, functionName: "mint", args: [w.account.address, p.amount] }));
  await world.c.mined(await w.writeContract({ address: world.chain.token, abi: tokenAbi, functionName: "approve", args: [world.chain.escrow, p.amount] }));
  const request = await world.c.publicClient.prepareTransactionRequest({
    account: w.account, chain: w.chain, to: world.chain.escrow, type: "eip1559",
    data: (await import("viem")).encodeFunctionData({ abi: escrowAbi, functionName: "fund", args: [p.orderRef, p.merchant, p.amount] }),
  });
  return w.signTransaction(request as never);
}
const send = async (raw: Hex) => world.c.mined(await world.c.publicClient.sendRawTransaction({ serializedTransaction: raw }));

describe("reorgs", () => {
  it("an orphaned funding is not counted and the order stays payable; re-mined in a later block it counts exactly once", async () => {
    const shop = await createChainShop(db, world);
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    await h.money.chainTick();
    const raw = await signedFunding(2, walletPaymentOf(placed.order));
    const block = await send(raw);
    await world.mine(1); // two confirmations of three
    await h.money.chainTick();
    expect((await h.money.buyerOrder(shop.tenantId, placed.token)).payment!.confirmations.seen).toBe(2);
    // The two newest blocks are replaced: the funding's block is gone.
    await world.rpc("anvil_reorg", [2, []]);
    expect((await world.c.publicClient.getBlock({ blockNumber: block })).transactions).toHaveLength(0);
    await h.money.chainTick();
    await world.mine(3);
    await h.money.chainTick();
    expect(await status(placed.orderId)).toBe("pending_payment");
    expect(await postings(placed.orderId)).toEqual([]);
    expect(await sql(db, `SELECT status FROM chain_events WHERE order_id IS NULL AND chain_ref = $1`, [placed.order.payment!.orderRef])).toEqual([{ status: "orphaned" }]);
    expect((await h.money.buyerOrder(shop.tenantId, placed.token)).payment!.confirmations.seen).toBe(0);

    // The same signed transaction is mined again, in another block: one event row, one posting.
    const again = await send(raw);
    expect(again).toBeGreaterThan(block);
    await world.mine(2);
    await h.money.chainTick();
    expect(await status(placed.orderId)).toBe("escrow_funded");
    expect(await postings(placed.orderId)).toEqual([`fund:${placed.orderId}`]);
    expect(await sql(db, `SELECT status, block_number::text AS block FROM chain_events WHERE chain_ref = $1`, [placed.order.payment!.orderRef])).toEqual([{ status: "confirmed", block: again.toString() }]);
    expect(await h.money.metricsText()).toMatch(/chain_orphaned_events_total 1\b/);
  });

  it("a reorg deeper than the window stops the indexer with the alert metric set, and nothing is posted", async () => {
    const shop = await createChainShop(db, world);
    const placed = await placeOrder(h.money, shop, { rail: "escrow" });
    const raw = await signedFunding(3, walletPaymentOf(placed.order));
    await world.mine(8);
    await send(raw);
    await h.money.chainTick();
    // The funding's block and the six before it: every block the indexer keeps for the window is replaced.
    await world.rpc("anvil_reorg", [7, []]);
    const poll = await h.money.chainTick();
    expect(poll.poll).toMatchObject({ kind: "halted", reason: expect.stringContaining("deeper than 6 blocks") });
    expect(await h.money.metricsText()).toMatch(/chain_indexer_halted 1\b/);
    await send(raw);
    await world.mine(5);
    await h.money.chainTick();
    expect(await status(placed.orderId)).toBe("pending_payment");
    expect(await postings(placed.orderId)).toEqual([]);
    await sql(db, `UPDATE chain_checkpoints SET halted = false, halt_reason = NULL, last_block = $1`, [(world.chain.deployBlock - 1n).toString()]);
    await sql(db, `DELETE FROM chain_blocks`);
  });
});

function runChild(op: string, args: string[], failpoints: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/chain-child.ts", op, ...args], {
    cwd: path.resolve(import.meta.dirname, ".."),
    env: {
      PATH: process.env.PATH ?? "", NODE_ENV: "test", DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), MONEY_FAILPOINTS: failpoints,
      CHAIN_RPC_URL: world.anvil.rpcUrl, ESCROW_CONTRACT: world.chain.escrow, ESCROW_TOKEN: world.chain.token, ESCROW_DEPLOY_BLOCK: world.chain.deployBlock.toString(),
      CHAIN_CONFIRMATIONS: "3", CHAIN_REORG_WINDOW_BLOCKS: "6", ARBITER_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[ARBITER],
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b));
  child.stderr.on("data", (b: Buffer) => (out += b));
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, out })));
}

describe("E5 crash with a real chain", () => {
  for (const point of ["chain.before-broadcast", "chain.after-broadcast"]) {
    it(`SIGKILL at ${point}: after a restart the order is released once on chain and once in the ledger`, async () => {
      const shop = await createChainShop(db, world);
      const placed = await placeOrder(h.money, shop, { rail: "escrow" });
      await payWithWallet(world, 4, walletPaymentOf(placed.order));
      await world.mine(3);
      await h.money.chainTick();
      await h.money.ship(MERCHANT_ACTOR, shop.tenantId, placed.orderId);
      await h.money.enterDeliveryCode(MERCHANT_ACTOR, shop.tenantId, placed.orderId, (await h.money.buyerOrder(shop.tenantId, placed.token)).deliveryCode!.code);
      const merchantBefore = await world.balance(world.addr(MERCHANT));

      const crashed = await runChild("release", [shop.tenantId, placed.orderId], `${point}:kill`);
      expect(crashed.signal, crashed.out).toBe("SIGKILL");
      expect(await status(placed.orderId)).toBe("completed");
      const [payout] = await sql<{ status: string; tx_hash: string }>(db, `SELECT status, tx_hash FROM chain_payouts WHERE order_id = $1`, [placed.orderId]);
      expect(payout!.status).toBe("sent"); // recorded before the broadcast in both cases

      const restarted = await runChild("tick", [], "");
      expect(restarted.code, restarted.out).toBe(0);
      await world.mine(3);
      expect((await runChild("tick", [], "")).code).toBe(0);
      expect(await postings(placed.orderId)).toEqual([`fund:${placed.orderId}`, `release:${placed.orderId}`]);
      const released = await world.c.publicClient.getContractEvents({
        address: world.chain.escrow, abi: escrowAbi, eventName: "Released", args: { orderRef: placed.order.payment!.orderRef as Hex }, fromBlock: 0n,
      });
      expect(released).toHaveLength(1);
      expect(released[0]!.transactionHash).toBe(payout!.tx_hash);
      expect(await world.balance(world.addr(MERCHANT))).toBe(merchantBefore + 39_000_000n);
    }, 180_000); // three child processes (tsx start-up, chain connect) on a busy 2-core machine
  }
});
