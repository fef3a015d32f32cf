/**
 * Start-up with the on-chain rails: production refuses to start without the arbiter key, or against a token anyone
 * can mint (the development mock), each with one clear sentence; a good configuration starts and shows the rails in
 * /metrics. Against a real anvil.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ANVIL_PRIVATE_KEYS, ChainConfigError, connectChain } from "#server/chain/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { get, startApp } from "./app.ts";
import { caught } from "./caught.ts";
import { startChainWorld, type ChainWorld } from "./chain-fixture.ts";

const db = await createTestDatabase();
let world: ChainWorld;
beforeAll(async () => {
  world = await startChainWorld({ confirmations: 2 });
});
const TOKEN = randomBytes(24).toString("hex");
const production = () => ({
  NODE_ENV: "production", MODE: "web", DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost",
  SECRET_BOX_KEY: randomBytes(32).toString("hex"), MONEY_SECRET: randomBytes(24).toString("hex"), METRICS_TOKEN: TOKEN,
  CADDY_ADMIN_URL: "http://127.0.0.1:9", TRUSTED_PROXIES: "127.0.0.1",
  CHAIN_RPC_URL: world.anvil.rpcUrl, ESCROW_CONTRACT: world.chain.escrow, ESCROW_TOKEN: world.chain.token,
});

describe("start-up with the chain rails on", () => {
  it("production without ARBITER_PRIVATE_KEY exits with a clear error in a process that runs workers", async () => {
    const err = await caught(startApp({ ...production(), MODE: "all" }));
    expect(err.message).toMatch(/app exited with 1/);
    expect(err.message).toMatch(/ARBITER_PRIVATE_KEY is required in production when the chain rails are on/);
  });

  it("production against the development mock token exits with a clear error (a web process needs no arbiter key)", async () => {
    const err = await caught(startApp(production()));
    expect(err.message).toMatch(/app exited with 1/);
    expect(err.message).toMatch(/lets anyone mint: a development mock cannot take real payments in production/);
  });

  it("a wrong arbiter key, token address or symbol is refused with the reason", async () => {
    const base = {
      NODE_ENV: "test" as const, CHAIN_RPC_URL: world.anvil.rpcUrl, CHAIN_ID: undefined, ESCROW_CONTRACT: world.chain.escrow, ESCROW_TOKEN: world.chain.token,
      ESCROW_TOKEN_SYMBOL: undefined, ESCROW_TOKEN_DECIMALS: undefined, ESCROW_DEPLOY_BLOCK: 0, CHAIN_CONFIRMATIONS: 2, CHAIN_REORG_WINDOW_BLOCKS: 8,
      CHAIN_POLL_MS: 100, CHAIN_LOG_RANGE_BLOCKS: 100, CHAIN_PAYOUT_REPLACE_AFTER_MS: 60_000, ARBITER_PRIVATE_KEY: undefined,
    };
    await expect(connectChain({ ...base, ARBITER_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[3] })).rejects.toThrow(/ARBITER_PRIVATE_KEY is for 0x.* but the escrow's arbiter is/);
    await expect(connectChain({ ...base, ESCROW_TOKEN: world.chain.escrow })).rejects.toBeInstanceOf(ChainConfigError);
    await expect(connectChain({ ...base, ESCROW_TOKEN_SYMBOL: "USDT" })).rejects.toThrow(/ESCROW_TOKEN_SYMBOL is USDT but the token's symbol is USDC/);
    await expect(connectChain({ ...base, CHAIN_ID: 1 })).rejects.toThrow(/CHAIN_ID is 1 but the RPC serves chain 31337/);
    await expect(connectChain({ ...base, CHAIN_CONFIRMATIONS: 9 })).rejects.toThrow(/CHAIN_CONFIRMATIONS .* CHAIN_REORG_WINDOW_BLOCKS/);
  });

  it("a good configuration starts and reports the indexer in /metrics", async () => {
    const app = await startApp({ ...production(), NODE_ENV: "development", MODE: "all", ARBITER_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[0], CHAIN_POLL_MS: "200", CHAIN_CONFIRMATIONS: "2" });
    try {
      let text = "";
      for (let i = 0; i < 50 && !/chain_last_indexed_block [1-9]/.test(text); i++) {
        text = (await get(app, "localhost", "/metrics", { authorization: `Bearer ${TOKEN}` })).body;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(text).toMatch(/chain_last_indexed_block [1-9]/);
      expect(text).toMatch(/chain_indexer_halted 0/);
    } finally {
      await app.stop();
    }
  });
});
