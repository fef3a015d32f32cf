/**
 * Paying an on-chain order from the buyer's browser wallet (EIP-1193), without bundling viem: calldata is encoded by
 * hand (every argument is one 32-byte word). The sequence: eth_requestAccounts → wallet_switchEthereumChain (on 4902
 * wallet_addEthereumChain) → eth_call allowance → if short, approve and wait for its receipt → fund / payDirect.
 */

export interface Eip1193Provider {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
}

/** 4-byte selectors; wallet-pay.test.ts checks them against viem's toFunctionSelector. */
export const SELECTORS = {
  approve: "0x095ea7b3", // approve(address,uint256)
  allowance: "0xdd62ed3e", // allowance(address,address)
  fund: "0xf8388f0f", // fund(bytes32,address,uint256)
  payDirect: "0x435ab804", // payDirect(bytes32,address,uint256)
} as const;

export interface WalletPayment {
  rail: string;
  chainId: number;
  contract: string;
  token: string;
  amountBaseUnits: string;
  orderRef: string;
  merchant: string;
}

export type WalletStep =
  | { step: "connect" }
  | { step: "switch-chain" }
  | { step: "approve" }
  | { step: "approve-sent"; txHash: string }
  | { step: "pay" }
  | { step: "sent"; txHash: string };

export type WalletFailure = "rejected" | "unknown-chain" | "reverted" | "failed";

export class WalletError extends Error {
  constructor(readonly reason: WalletFailure, message: string) {
    super(message);
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

function word(hex: string, shape: RegExp) {
  if (!shape.test(hex)) throw new WalletError("failed", `Malformed payment detail: ${hex}`);
  return hex.slice(2).toLowerCase().padStart(64, "0");
}
const address = (a: string) => word(a, ADDRESS);
function uint(v: bigint) {
  if (v < 0n || v >= 2n ** 256n) throw new WalletError("failed", `Amount out of range: ${v}`);
  return v.toString(16).padStart(64, "0");
}

export const allowanceData = (owner: string, spender: string) => `${SELECTORS.allowance}${address(owner)}${address(spender)}`;
export const approveData = (spender: string, amount: bigint) => `${SELECTORS.approve}${address(spender)}${uint(amount)}`;
/** fund (escrow rail) or payDirect (direct rail) with exactly the order's reference, merchant and amount. */
export const payData = (p: WalletPayment) =>
  `${p.rail === "direct" ? SELECTORS.payDirect : SELECTORS.fund}${word(p.orderRef, BYTES32)}${address(p.merchant)}${uint(BigInt(p.amountBaseUnits))}`;

/** An EIP-1193 error's code, also where mobile wallets nest it (data.originalError.code). */
export function errorCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; data?: { originalError?: { code?: unknown } } } | null;
  const code = e?.code ?? e?.data?.originalError?.code;
  return typeof code === "number" ? code : undefined;
}

/** Maps what the wallet threw onto a WalletError (4001: the buyer said no). */
function walletError(err: unknown): WalletError {
  if (err instanceof WalletError) return err;
  if (errorCode(err) === 4001) return new WalletError("rejected", "You cancelled the request in your wallet. Nothing was paid.");
  const message = (err as { message?: unknown } | null)?.message;
  return new WalletError("failed", typeof message === "string" && message ? message : "The wallet refused the request.");
}

export interface AddChain {
  chainName: string;
  rpcUrls: string[];
  nativeCurrency: { name: string; symbol: string; decimals: number };
}

export interface PayOptions {
  onStep: (s: WalletStep) => void;
  /** Parameters for wallet_addEthereumChain when the wallet does not know the chain (4902); null: ask the buyer. */
  addChain?: AddChain | null;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const hexChainId = (id: number) => `0x${id.toString(16)}`;

async function switchChain(provider: Eip1193Provider, chainId: number, addChain: AddChain | null | undefined) {
  const chain = hexChainId(chainId);
  try {
    await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: chain }] });
  } catch (err) {
    if (errorCode(err) !== 4902) throw err;
    if (!addChain) throw new WalletError("unknown-chain", `Your wallet does not know chain ${chainId}. Add that network to your wallet, then try again.`);
    await provider.request({ method: "wallet_addEthereumChain", params: [{ chainId: chain, ...addChain }] });
  }
}

async function waitForReceipt(provider: Eip1193Provider, txHash: string, pollMs: number, sleep: (ms: number) => Promise<void>) {
  for (;;) {
    const receipt = (await provider.request({ method: "eth_getTransactionReceipt", params: [txHash] })) as { status?: string } | null;
    if (receipt) {
      if (receipt.status === "0x0") throw new WalletError("reverted", `The transaction ${txHash} failed on chain.`);
      return;
    }
    await sleep(pollMs);
  }
}

/** Runs the whole payment; resolves with the payment transaction's hash, or throws a WalletError. */
export async function payWithWallet(provider: Eip1193Provider, p: WalletPayment, options: PayOptions): Promise<string> {
  const { onStep, pollMs = 1_500, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = options;
  try {
    const amount = BigInt(p.amountBaseUnits);
    const data = payData(p);
    onStep({ step: "connect" });
    const [from] = (await provider.request({ method: "eth_requestAccounts" })) as string[];
    if (!from) throw new WalletError("failed", "The wallet shared no account.");
    onStep({ step: "switch-chain" });
    await switchChain(provider, p.chainId, options.addChain);
    const allowance = (await provider.request({ method: "eth_call", params: [{ to: p.token, data: allowanceData(from, p.contract) }, "latest"] })) as string;
    if (BigInt(allowance && allowance !== "0x" ? allowance : "0x0") < amount) {
      onStep({ step: "approve" });
      const approveTx = (await provider.request({ method: "eth_sendTransaction", params: [{ from, to: p.token, data: approveData(p.contract, amount) }] })) as string;
      onStep({ step: "approve-sent", txHash: approveTx });
      await waitForReceipt(provider, approveTx, pollMs, sleep);
    }
    onStep({ step: "pay" });
    const txHash = (await provider.request({ method: "eth_sendTransaction", params: [{ from, to: p.contract, data }] })) as string;
    onStep({ step: "sent", txHash });
    return txHash;
  } catch (err) {
    throw walletError(err);
  }
}
