// scripts/chain-deploy.ts against a real anvil: the JSON on its last stdout line and in --out, and its refusals.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Address } from "viem";
import { ANVIL_PRIVATE_KEYS, escrowAbi, startAnvil, tokenAbi, type RunningAnvil } from "#server/chain/index.ts";
import { chainClients, type ChainClients } from "./chain-clients.ts";

const run = promisify(execFile);
let anvil: RunningAnvil;
let c: ChainClients;
let dir: string;

beforeAll(async () => {
  anvil = await startAnvil();
  c = chainClients(anvil.rpcUrl);
  dir = await mkdtemp(path.join(os.tmpdir(), "sf-chain-deploy-"));
});
afterAll(async () => {
  await anvil?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function deploy(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "scripts/chain-deploy.ts", ...args], {
      env: { ...process.env, NODE_ENV: "development", ...env },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? 1, stdout: e.stdout, stderr: e.stderr };
  }
}
const lastLine = (s: string) => s.trim().split("\n").at(-1)!;

// Each case starts `npx tsx` once or twice (seconds each on a loaded machine).
describe("npm run chain:deploy", { timeout: 120_000 }, () => {
  it("deploys the mock stablecoin and the escrow, writes --out and prints the same JSON last", async () => {
    const out = path.join(dir, "nested", "dev.json");
    const arbiter = c.wallet(5).account.address;
    const r = await deploy(["--rpc", anvil.rpcUrl, "--key", ANVIL_PRIVATE_KEYS[1], "--arbiter", arbiter, "--out", out]);
    expect(r, r.stderr).toMatchObject({ code: 0 });
    const printed = JSON.parse(lastLine(r.stdout));
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual(printed);
    const deployer = c.wallet(1).account.address;
    expect(printed).toEqual({
      chainId: 31337,
      escrow: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
      token: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
      tokenSymbol: "USDC",
      tokenDecimals: 6,
      arbiter,
      feeRecipient: deployer,
      deployBlock: expect.any(Number),
    });
    const escrow = printed.escrow as Address;
    expect(await c.publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: "arbiter" })).toBe(arbiter);
    expect(await c.publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: "feeRecipient" })).toBe(deployer);
    expect(await c.publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: "token" })).toBe(printed.token);
    const code = await c.publicClient.getCode({ address: printed.escrow, blockNumber: BigInt(printed.deployBlock) });
    expect(code?.length).toBeGreaterThan(2);
    expect(await c.publicClient.getCode({ address: printed.escrow, blockNumber: BigInt(printed.deployBlock - 1) })).toBeUndefined();
  });

  it("uses an existing token when given --token, also in production", async () => {
    const first = JSON.parse(lastLine((await deploy(["--rpc", anvil.rpcUrl, "--key", ANVIL_PRIVATE_KEYS[2], "--out", path.join(dir, "a.json")])).stdout));
    const out = path.join(dir, "prod.json");
    const r = await deploy(
      ["--rpc", anvil.rpcUrl, "--key", ANVIL_PRIVATE_KEYS[3].slice(2), "--token", first.token, "--fee-recipient", c.wallet(6).account.address, "--out", out],
      { NODE_ENV: "production" },
    );
    expect(r, r.stderr).toMatchObject({ code: 0 });
    const printed = JSON.parse(lastLine(r.stdout));
    expect(printed).toMatchObject({
      token: first.token,
      tokenSymbol: "USDC",
      tokenDecimals: 6,
      arbiter: c.wallet(3).account.address,
      feeRecipient: c.wallet(6).account.address,
    });
    expect(printed.escrow).not.toBe(first.escrow);
    expect(await c.publicClient.readContract({ address: printed.token, abi: tokenAbi, functionName: "totalSupply" })).toBe(0n);
  });

  it("refuses to deploy the mock stablecoin when NODE_ENV=production", async () => {
    const out = path.join(dir, "refused.json");
    const r = await deploy(["--rpc", anvil.rpcUrl, "--key", ANVIL_PRIVATE_KEYS[4], "--out", out], { NODE_ENV: "production" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--token <address> is required when NODE_ENV=production/);
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  it("explains bad arguments", async () => {
    const r = await deploy(["--rpc", "ftp://x", "--key", "0x1234", "--token", "0xnope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--rpc: must be an http\(s\):\/\/ RPC URL/);
    expect(r.stderr).toMatch(/--key: must be a 32-byte hex private key/);
    expect(r.stderr).toMatch(/--token: must be a 0x-prefixed 20-byte address/);
    expect(r.stderr).toMatch(/--out: is required/);
    const unknown = await deploy(["--rpc", anvil.rpcUrl, "--nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown option '--nope'/);
  });

  it("fails clearly when the token address has no contract", async () => {
    const r = await deploy(["--rpc", anvil.rpcUrl, "--key", ANVIL_PRIVATE_KEYS[4], "--token", c.wallet(7).account.address, "--out", path.join(dir, "x.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no contract at token address/);
  });
});
