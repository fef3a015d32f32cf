/**
 * StorefrontEscrow against a real anvil: one-use order references, release/refund at most once and by the arbiter
 * only, exact payouts, the reentrancy guard, USDT-style and fee-on-transfer tokens, pause, the two-step arbiter
 * handover, a blacklisted merchant and `totalHeld`. Every test deploys its own token and escrow.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, encodeFunctionData, keccak256, toHex, type Abi, type Address, type Hex } from "viem";
import {
  ANVIL_PRIVATE_KEYS,
  DEAL_STATE,
  deployEscrow,
  deployMockToken,
  escrowAbi,
  loadArtifact,
  mockStablecoinAbi,
  startAnvil,
  tokenAbi,
  type MockTokenName,
  type RunningAnvil,
} from "#server/chain/index.ts";
import { chainClients, type ChainClients } from "./chain-clients.ts";

const ARBITER = 0;
const FEE_RECIPIENT = 1;
const BUYER = 2;
const MERCHANT = 3;
const STRANGER = 4;
const USDC = 1_000_000n; // 6 decimals

let anvil: RunningAnvil;
let c: ChainClients;
let errorsAbi: Abi; // every custom error any of our contracts (or OpenZeppelin's ERC20) can raise
const addr = (i: number): Address => c.wallet(i).account.address;
let seq = 0;
const newRef = (): Hex => keccak256(toHex(`order-${++seq}`));

beforeAll(async () => {
  anvil = await startAnvil();
  c = chainClients(anvil.rpcUrl);
  const artifacts = await Promise.all(["StorefrontEscrow", "MockStablecoin", "NoBoolToken", "FeeOnTransferToken", "ReentrantToken"].map(loadArtifact));
  errorsAbi = artifacts.flatMap((a) => a.abi.filter((i) => i.type === "error"));
});
afterAll(async () => {
  await anvil?.stop();
});

/** The custom error a call reverted with, decoded by name (fails when the call did not revert). */
async function revertOf(call: Promise<unknown>): Promise<{ name: string; args: readonly unknown[] }> {
  try {
    await call;
  } catch (err) {
    // A contract call's error carries the revert data decoded-or-raw; a deployment's only the RPC error's `data`.
    const reverted = err instanceof BaseError ? err.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    const rpc = err instanceof BaseError ? err.walk((e) => typeof (e as { data?: unknown }).data === "string") : null;
    const data = reverted instanceof ContractFunctionRevertedError ? reverted.raw : (rpc as { data?: Hex } | null)?.data;
    if (!data || data === "0x") throw err;
    const { errorName, args } = decodeErrorResult({ abi: errorsAbi, data });
    return { name: errorName, args: args ?? [] };
  }
  throw new Error("expected the call to revert");
}

interface Fixture {
  token: Address;
  escrow: Address;
  fund(ref: Hex, amount: bigint, from?: number): Promise<unknown>;
  payDirect(ref: Hex, amount: bigint, from?: number): Promise<unknown>;
  release(ref: Hex, fee: bigint, from?: number): Promise<unknown>;
  refund(ref: Hex, from?: number): Promise<unknown>;
  balance(who: Address): Promise<bigint>;
  deal(ref: Hex): Promise<{ buyer: Address; merchant: Address; amount: bigint; state: number }>;
  totalHeld(): Promise<bigint>;
}

/** A fresh token + escrow; the buyer holds 1,000 tokens and has approved the escrow for all of them. */
async function deploy(contract: MockTokenName = "MockStablecoin"): Promise<Fixture> {
  const deployer = c.wallet(ARBITER);
  const { address: token } = await deployMockToken({ walletClient: deployer, publicClient: c.publicClient, contract });
  const { address: escrow } = await deployEscrow({
    walletClient: deployer,
    publicClient: c.publicClient,
    token,
    arbiter: addr(ARBITER),
    feeRecipient: addr(FEE_RECIPIENT),
  });
  await c.mined(await deployer.writeContract({ address: token, abi: tokenAbi, functionName: "mint", args: [addr(BUYER), 1000n * USDC] }));
  await c.mined(await c.wallet(BUYER).writeContract({ address: token, abi: tokenAbi, functionName: "approve", args: [escrow, 1000n * USDC] }));

  const write = async (from: number, functionName: "fund" | "payDirect" | "release" | "refund", args: readonly unknown[]) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one helper for four functions; viem checks args per call site elsewhere
    c.mined(await c.wallet(from).writeContract({ address: escrow, abi: escrowAbi, functionName, args } as any));
  return {
    token,
    escrow,
    fund: (ref, amount, from = BUYER) => write(from, "fund", [ref, addr(MERCHANT), amount]),
    payDirect: (ref, amount, from = BUYER) => write(from, "payDirect", [ref, addr(MERCHANT), amount]),
    release: (ref, fee, from = ARBITER) => write(from, "release", [ref, fee]),
    refund: (ref, from = ARBITER) => write(from, "refund", [ref]),
    balance: (who) => c.publicClient.readContract({ address: token, abi: tokenAbi, functionName: "balanceOf", args: [who] }),
    async deal(ref) {
      const [buyer, merchant, amount, state] = await c.publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: "deals", args: [ref] });
      return { buyer, merchant, amount, state };
    },
    totalHeld: () => c.publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: "totalHeld" }),
  };
}

