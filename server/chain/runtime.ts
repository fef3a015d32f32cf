/**
 * The chain the on-chain rails run on, connected once at start-up: viem clients (no caching of the head: the
 * indexer and the payout job must see every new block), the token's symbol and decimals read from the chain and
 * checked against the configuration, and the arbiter account when its key is given.
 */
import { createPublicClient, createWalletClient, defineChain, getAddress, http, type Address, type PublicClient, type WalletClient, type Account, type Chain, type Transport } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Env } from "#server/env.ts";
import { escrowAbi, mockStablecoinAbi, tokenAbi } from "./abi.ts";

export interface ChainRuntime {
  chainId: number;
  chain: Chain;
  escrow: Address;
  token: Address;
  tokenSymbol: string;
  tokenDecimals: number;
  deployBlock: bigint;
  confirmations: number;
  reorgWindow: number;
  pollMs: number;
  logRange: number;
  replaceAfterMs: number;
  publicClient: PublicClient<Transport, Chain>;
  /** Null without ARBITER_PRIVATE_KEY (allowed outside production): funding is indexed, payouts wait. */
  arbiter: { account: Account; wallet: WalletClient<Transport, Chain, Account> } | null;
}

export class ChainConfigError extends Error {}

type ChainEnv = Pick<Env, "NODE_ENV" | "CHAIN_RPC_URL" | "CHAIN_ID" | "ESCROW_CONTRACT" | "ESCROW_TOKEN" | "ESCROW_TOKEN_SYMBOL" | "ESCROW_TOKEN_DECIMALS"
  | "ESCROW_DEPLOY_BLOCK" | "CHAIN_CONFIRMATIONS" | "CHAIN_REORG_WINDOW_BLOCKS" | "CHAIN_POLL_MS" | "CHAIN_LOG_RANGE_BLOCKS"
  | "CHAIN_PAYOUT_REPLACE_AFTER_MS" | "ARBITER_PRIVATE_KEY">;

/** Null when the chain rails are off (no CHAIN_RPC_URL). Throws ChainConfigError with one clear sentence otherwise. */
export async function connectChain(env: ChainEnv): Promise<ChainRuntime | null> {
  if (!env.CHAIN_RPC_URL) return null;
  // An event must be counted inside the window the indexer can still see re-organised.
  if (env.CHAIN_CONFIRMATIONS > env.CHAIN_REORG_WINDOW_BLOCKS) {
    throw new ChainConfigError(`CHAIN_CONFIRMATIONS (${env.CHAIN_CONFIRMATIONS}) must not exceed CHAIN_REORG_WINDOW_BLOCKS (${env.CHAIN_REORG_WINDOW_BLOCKS})`);
  }
  const transport = http(env.CHAIN_RPC_URL, { timeout: 10_000, retryCount: 2 });
  const probe = createPublicClient({ transport, cacheTime: 0 });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (err) {
    throw new ChainConfigError(`CHAIN_RPC_URL does not answer eth_chainId (${(err as Error).message.split("\n")[0]})`);
  }
  if (env.CHAIN_ID !== undefined && env.CHAIN_ID !== chainId) throw new ChainConfigError(`CHAIN_ID is ${env.CHAIN_ID} but the RPC serves chain ${chainId}`);
  const chain = defineChain({ id: chainId, name: `chain-${chainId}`, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [env.CHAIN_RPC_URL] } } });
  const publicClient = createPublicClient({ chain, transport, cacheTime: 0, pollingInterval: env.CHAIN_POLL_MS });
  const escrow = getAddress(env.ESCROW_CONTRACT!);
  const token = getAddress(env.ESCROW_TOKEN!);
  const read = async <T>(what: string, fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (err) {
      throw new ChainConfigError(`${what} could not be read from chain ${chainId} (${(err as Error).message.split("\n")[0]})`);
    }
  };
  const escrowToken = await read(`The escrow contract at ${escrow}`, () => publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: "token" }));
  if (getAddress(escrowToken) !== token) throw new ChainConfigError(`ESCROW_TOKEN is ${token} but the escrow contract holds ${escrowToken}`);
  const [tokenSymbol, tokenDecimals] = await read(`The token at ${token}`, () => Promise.all([
    publicClient.readContract({ address: token, abi: tokenAbi, functionName: "symbol" }),
    publicClient.readContract({ address: token, abi: tokenAbi, functionName: "decimals" }),
  ]));
  if (env.ESCROW_TOKEN_SYMBOL && env.ESCROW_TOKEN_SYMBOL !== tokenSymbol) throw new ChainConfigError(`ESCROW_TOKEN_SYMBOL is ${env.ESCROW_TOKEN_SYMBOL} but the token's symbol is ${tokenSymbol}`);
  if (env.ESCROW_TOKEN_DECIMALS !== undefined && env.ESCROW_TOKEN_DECIMALS !== tokenDecimals) throw new ChainConfigError(`ESCROW_TOKEN_DECIMALS is ${env.ESCROW_TOKEN_DECIMALS} but the token has ${tokenDecimals}`);
  if (!/^[A-Za-z0-9]{2,11}$/.test(tokenSymbol)) throw new ChainConfigError(`The token's symbol ${JSON.stringify(tokenSymbol)} cannot be a shop currency`);
  let arbiter: ChainRuntime["arbiter"] = null;
  if (env.ARBITER_PRIVATE_KEY) {
    const account = privateKeyToAccount(env.ARBITER_PRIVATE_KEY as `0x${string}`);
    const onChain = await read("The escrow's arbiter", () => publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: "arbiter" }));
    if (getAddress(onChain) !== account.address) throw new ChainConfigError(`ARBITER_PRIVATE_KEY is for ${account.address} but the escrow's arbiter is ${onChain}`);
    arbiter = { account, wallet: createWalletClient({ account, chain, transport }) };
  }
  if (env.NODE_ENV === "production" && (await isMockToken(publicClient, token))) {
    throw new ChainConfigError(`The token at ${token} lets anyone mint: a development mock cannot take real payments in production`);
  }
  return {
    chainId, chain, escrow, token, tokenSymbol, tokenDecimals, deployBlock: BigInt(env.ESCROW_DEPLOY_BLOCK), confirmations: env.CHAIN_CONFIRMATIONS,
    reorgWindow: env.CHAIN_REORG_WINDOW_BLOCKS, pollMs: env.CHAIN_POLL_MS, logRange: env.CHAIN_LOG_RANGE_BLOCKS, replaceAfterMs: env.CHAIN_PAYOUT_REPLACE_AFTER_MS,
    publicClient, arbiter,
  };
}

/** A real stablecoin refuses mint from a stranger; the development mock (open mint) accepts it. Checked by eth_call. */
async function isMockToken(client: PublicClient, token: Address) {
  const stranger = "0x000000000000000000000000000000000000dEaD";
  try {
    await client.simulateContract({ address: token, abi: mockStablecoinAbi, functionName: "mint", args: [stranger, 1n], account: stranger });
    return true;
  } catch {
    return false;
  }
}
