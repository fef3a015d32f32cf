/**
 * A real anvil with the escrow and a 6-decimal mock USDC, the platform's ChainRuntime connected to it (as start-up
 * connects it), a USDC shop with a payout address, and the buyer's side of paying with a wallet.
 */
import { afterAll } from "vitest";
import type { Address, Hex } from "viem";
import { ANVIL_PRIVATE_KEYS, connectChain, deployStorefront, escrowAbi, mockStablecoinAbi, startAnvil, tokenAbi, type ChainRuntime, type RunningAnvil } from "#server/chain/index.ts";
import type { Database } from "#server/db/client.ts";
import { chainClients, type ChainClients } from "./chain-clients.ts";
import { createShop, type ShopOptions } from "./money-fixture.ts";

export const ARBITER = 0;
export const FEE_RECIPIENT = 1;
export const MERCHANT = 5;

export interface ChainWorld {
  anvil: RunningAnvil;
  c: ChainClients;
  chain: ChainRuntime;
  addr(i: number): Address;
  mine(blocks: number): Promise<void>;
  head(): Promise<bigint>;
  balance(who: Address): Promise<bigint>;
  rpc(method: string, params: unknown[]): Promise<unknown>;
}

export async function startChainWorld(options: { confirmations?: number; window?: number; arbiterKey?: boolean } = {}): Promise<ChainWorld> {
  const anvil = await startAnvil();
  afterAll(() => anvil.stop());
  const c = chainClients(anvil.rpcUrl);
  const addr = (i: number) => c.wallet(i).account.address;
  const d = await deployStorefront({ walletClient: c.wallet(ARBITER), publicClient: c.publicClient, arbiter: addr(ARBITER), feeRecipient: addr(FEE_RECIPIENT) });
  const chain = (await connectChain({
    NODE_ENV: "test", CHAIN_RPC_URL: anvil.rpcUrl, CHAIN_ID: d.chainId, ESCROW_CONTRACT: d.escrow, ESCROW_TOKEN: d.token, ESCROW_TOKEN_SYMBOL: "USDC",
    ESCROW_TOKEN_DECIMALS: 6, ESCROW_DEPLOY_BLOCK: Number(d.deployBlock), CHAIN_CONFIRMATIONS: options.confirmations ?? 3,
    CHAIN_REORG_WINDOW_BLOCKS: options.window ?? 16, CHAIN_POLL_MS: 100, CHAIN_LOG_RANGE_BLOCKS: 50, CHAIN_PAYOUT_REPLACE_AFTER_MS: 60_000,
    ARBITER_PRIVATE_KEY: options.arbiterKey === false ? undefined : ANVIL_PRIVATE_KEYS[ARBITER],
  }))!;
  const rpc = (method: string, params: unknown[]) => c.publicClient.request({ method, params } as never) as Promise<unknown>;
  return {
    anvil, c, chain, addr, rpc,
    mine: async (blocks) => { await rpc("anvil_mine", [`0x${blocks.toString(16)}`]); },
    head: () => c.publicClient.getBlockNumber({ cacheTime: 0 }),
    balance: (who) => c.publicClient.readContract({ address: chain.token, abi: tokenAbi, functionName: "balanceOf", args: [who] }),
  };
}

/** A shop in the chain token's currency whose payout address is anvil account MERCHANT. */
export async function createChainShop(db: Database, world: ChainWorld, options: ShopOptions = {}) {
  const shop = await createShop(db, { rails: ["escrow", "direct"], ...options });
  await db.prisma.tenant.update({ where: { id: shop.tenantId }, data: { currency: "USDC" } });
  await db.prisma.tenantPaymentPolicy.update({ where: { tenantId: shop.tenantId }, data: { payoutAddress: world.addr(MERCHANT) } });
  return shop;
}

export interface WalletPayment {
  orderRef: Hex;
  merchant: Address;
  amount: bigint;
  rail: "escrow" | "direct";
}

/** What a buyer's wallet does: mint test USDC, approve the escrow, then fund (escrow) or payDirect (direct). */
export async function payWithWallet(world: ChainWorld, buyer: number, p: WalletPayment, override: { amount?: bigint; merchant?: Address } = {}) {
  const w = world.c.wallet(buyer);
  const amount = override.amount ?? p.amount;
  await world.c.mined(await w.writeContract({ address: world.chain.token, abi: mockStablecoinAbi, functionName: "mint", args: [w.account.address, amount] }));
  await world.c.mined(await w.writeContract({ address: world.chain.token, abi: tokenAbi, functionName: "approve", args: [world.chain.escrow, amount] }));
  const hash = await w.writeContract({
    address: world.chain.escrow, abi: escrowAbi, functionName: p.rail === "escrow" ? "fund" : "payDirect", args: [p.orderRef, override.merchant ?? p.merchant, amount],
  });
  return { hash, block: await world.c.mined(hash) };
}

/** The wallet payment an order's buyer view asks for. */
export function walletPaymentOf(order: { payment: { orderRef: string; merchant: string; amountBaseUnits: string; rail: string } | null }): WalletPayment {
  if (!order.payment) throw new Error("the order has no wallet payment");
  return { orderRef: order.payment.orderRef as Hex, merchant: order.payment.merchant as Address, amount: BigInt(order.payment.amountBaseUnits), rail: order.payment.rail as "escrow" | "direct" };
}

/** What the chain tests read back about an order: its status and its postings' idempotency keys, oldest first. */
export function orderProbe(db: Database) {
  return {
    status: async (orderId: string) => (await db.prisma.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } })).status,
    postings: async (orderId: string) =>
      (await db.prisma.ledgerPosting.findMany({ where: { orderId }, orderBy: { createdAt: "asc" }, select: { idempotencyKey: true } })).map((p) => p.idempotencyKey),
  };
}
