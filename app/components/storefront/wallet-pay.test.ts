import { describe, expect, it } from "vitest";
import { encodeFunctionData, parseAbi, toFunctionSelector } from "viem";
import { allowanceData, approveData, payData, payWithWallet, SELECTORS, WalletError, type WalletPayment, type WalletStep } from "./wallet-pay.ts";
import { tokenAmount, tokenAmountLabel } from "./token-amount.ts";

const abi = parseAbi([
  "function fund(bytes32 orderRef, address merchant, uint256 amount)",
  "function payDirect(bytes32 orderRef, address merchant, uint256 amount)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function allowance(address owner, address spender) view returns (uint256)",
]);

const payment: WalletPayment = {
  rail: "escrow", chainId: 31337, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3", token: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  amountBaseUnits: "12500000", orderRef: `0x${"ab".repeat(32)}`, merchant: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
};
const BUYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

describe("wallet calldata", () => {
  it("hard-coded selectors match viem's", () => {
    expect(SELECTORS.fund).toBe(toFunctionSelector("fund(bytes32,address,uint256)"));
    expect(SELECTORS.payDirect).toBe(toFunctionSelector("payDirect(bytes32,address,uint256)"));
    expect(SELECTORS.approve).toBe(toFunctionSelector("approve(address,uint256)"));
    expect(SELECTORS.allowance).toBe(toFunctionSelector("allowance(address,address)"));
  });

  it("encodes exactly what viem encodes", () => {
    const args = [payment.orderRef as `0x${string}`, payment.merchant as `0x${string}`, 12500000n] as const;
    expect(payData(payment)).toBe(encodeFunctionData({ abi, functionName: "fund", args }));
    expect(payData({ ...payment, rail: "direct" })).toBe(encodeFunctionData({ abi, functionName: "payDirect", args }));
    expect(approveData(payment.contract, 2n ** 256n - 1n)).toBe(encodeFunctionData({ abi, functionName: "approve", args: [payment.contract as `0x${string}`, 2n ** 256n - 1n] }));
    expect(allowanceData(BUYER, payment.contract)).toBe(encodeFunctionData({ abi, functionName: "allowance", args: [BUYER, payment.contract as `0x${string}`] }));
    expect(() => payData({ ...payment, orderRef: "0x1234" })).toThrow(WalletError);
  });
});

describe("token amounts", () => {
  it("formats base units exactly, without floats", () => {
    expect(tokenAmount("12500000", 6)).toBe("12.5");
    expect(tokenAmount("1", 18)).toBe("0.000000000000000001");
    expect(tokenAmount("123456789012345678901234567890", 18)).toBe("123456789012.34567890123456789");
    expect(tokenAmount("1000", 0)).toBe("1000");
    expect(tokenAmount("0", 6)).toBe("0");
    expect(tokenAmountLabel("79000000", 6, "USDC")).toBe("79\u00a0USDC");
    expect(() => tokenAmount("-1", 6)).toThrow();
    expect(() => tokenAmount("1.5", 6)).toThrow();
  });
});

/** A scripted EIP-1193 provider: answers by method, records every call. */
function fakeProvider(answers: Record<string, (params: unknown) => unknown>) {
  const calls: { method: string; params?: unknown }[] = [];
  return {
    calls,
    request: async ({ method, params }: { method: string; params?: unknown }) => {
      calls.push({ method, params });
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected ${method}`);
      return answer(params);
    },
  };
}

const rpcError = (code: number) => Object.assign(new Error(`code ${code}`), { code });

describe("payWithWallet", () => {
  it("connects, adds an unknown chain, approves when the allowance is short, waits for the receipt, then funds", async () => {
    let receipts = 0;
    const provider = fakeProvider({
      eth_requestAccounts: () => [BUYER],
      wallet_switchEthereumChain: () => { throw rpcError(4902); },
      wallet_addEthereumChain: () => null,
      eth_call: () => "0x0",
      eth_sendTransaction: (p) => ((p as { data: string }[])[0]!.data.startsWith(SELECTORS.approve) ? "0xa1" : "0xf1"),
      eth_getTransactionReceipt: () => (++receipts < 2 ? null : { status: "0x1" }),
    });
    const steps: WalletStep[] = [];
    const addChain = { chainName: "Local", rpcUrls: ["http://127.0.0.1:8545"], nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 } };
    const tx = await payWithWallet(provider, payment, { onStep: (s) => steps.push(s), addChain, sleep: async () => {} });
    expect(tx).toBe("0xf1");
    expect(provider.calls.map((c) => c.method)).toEqual([
      "eth_requestAccounts", "wallet_switchEthereumChain", "wallet_addEthereumChain", "eth_call", "eth_sendTransaction",
      "eth_getTransactionReceipt", "eth_getTransactionReceipt", "eth_sendTransaction",
    ]);
    expect(provider.calls[1]!.params).toEqual([{ chainId: "0x7a69" }]);
    expect(provider.calls[2]!.params).toEqual([{ chainId: "0x7a69", ...addChain }]);
    expect(provider.calls.at(-1)!.params).toEqual([{ from: BUYER, to: payment.contract, data: payData(payment) }]);
    expect(steps.map((s) => s.step)).toEqual(["connect", "switch-chain", "approve", "approve-sent", "pay", "sent"]);
  });

  it("skips the approval when the allowance covers the amount, and calls payDirect on the direct rail", async () => {
    const provider = fakeProvider({
      eth_requestAccounts: () => [BUYER],
      wallet_switchEthereumChain: () => null,
      eth_call: () => `0x${(12500000n).toString(16).padStart(64, "0")}`,
      eth_sendTransaction: () => "0xd1",
    });
    await payWithWallet(provider, { ...payment, rail: "direct" }, { onStep: () => {} });
    expect(provider.calls.map((c) => c.method)).toEqual(["eth_requestAccounts", "wallet_switchEthereumChain", "eth_call", "eth_sendTransaction"]);
    expect((provider.calls[3]!.params as { data: string }[])[0]!.data.startsWith(SELECTORS.payDirect)).toBe(true);
  });

  it("turns a rejection (4001) into a 'rejected' error, and an unknown chain without add parameters into a plain message", async () => {
    const rejecting = fakeProvider({ eth_requestAccounts: () => { throw rpcError(4001); } });
    await expect(payWithWallet(rejecting, payment, { onStep: () => {} })).rejects.toMatchObject({ reason: "rejected" });
    const unknown = fakeProvider({ eth_requestAccounts: () => [BUYER], wallet_switchEthereumChain: () => { throw rpcError(4902); } });
    await expect(payWithWallet(unknown, payment, { onStep: () => {} })).rejects.toMatchObject({ reason: "unknown-chain", message: expect.stringContaining("chain 31337") });
  });
});
