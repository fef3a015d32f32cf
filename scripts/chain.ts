/**
 * `npm run chain`: a local dev chain for the on-chain rails. Starts anvil on 127.0.0.1:${CHAIN_PORT:-8545} (chain id
 * 31337), deploys a MockStablecoin (USDC, 6 decimals) and StorefrontEscrow (arbiter = anvil account #0, fee recipient
 * = #1), mints 10,000 USDC to the demo buyers #2..#5, and writes .data/chain.json for the app. Runs until Ctrl-C,
 * then removes .data/chain.json. Every key here is anvil's public dev key: never use them on a real network.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createPublicClient, createWalletClient, http, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { z } from "zod";
import { ANVIL_PRIVATE_KEYS, deployStorefront, startAnvil, tokenAbi, type RunningAnvil } from "#server/chain/index.ts";

// A block every CHAIN_BLOCK_TIME seconds, as a real chain has: confirmations keep counting up with no traffic.
const { CHAIN_PORT, CHAIN_BLOCK_TIME } = z.object({
  CHAIN_PORT: z.coerce.number().int().min(0).max(65535).default(8545),
  CHAIN_BLOCK_TIME: z.coerce.number().int().min(1).max(60).default(1),
}).parse(process.env);
const STATE_FILE = path.resolve(".data/chain.json");
const BUYERS = [2, 3, 4, 5];

let anvil: RunningAnvil;
try {
  anvil = await startAnvil({ port: CHAIN_PORT, blockTime: CHAIN_BLOCK_TIME });
} catch (err) {
  console.error(`could not start anvil on 127.0.0.1:${CHAIN_PORT} (set CHAIN_PORT to use another port): ${(err as Error).message}`);
  process.exit(1);
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await rm(STATE_FILE, { force: true });
  await anvil.stop();
  process.exit(code);
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => void shutdown(0));
void anvil.exited.then(() => {
  if (!stopping) {
    console.error(`anvil exited unexpectedly:\n${anvil.logs().slice(-2000)}`);
    void shutdown(1);
  }
});

try {
  const transport = http(anvil.rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport, cacheTime: 0 });
  const [arbiter, feeRecipient] = [privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]), privateKeyToAccount(ANVIL_PRIVATE_KEYS[1])];
  const walletClient = createWalletClient({ account: arbiter, chain: foundry, transport });
  const d = await deployStorefront({ walletClient, publicClient, arbiter: arbiter.address, feeRecipient: feeRecipient.address });

  const demoBuyers = BUYERS.map((i) => ({ address: privateKeyToAccount(ANVIL_PRIVATE_KEYS[i]).address, privateKey: ANVIL_PRIVATE_KEYS[i] }));
  const grant = parseUnits("10000", d.tokenDecimals);
  for (const buyer of demoBuyers) {
    const hash = await walletClient.writeContract({ address: d.token, abi: tokenAbi, functionName: "mint", args: [buyer.address, grant] });
    await publicClient.waitForTransactionReceipt({ hash });
  }

  const state = {
    rpcUrl: anvil.rpcUrl,
    ...d,
    deployBlock: Number(d.deployBlock),
    arbiterPrivateKey: ANVIL_PRIVATE_KEYS[0],
    demoBuyers,
  };
  await mkdir(path.dirname(STATE_FILE), { recursive: true });
  await writeFile(STATE_FILE, JSON.stringify(state, null, 2) + "\n");

  console.log(`Local chain running (Ctrl-C stops it and removes ${path.relative(process.cwd(), STATE_FILE)}).
  RPC URL:        ${anvil.rpcUrl}   (chain id ${d.chainId})
  Escrow:         ${d.escrow}   (deployed in block ${d.deployBlock})
  Token:          ${d.token}   (${d.tokenSymbol}, ${d.tokenDecimals} decimals, anyone can mint)
  Arbiter:        ${d.arbiter}   (anvil account #0)
  Fee recipient:  ${d.feeRecipient}   (anvil account #1)
  Demo buyers:    ${demoBuyers.map((b) => b.address).join(", ")}   (10,000 ${d.tokenSymbol} each)
Import a demo buyer into a browser wallet (network: RPC ${anvil.rpcUrl}, chain id ${d.chainId}):
  private key ${demoBuyers[0].privateKey}
State for the app: ${path.relative(process.cwd(), STATE_FILE)}`);
} catch (err) {
  console.error(`deployment failed: ${(err as Error).message}`);
  await shutdown(1);
}
