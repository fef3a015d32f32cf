/**
 * `npm run chain:deploy -- --rpc <url> --key <deployer private key> [--arbiter <address>] [--fee-recipient <address>]
 *   [--token <address>] --out <file>`
 *
 * Deploys StorefrontEscrow to any EVM RPC and writes { chainId, escrow, token, tokenSymbol, tokenDecimals, arbiter,
 * feeRecipient, deployBlock } to --out; the same JSON is the last line on stdout. Arbiter and fee recipient default
 * to the deployer. Without --token a MockStablecoin (anyone can mint) is deployed first, which NODE_ENV=production
 * refuses. Exit 1 with a message on bad input or a failed deployment.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPublicClient, createWalletClient, defineChain, http, isAddress, BaseError, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { deployStorefront } from "#server/chain/index.ts";
import { coreEnvSchema } from "#server/env.ts";

const address = z.string().refine((s): s is Address => isAddress(s, { strict: false }), "must be a 0x-prefixed 20-byte address");
const argsSchema = z.object({
  rpc: z.url({ protocol: /^https?$/, error: "must be an http(s):// RPC URL" }),
  key: z
    .string()
    .transform((s) => (s.startsWith("0x") ? s : `0x${s}`))
    .pipe(z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex private key"))
    .transform((s) => s as Hex),
  arbiter: address.optional(),
  "fee-recipient": address.optional(),
  token: address.optional(),
  out: z.string({ error: "is required (the file to write the deployment JSON to)" }).min(1),
});

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let raw;
try {
  raw = parseArgs({
    options: {
      rpc: { type: "string" },
      key: { type: "string" },
      arbiter: { type: "string" },
      "fee-recipient": { type: "string" },
      token: { type: "string" },
      out: { type: "string" },
    },
    strict: true,
  }).values;
} catch (err) {
  fail(`chain:deploy: ${(err as Error).message}`);
}
const parsed = argsSchema.safeParse(raw);
if (!parsed.success) {
  const lines = parsed.error.issues.map((i) => `  --${i.path.join(".") || "?"}: ${i.message}`);
  fail(
    `chain:deploy: invalid arguments\n${lines.join("\n")}\nusage: npm run chain:deploy -- --rpc <url> --key <private key> [--arbiter <address>] [--fee-recipient <address>] [--token <address>] --out <file>`,
  );
}
const args = parsed.data;
const { NODE_ENV } = coreEnvSchema.pick({ NODE_ENV: true }).parse(process.env);
if (!args.token && NODE_ENV === "production") {
  fail("chain:deploy: --token <address> is required when NODE_ENV=production: without it a mock stablecoin anyone can mint would be deployed.");
}

try {
  const transport = http(args.rpc, { timeout: 30_000 });
  const chainId = await createPublicClient({ transport }).getChainId();
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [args.rpc] } },
  });
  const account = privateKeyToAccount(args.key);
  const publicClient = createPublicClient({ chain, transport, cacheTime: 0 });
  const walletClient = createWalletClient({ account, chain, transport });

  console.log(`deploying from ${account.address} to chain ${chainId}${args.token ? "" : " (with a mock stablecoin)"}`);
  const d = await deployStorefront({
    walletClient,
    publicClient,
    token: args.token,
    arbiter: args.arbiter ?? account.address,
    feeRecipient: args["fee-recipient"] ?? account.address,
  });
  const result = { ...d, deployBlock: Number(d.deployBlock) };
  await mkdir(path.dirname(path.resolve(args.out)), { recursive: true });
  await writeFile(args.out, JSON.stringify(result, null, 2) + "\n");
  console.log(`wrote ${args.out}`);
  console.log(JSON.stringify(result));
} catch (err) {
  fail(`chain:deploy failed: ${err instanceof BaseError ? err.shortMessage : (err as Error).message}`);
}
