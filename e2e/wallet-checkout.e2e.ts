/**
 * Issue 13 end to end in Chromium with a real anvil: the buyer checks out on Nova's escrow rail (USDC on chain), pays
 * with a browser wallet (an EIP-1193 provider injected by the test, backed by an anvil account), and watches the
 * confirmations count up to funded without a reload; the merchant ships and types in the buyer's code; the arbiter's
 * release transaction is confirmed and the merchant's token balance rises by total − fee. Screenshots go to
 * e2e/artifacts/wallet-*.png.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { ANVIL_PRIVATE_KEYS, escrowAbi, mockStablecoinAbi } from "#server/chain/index.ts";
import { openDatabase, type Database } from "#server/db/client.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { startChainWorld, type ChainWorld } from "#tests/chain-fixture.ts";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { expectAccessible, hydrated, watch } from "./browser-checks.ts";

const BUYER_KEY = ANVIL_PRIVATE_KEYS[2];
const NOVA_PAYOUT = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"; // tenants/demo/nova.json (anvil account #6)

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `wallet-${name}.png`), fullPage: true });
}

/** An EIP-1193 provider in the page whose requests the test answers: accounts and signing from an anvil key. */
async function injectWallet(page: Page, world: ChainWorld) {
  const account = privateKeyToAccount(BUYER_KEY);
  const wallet = createWalletClient({ account, chain: foundry, transport: http(world.anvil.rpcUrl) });
  const calls: string[] = [];
  await page.exposeFunction("__walletRpc", async (method: string, params: unknown[]) => {
    calls.push(method);
    if (method === "eth_requestAccounts" || method === "eth_accounts") return [account.address];
    if (method === "eth_chainId") return "0x7a69";
    if (method === "wallet_switchEthereumChain") return null;
    if (method === "eth_sendTransaction") {
      const tx = (params as Array<{ to: Hex; data: Hex; value?: Hex }>)[0]!;
      return wallet.sendTransaction({ to: tx.to, data: tx.data, value: tx.value ? BigInt(tx.value) : undefined });
    }
    return world.rpc(method, params ?? []);
  });
  await page.addInitScript(() => {
    const rpc = (window as unknown as { __walletRpc(m: string, p: unknown[]): Promise<unknown> }).__walletRpc;
    (window as unknown as { ethereum: unknown }).ethereum = {
      isMetaMask: false,
      request: ({ method, params }: { method: string; params?: unknown[] }) => rpc(method, params ?? []),
      on: () => {},
      removeListener: () => {},
    };
  });
  return { calls, address: account.address };
}

