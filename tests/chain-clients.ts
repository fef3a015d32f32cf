/** viem clients for a test anvil: a public client with no block-number cache, and a wallet per dev account. */
import { createPublicClient, createWalletClient, http, type Chain, type Hash, type PublicClient, type Transport, type WalletClient } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { ANVIL_PRIVATE_KEYS } from "#server/chain/index.ts";

export type TestWallet = WalletClient<Transport, Chain, PrivateKeyAccount>;

export interface ChainClients {
  publicClient: PublicClient;
  /** Wallet of anvil dev account #i. */
  wallet(i: number): TestWallet;
  /** Waits for the receipt and fails unless the transaction succeeded. */
  mined(hash: Hash): Promise<bigint>;
}

export function chainClients(rpcUrl: string): ChainClients {
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport, cacheTime: 0, pollingInterval: 50 });
  const wallets = new Map<number, TestWallet>();
  return {
    publicClient,
    wallet(i) {
      let w = wallets.get(i);
      if (!w) {
        w = createWalletClient({ account: privateKeyToAccount(ANVIL_PRIVATE_KEYS[i]), chain: foundry, transport, cacheTime: 0 });
        wallets.set(i, w);
      }
      return w;
    },
    async mined(hash) {
      const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      return receipt.blockNumber;
    },
  };
}
