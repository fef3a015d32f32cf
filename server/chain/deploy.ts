/** Deploys the escrow and the mock tokens with viem, waiting for the receipt (tests and scripts use the result at once). */
import { getAddress, type Abi, type Account, type Address, type Chain, type Hash, type Hex, type PublicClient, type Transport, type WalletClient } from "viem";
import { escrowAbi, tokenAbi } from "./abi.ts";
import { loadArtifact } from "./compile.ts";

/** A wallet client with its account set (e.g. `createWalletClient({ account: privateKeyToAccount(key), ... })`). */
export type DeployerClient = WalletClient<Transport, Chain | undefined, Account>;

export interface Deployment {
  address: Address;
  /** Block the contract was created in: where an indexer starts reading its logs. */
  deployBlock: bigint;
  transactionHash: Hash;
}

export interface DeployEscrowParams {
  walletClient: DeployerClient;
  publicClient: PublicClient;
  token: Address;
  arbiter: Address;
  feeRecipient: Address;
}

export const MOCK_TOKENS = ["MockStablecoin", "NoBoolToken", "FeeOnTransferToken", "ReentrantToken"] as const;
export type MockTokenName = (typeof MOCK_TOKENS)[number];

export interface DeployMockTokenParams {
  walletClient: DeployerClient;
  publicClient: PublicClient;
  /** Which mock (contracts/mocks/); default "MockStablecoin". */
  contract?: MockTokenName;
  /** Defaults: "Mock USD Coin", "USDC", 6. */
  name?: string;
  symbol?: string;
  decimals?: number;
}

async function deploy(walletClient: DeployerClient, publicClient: PublicClient, abi: Abi, bytecode: Hex, args: unknown[]): Promise<Deployment> {
  const hash = await walletClient.deployContract({ abi, bytecode, args, account: walletClient.account, chain: walletClient.chain });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deployment ${hash} reverted`);
  return { address: getAddress(receipt.contractAddress), deployBlock: receipt.blockNumber, transactionHash: hash };
}

export async function deployEscrow({ walletClient, publicClient, token, arbiter, feeRecipient }: DeployEscrowParams): Promise<Deployment> {
  const { bytecode } = await loadArtifact("StorefrontEscrow");
  return deploy(walletClient, publicClient, escrowAbi, bytecode, [token, arbiter, feeRecipient]);
}

/** Deploys a dev/test token (open mint). Never for production: scripts/chain-deploy.ts refuses it there. */
export async function deployMockToken({
  walletClient,
  publicClient,
  contract = "MockStablecoin",
  name = "Mock USD Coin",
  symbol = "USDC",
  decimals = 6,
}: DeployMockTokenParams): Promise<Deployment> {
  const { abi, bytecode } = await loadArtifact(contract);
  return deploy(walletClient, publicClient, abi, bytecode, [name, symbol, decimals]);
}

export interface DeployStorefrontParams {
  walletClient: DeployerClient;
  publicClient: PublicClient;
  /** An existing ERC-20 (e.g. real USDC); omitted: a MockStablecoin ("USDC", 6 decimals) is deployed first. */
  token?: Address;
  arbiter: Address;
  feeRecipient: Address;
}

/** What the indexer and the rails need to know about a deployment (the shape of .data/chain.json and --out files). */
export interface StorefrontDeployment {
  chainId: number;
  escrow: Address;
  token: Address;
  tokenSymbol: string;
  tokenDecimals: number;
  arbiter: Address;
  feeRecipient: Address;
  /** The escrow's creation block: the indexer's starting point. */
  deployBlock: bigint;
}

/** Deploys the escrow (and the mock stablecoin when no token is given) and reads back the token's symbol and decimals. */
export async function deployStorefront({ walletClient, publicClient, token, arbiter, feeRecipient }: DeployStorefrontParams): Promise<StorefrontDeployment> {
  const chainId = await publicClient.getChainId();
  if (token) {
    const code = await publicClient.getCode({ address: token });
    if (!code || code === "0x") throw new Error(`no contract at token address ${token} on chain ${chainId}`);
  } else {
    token = (await deployMockToken({ walletClient, publicClient })).address;
  }
  const [tokenSymbol, tokenDecimals] = await Promise.all([
    publicClient.readContract({ address: token, abi: tokenAbi, functionName: "symbol" }),
    publicClient.readContract({ address: token, abi: tokenAbi, functionName: "decimals" }),
  ]);
  const { address: escrow, deployBlock } = await deployEscrow({ walletClient, publicClient, token, arbiter, feeRecipient });
  return {
    chainId,
    escrow,
    token: getAddress(token),
    tokenSymbol,
    tokenDecimals,
    arbiter: getAddress(arbiter),
    feeRecipient: getAddress(feeRecipient),
    deployBlock,
  };
}