describe("escrow paid with a browser wallet on a real chain", () => {
  let world: ChainWorld;
  let e2e: E2E;
  let db: Database;
  let tenantId: string;
  let mining: ReturnType<typeof setInterval> | undefined;

  beforeAll(async () => {
    world = await startChainWorld({ confirmations: 3, window: 16 });
    e2e = await setupE2E(["nova"], {
      PAYMENTS_SANDBOX: "false", RELEASE_GRACE_MS: "0", CHAIN_RPC_URL: world.anvil.rpcUrl, CHAIN_PUBLIC_RPC_URL: world.anvil.rpcUrl,
      ESCROW_CONTRACT: world.chain.escrow, ESCROW_TOKEN: world.chain.token, ESCROW_DEPLOY_BLOCK: world.chain.deployBlock.toString(),
      CHAIN_CONFIRMATIONS: "3", CHAIN_POLL_MS: "250", ARBITER_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[0],
    });
    db = await openDatabase(e2e.dbUrl);
    tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "nova" } })).id;
    // The buyer's wallet holds test USDC (the mock token lets anyone mint).
    const buyer = createWalletClient({ account: privateKeyToAccount(BUYER_KEY), chain: foundry, transport: http(world.anvil.rpcUrl) });
    await world.c.mined(await buyer.writeContract({ address: world.chain.token, abi: mockStablecoinAbi, functionName: "mint", args: [buyer.account.address, 1_000_000_000n] }));
  });
  afterAll(async () => {
    if (mining) clearInterval(mining);
    await db?.close();
    await e2e?.teardown();
  });

  it("checkout → pay with wallet → confirmations → funded → ship → code → release confirmed; merchant gets total − fee", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 390, height: 844 } });
    const b = await context.newPage();
    const errors = watch(b);
    const wallet = await injectWallet(b, world);
    const item = await db.prisma.catalogItem.findFirstOrThrow({ where: { tenantId, title: "Icon Set: Orbit" }, select: { id: true } });
    await b.goto(`${e2e.shopUrl("nova")}items/${item.id}`);
    await hydrated(b);
    await b.getByRole("button", { name: "Add to cart" }).click();
    await b.getByRole("link", { name: "View cart" }).click();
    await b.getByRole("link", { name: /Checkout/ }).click();
    await b.waitForURL(/\/checkout\?cart=/);
    await b.getByLabel("Email").fill("ada@buyer.test");
    await b.getByRole("button", { name: /Place order/ }).click();
    await b.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}$/);
    await b.getByTestId("wallet-pay").waitFor();
    await expect(b.getByTestId("wallet-amount").first().textContent()).resolves.toContain("29");
    await expectAccessible(b, "order page (wallet payment)");
    await shot(b, "1-order-phone");
    await b.setViewportSize({ width: 1280, height: 900 });
    await shot(b, "1b-order-desktop");
    expect(await b.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await b.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
    await b.getByTestId("wallet-pay-button").click();
    await b.getByTestId("wallet-tx").waitFor({ timeout: 20_000 });
    expect(wallet.calls).toEqual(expect.arrayContaining(["eth_requestAccounts", "wallet_switchEthereumChain", "eth_sendTransaction"]));
    await shot(b, "2-sent");

    // Blocks keep coming, as on a real chain; the page shows each confirmation as it lands.
    mining = setInterval(() => void world.mine(1).catch(() => {}), 700);
    const seen = new Set<string>();
    const confirmations = b.getByTestId("wallet-confirmations");
    for (let i = 0; i < 100; i++) {
      const value = await confirmations.getAttribute("data-seen", { timeout: 500 }).catch(() => null);
      if (value) seen.add(value);
      if ((await b.locator("[data-testid=order-status][data-status=escrow_funded]").count()) > 0) break;
      await b.waitForTimeout(200);
    }
    await b.locator("[data-testid=order-status][data-status=escrow_funded]").waitFor({ timeout: 20_000 });
    expect(await b.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true); // no reload
    expect([...seen].map(Number).some((n) => n > 0 && n < 3)).toBe(true); // counted up, not jumped
    await shot(b, "3-funded");

    // The merchant ships and types in the buyer's code.
    const owner = await createUser(db.prisma, { email: "owner@nova-wallet.test" });
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
    const merchant = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const m = await merchant.newPage();
    await m.goto(`${e2e.platformUrl}/login`);
    await m.getByLabel("Email").fill(owner.email);
    await m.getByLabel("Password").fill(TEST_PASSWORD);
    await m.getByRole("button", { name: "Sign in" }).click();
    await m.waitForURL(/\/dashboard/);
    const order = await db.prisma.order.findFirstOrThrow({ where: { tenantId }, orderBy: { createdAt: "desc" } });
    await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}/orders/${order.id}`);
    await hydrated(m);
    await m.getByTestId("chain-activity").waitFor();
    await m.getByRole("button", { name: "Mark shipped" }).click();
    const code = b.getByTestId("delivery-code");
    await code.waitFor({ timeout: 15_000 });
    const digits = (await code.textContent())?.trim() ?? "";
    const merchantBefore = await world.balance(NOVA_PAYOUT);
    await m.getByLabel("Delivery code").fill(digits);
    await m.getByRole("button", { name: "Confirm delivery" }).click();

    // Released on chain by the arbiter job, then posted once the Released event is confirmed.
    for (let i = 0; i < 120; i++) {
      const escrow = await db.prisma.escrow.findFirst({ where: { orderId: order.id, tenantId } });
      if (escrow?.status === "released") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await db.prisma.escrow.findFirstOrThrow({ where: { orderId: order.id, tenantId } })).status).toBe("released");
    const paid = await db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    // The fee in base units is the order's fee at the token's 6 decimals (0.72 USDC of 29.00 at 2.5 %, cut to cents).
    const feeBase = BigInt(paid.feeAmount.toFixed().replace(".", "").padEnd(paid.feeAmount.toFixed().split(".")[0]!.length + 6, "0"));
    const toMerchant = BigInt(paid.chainAmount!.toFixed()) - feeBase;
    expect(toMerchant).toBe(29_000_000n - 720_000n);
    expect(await world.balance(NOVA_PAYOUT)).toBe(merchantBefore + toMerchant);
    const [, , , state] = await world.c.publicClient.readContract({ address: world.chain.escrow, abi: escrowAbi, functionName: "deals", args: [paid.chainRef as Hex] });
    expect(state).toBe(2); // Released
    await m.reload();
    await hydrated(m);
    await m.locator("[data-testid=chain-payout][data-status=confirmed]").waitFor({ timeout: 10_000 });
    await shot(m, "4-merchant-chain-activity");
    await b.locator("[data-testid=order-status][data-status=completed]").waitFor({ timeout: 15_000 });
    await shot(b, "5-buyer-completed");
    expect(errors).toEqual([]);
    await merchant.close();
    await context.close();
  });
});