describe("StorefrontEscrow", () => {
  it("the exported dev keys are anvil's accounts", async () => {
    const res = await fetch(anvil.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_accounts", params: [] }),
    });
    const { result } = (await res.json()) as { result: string[] };
    expect(ANVIL_PRIVATE_KEYS.map((_, i) => addr(i).toLowerCase())).toEqual(result.map((a) => a.toLowerCase()));
  });

  it("an order reference is used once, by either rail", async () => {
    const f = await deploy();
    const ref = newRef();
    await f.fund(ref, 10n * USDC);
    expect(await f.deal(ref)).toEqual({ buyer: addr(BUYER), merchant: addr(MERCHANT), amount: 10n * USDC, state: DEAL_STATE.Held });
    expect(await revertOf(f.fund(ref, 10n * USDC))).toEqual({ name: "RefUsed", args: [ref] });
    expect((await revertOf(f.payDirect(ref, 10n * USDC))).name).toBe("RefUsed");

    const direct = newRef();
    await f.payDirect(direct, 5n * USDC);
    expect(await c.publicClient.readContract({ address: f.escrow, abi: escrowAbi, functionName: "directPaid", args: [direct] })).toBe(true);
    expect(await f.balance(addr(MERCHANT))).toBe(5n * USDC);
    expect((await revertOf(f.payDirect(direct, 5n * USDC))).name).toBe("RefUsed");
    expect((await revertOf(f.fund(direct, 5n * USDC))).name).toBe("RefUsed");
  });

  it("refuses a zero amount, a zero merchant and zero constructor addresses", async () => {
    const f = await deploy();
    expect((await revertOf(f.fund(newRef(), 0n))).name).toBe("ZeroAmount");
    const zero = "0x0000000000000000000000000000000000000000";
    const call = c.wallet(BUYER).writeContract({ address: f.escrow, abi: escrowAbi, functionName: "fund", args: [newRef(), zero, 1n] });
    expect((await revertOf(call)).name).toBe("ZeroAddress");
    const deployZero = deployEscrow({
      walletClient: c.wallet(ARBITER),
      publicClient: c.publicClient,
      token: f.token,
      arbiter: zero,
      feeRecipient: addr(FEE_RECIPIENT),
    });
    expect((await revertOf(deployZero)).name).toBe("ZeroAddress");
  });

  it("release and refund happen at most once, and only by the arbiter", async () => {
    const f = await deploy();
    const ref = newRef();
    await f.fund(ref, 10n * USDC);
    expect((await revertOf(f.release(ref, 0n, STRANGER))).name).toBe("NotArbiter");
    expect((await revertOf(f.release(ref, 0n, BUYER))).name).toBe("NotArbiter");
    expect((await revertOf(f.refund(ref, MERCHANT))).name).toBe("NotArbiter");
    await f.release(ref, USDC);
    expect(await revertOf(f.release(ref, USDC))).toEqual({ name: "NotHeld", args: [ref] });
    expect((await revertOf(f.refund(ref))).name).toBe("NotHeld");

    const refunded = newRef();
    await f.fund(refunded, 10n * USDC);
    await f.refund(refunded);
    expect((await revertOf(f.refund(refunded))).name).toBe("NotHeld");
    expect((await revertOf(f.release(refunded, 0n))).name).toBe("NotHeld");
    expect((await revertOf(f.release(newRef(), 0n))).name).toBe("NotHeld"); // never funded
  });

  it("release pays amount - fee to the merchant and the fee to the fee recipient, exactly", async () => {
    const f = await deploy();
    const ref = newRef();
    const amount = 123_456_789n;
    const fee = 3_703_703n;
    await f.fund(ref, amount);
    expect((await revertOf(f.release(ref, amount + 1n))).name).toBe("FeeTooHigh");
    const block = (await f.release(ref, fee)) as bigint;
    expect(await f.balance(addr(MERCHANT))).toBe(amount - fee);
    expect(await f.balance(addr(FEE_RECIPIENT))).toBe(fee);
    expect(await f.balance(f.escrow)).toBe(0n);
    expect((await f.deal(ref)).state).toBe(DEAL_STATE.Released);
    const [log] = await c.publicClient.getContractEvents({ address: f.escrow, abi: escrowAbi, eventName: "Released", fromBlock: block, toBlock: block });
    expect(log.args).toEqual({ orderRef: ref, merchant: addr(MERCHANT), merchantAmount: amount - fee, fee });

    // fee = amount: the merchant transfer (zero) is skipped, the fee recipient gets it all.
    const all = newRef();
    await f.fund(all, 7n);
    await f.release(all, 7n);
    expect(await f.balance(addr(MERCHANT))).toBe(amount - fee);
    expect(await f.balance(addr(FEE_RECIPIENT))).toBe(fee + 7n);
  });

  it("refund returns the full amount to the buyer", async () => {
    const f = await deploy();
    const ref = newRef();
    const before = await f.balance(addr(BUYER));
    await f.fund(ref, 42n * USDC);
    expect(await f.balance(addr(BUYER))).toBe(before - 42n * USDC);
    await f.refund(ref);
    expect(await f.balance(addr(BUYER))).toBe(before);
    expect((await f.deal(ref)).state).toBe(DEAL_STATE.Refunded);
  });

  it("totalHeld is the sum of the Held deals and matches the escrow's balance", async () => {
    const f = await deploy();
    const [a, b, d] = [newRef(), newRef(), newRef()];
    await f.fund(a, 100n);
    await f.fund(b, 200n);
    await f.payDirect(d, 50n); // direct payments never touch the escrow's balance
    expect(await f.totalHeld()).toBe(300n);
    await f.release(a, 10n);
    expect(await f.totalHeld()).toBe(200n);
    expect(await f.balance(f.escrow)).toBe(200n);
    await f.refund(b);
    expect(await f.totalHeld()).toBe(0n);
    expect(await f.balance(f.escrow)).toBe(0n);
  });

  describe("reentrancy", () => {
    /** A ReentrantToken escrow whose arbiter is the token itself, so its callbacks pass onlyArbiter and meet the guard. */
    async function hostile() {
      const f = await deploy("ReentrantToken");
      const { abi } = await loadArtifact("ReentrantToken");
      await c.mined(await c.wallet(ARBITER).writeContract({ address: f.escrow, abi: escrowAbi, functionName: "transferArbiter", args: [f.token] }));
      const accept = encodeFunctionData({ abi: escrowAbi, functionName: "acceptArbiter" });
      const token = {
        execute: async (data: Hex) =>
          c.mined(await c.wallet(STRANGER).writeContract({ address: f.token, abi, functionName: "execute", args: [f.escrow, data] })),
        arm: async (data: Hex, bubble: boolean) =>
          c.mined(await c.wallet(STRANGER).writeContract({ address: f.token, abi, functionName: "arm", args: [f.escrow, data, bubble] })),
        read: (functionName: string) => c.publicClient.readContract({ address: f.token, abi, functionName }),
      };
      await token.execute(accept);
      expect(await c.publicClient.readContract({ address: f.escrow, abi: escrowAbi, functionName: "arbiter" })).toBe(f.token);
      return { f, token };
    }
    const releaseCall = (ref: Hex, fee: bigint) => encodeFunctionData({ abi: escrowAbi, functionName: "release", args: [ref, fee] });
    const refundCall = (ref: Hex) => encodeFunctionData({ abi: escrowAbi, functionName: "refund", args: [ref] });

    it("a token calling back during release can neither release twice nor refund another deal", async () => {
      const { f, token } = await hostile();
      const [a, b] = [newRef(), newRef()];
      await f.fund(a, 100n * USDC);
      await f.fund(b, 50n * USDC);

      // Swallowed callback: the outer release goes through, the inner one must have been refused by the guard.
      await token.arm(releaseCall(a, 0n), false);
      await token.execute(releaseCall(a, USDC));
      expect(await token.read("reentryAttempts")).toBe(1n);
      expect(await token.read("lastReentryOk")).toBe(false);
      const ret = (await token.read("lastReentryReturn")) as Hex;
      expect(decodeErrorResult({ abi: errorsAbi, data: ret }).errorName).toBe("ReentrancyGuardReentrantCall");
      expect(await f.balance(addr(MERCHANT))).toBe(99n * USDC);
      expect(await f.balance(addr(FEE_RECIPIENT))).toBe(USDC);

      // A refund of the other deal from inside a release, bubbled: the whole release reverts, nothing moves.
      const c2 = newRef();
      await f.fund(c2, 30n * USDC);
      await token.arm(refundCall(b), true);
      expect((await revertOf(token.execute(releaseCall(c2, 0n)))).name).toBe("ReentrancyGuardReentrantCall");
      expect((await f.deal(c2)).state).toBe(DEAL_STATE.Held);
      expect((await f.deal(b)).state).toBe(DEAL_STATE.Held);

      // Swallowed again, during a refund: the refund happens once, the other deal stays Held.
      await token.arm(refundCall(b), false);
      await token.execute(refundCall(c2));
      expect(await token.read("lastReentryOk")).toBe(false);
      expect((await f.deal(c2)).state).toBe(DEAL_STATE.Refunded);
      expect((await f.deal(b)).state).toBe(DEAL_STATE.Held);
      expect((await f.deal(a)).state).toBe(DEAL_STATE.Released);
      expect(await f.totalHeld()).toBe(50n * USDC);
      expect(await f.balance(f.escrow)).toBe(50n * USDC);
    });

    it("a token calling back during fund cannot fund (or release) in the middle of it", async () => {
      const { f, token } = await hostile();
      const ref = newRef();
      await token.arm(encodeFunctionData({ abi: escrowAbi, functionName: "fund", args: [newRef(), addr(MERCHANT), 1n] }), true);
      expect((await revertOf(f.fund(ref, 10n * USDC))).name).toBe("ReentrancyGuardReentrantCall");
      expect((await f.deal(ref)).state).toBe(DEAL_STATE.None);

      await token.arm(releaseCall(ref, 0n), true);
      expect((await revertOf(f.fund(ref, 10n * USDC))).name).toBe("ReentrancyGuardReentrantCall");
      expect(await f.totalHeld()).toBe(0n);
      expect(await f.balance(f.escrow)).toBe(0n);
    });
  });

  it("works with a token whose transfer/transferFrom/approve return nothing (USDT-style)", async () => {
    const f = await deploy("NoBoolToken");
    const [a, b, d] = [newRef(), newRef(), newRef()];
    await f.fund(a, 100n);
    await f.fund(b, 200n);
    await f.release(a, 10n);
    await f.refund(b);
    await f.payDirect(d, 5n);
    expect(await f.balance(addr(MERCHANT))).toBe(90n + 5n);
    expect(await f.balance(addr(FEE_RECIPIENT))).toBe(10n);
    expect(await f.balance(addr(BUYER))).toBe(1000n * USDC - 100n - 5n);
    expect(await f.balance(f.escrow)).toBe(0n);
  });

  it("refuses a fee-on-transfer token on both rails", async () => {
    const f = await deploy("FeeOnTransferToken");
    const ref = newRef();
    expect((await revertOf(f.fund(ref, 100n * USDC))).name).toBe("FeeOnTransferNotSupported");
    expect((await revertOf(f.payDirect(ref, 100n * USDC))).name).toBe("FeeOnTransferNotSupported");
    expect((await f.deal(ref)).state).toBe(DEAL_STATE.None);
    expect(await f.totalHeld()).toBe(0n);
    expect(await f.balance(addr(BUYER))).toBe(1000n * USDC);
  });

  it("pause stops every money movement until unpause", async () => {
    const f = await deploy();
    const [held, refundable] = [newRef(), newRef()];
    await f.fund(held, 10n);
    await f.fund(refundable, 10n);
    const admin = (from: number, functionName: "pause" | "unpause") =>
      c.wallet(from).writeContract({ address: f.escrow, abi: escrowAbi, functionName }).then(c.mined);
    expect((await revertOf(admin(STRANGER, "pause"))).name).toBe("NotArbiter");
    await admin(ARBITER, "pause");
    expect(await c.publicClient.readContract({ address: f.escrow, abi: escrowAbi, functionName: "paused" })).toBe(true);

    expect((await revertOf(f.fund(newRef(), 10n))).name).toBe("IsPaused");
    expect((await revertOf(f.payDirect(newRef(), 10n))).name).toBe("IsPaused");
    expect((await revertOf(f.release(held, 0n))).name).toBe("IsPaused");
    expect((await revertOf(f.refund(refundable))).name).toBe("IsPaused");
    expect((await revertOf(admin(STRANGER, "unpause"))).name).toBe("NotArbiter");

    await admin(ARBITER, "unpause");
    await f.fund(newRef(), 10n);
    await f.payDirect(newRef(), 10n);
    await f.release(held, 0n);
    await f.refund(refundable);
    expect(await f.totalHeld()).toBe(10n);
  });

  it("the arbiter changes only when the new one accepts", async () => {
    const f = await deploy();
    const read = (functionName: "arbiter" | "pendingArbiter") => c.publicClient.readContract({ address: f.escrow, abi: escrowAbi, functionName });
    const ref = newRef();
    await f.fund(ref, 10n);

    expect(
      (await revertOf(c.wallet(STRANGER).writeContract({ address: f.escrow, abi: escrowAbi, functionName: "transferArbiter", args: [addr(STRANGER)] }))).name,
    ).toBe("NotArbiter");
    await c.mined(await c.wallet(ARBITER).writeContract({ address: f.escrow, abi: escrowAbi, functionName: "transferArbiter", args: [addr(STRANGER)] }));
    expect(await read("arbiter")).toBe(addr(ARBITER));
    expect(await read("pendingArbiter")).toBe(addr(STRANGER));
    expect((await revertOf(f.release(ref, 0n, STRANGER))).name).toBe("NotArbiter"); // pending is not yet arbiter

    const accept = (from: number) => c.wallet(from).writeContract({ address: f.escrow, abi: escrowAbi, functionName: "acceptArbiter" }).then(c.mined);
    expect((await revertOf(accept(MERCHANT))).name).toBe("NotPendingArbiter");
    expect((await revertOf(accept(ARBITER))).name).toBe("NotPendingArbiter");
    expect(await read("arbiter")).toBe(addr(ARBITER));

    const block = await accept(STRANGER);
    expect(await read("arbiter")).toBe(addr(STRANGER));
    expect(await read("pendingArbiter")).toBe("0x0000000000000000000000000000000000000000");
    const [log] = await c.publicClient.getContractEvents({
      address: f.escrow,
      abi: escrowAbi,
      eventName: "ArbiterTransferred",
      fromBlock: block,
      toBlock: block,
    });
    expect(log.args).toEqual({ previous: addr(ARBITER), next: addr(STRANGER) });
    expect((await revertOf(f.release(ref, 0n, ARBITER))).name).toBe("NotArbiter");
    await f.release(ref, 0n, STRANGER);
  });

  it("setFeeRecipient is the arbiter's and never zero", async () => {
    const f = await deploy();
    const set = (from: number, next: Address) =>
      c
        .wallet(from)
        .writeContract({ address: f.escrow, abi: escrowAbi, functionName: "setFeeRecipient", args: [next] })
        .then(c.mined);
    expect((await revertOf(set(STRANGER, addr(STRANGER)))).name).toBe("NotArbiter");
    expect((await revertOf(set(ARBITER, "0x0000000000000000000000000000000000000000"))).name).toBe("ZeroAddress");
    await set(ARBITER, addr(STRANGER));
    const ref = newRef();
    await f.fund(ref, 100n);
    await f.release(ref, 3n);
    expect(await f.balance(addr(STRANGER))).toBe(3n);
  });

  it("a merchant blacklisted by the token: release reverts and leaves the deal Held; refund still works", async () => {
    const f = await deploy();
    const ref = newRef();
    await f.fund(ref, 25n * USDC);
    await c.mined(
      await c.wallet(STRANGER).writeContract({ address: f.token, abi: mockStablecoinAbi, functionName: "setBlacklisted", args: [addr(MERCHANT), true] }),
    );
    expect(await revertOf(f.release(ref, USDC))).toEqual({ name: "Blacklisted", args: [addr(MERCHANT)] });
    expect((await f.deal(ref)).state).toBe(DEAL_STATE.Held);
    expect(await f.totalHeld()).toBe(25n * USDC);

    const before = await f.balance(addr(BUYER));
    await f.refund(ref);
    expect(await f.balance(addr(BUYER))).toBe(before + 25n * USDC);
    expect((await f.deal(ref)).state).toBe(DEAL_STATE.Refunded);
    expect(await f.totalHeld()).toBe(0n);
  });
});
