/**
 * The pinned interface of the on-chain rails over HTTP, with the app connected to a real anvil: the shop currency
 * takes the token's symbol as well as ISO codes; the payment policy carries an EIP-55 payout address (owner and
 * finance only; a malformed or mis-checksummed one is 400 VALIDATION_ERROR and changes nothing; audited); the
 * buyer's order JSON carries the wallet payment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANVIL_PRIVATE_KEYS } from "#server/chain/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { startApp, type RunningApp } from "./app.ts";
import { request } from "./http.ts";
import { createShopWithTeam } from "./tenant-fixture.ts";
import { startChainWorld, type ChainWorld } from "./chain-fixture.ts";

const db = await createTestDatabase();
let world: ChainWorld;
let app: RunningApp;
let shop: Awaited<ReturnType<typeof createShopWithTeam>>;
const ADDRESS = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";

beforeAll(async () => {
  world = await startChainWorld({ confirmations: 2 });
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", MODE: "web",
    CHAIN_RPC_URL: world.anvil.rpcUrl, ESCROW_CONTRACT: world.chain.escrow, ESCROW_TOKEN: world.chain.token, ARBITER_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[0],
  });
  shop = await createShopWithTeam(db.prisma, app.port, "coin-shop");
});
afterAll(async () => app?.stop());

const policyPath = () => `/api/tenants/${shop.tenantId}/payment-policy`;
const policy = () => db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId: shop.tenantId } });

describe("pinned interface", () => {
  it("PATCH currency accepts the token's symbol and ISO codes, and refuses anything else", async () => {
    const owner = shop.members.owner.client;
    const version = (await db.prisma.tenant.findUniqueOrThrow({ where: { id: shop.tenantId } })).version;
    const usdc = await owner.patch(`/api/tenants/${shop.tenantId}`, { version, currency: "USDC" });
    expect(usdc.status, usdc.body).toBe(200);
    expect(usdc.json.data.currency).toBe("USDC");
    const bad = await owner.patch(`/api/tenants/${shop.tenantId}`, { version: version + 1, currency: "DOGE" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("VALIDATION_ERROR");
    expect(bad.json.error.message).toMatch(/ISO 4217 code like USD or USDC/);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: shop.tenantId } })).currency).toBe("USDC");
  });

  it("payment-policy carries payoutAddress: checksummed on the way in, malformed or mis-checksummed is 400 and changes nothing", async () => {
    const finance = shop.members.finance.client;
    const current = await finance.get(policyPath());
    expect(current.status).toBe(200);
    expect(current.json.data.payoutAddress).toBeNull();
    const base = { version: current.json.data.version, allowedRails: ["escrow", "direct"], defaultRail: "escrow" };
    for (const bad of ["0x123", "976EA74026E726554dB657fA54763abd0C3a0aa9", "0x976ea74026E726554dB657fA54763abd0C3a0aa9", 42]) {
      const res = await finance.put(policyPath(), { ...base, payoutAddress: bad });
      expect(res.status, `${bad}: ${res.body}`).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_ERROR");
    }
    expect((await policy()).payoutAddress).toBeNull();
    const ok = await finance.put(policyPath(), { ...base, payoutAddress: ADDRESS.toLowerCase() });
    expect(ok.status, ok.body).toBe(200);
    expect(ok.json.data.payoutAddress).toBe(ADDRESS);
    expect(await db.prisma.auditLog.count({ where: { tenantId: shop.tenantId, action: "policy.payout_address" } })).toBe(1);
    // Support may read the policy but not set the address.
    const support = await shop.members.support.client.put(policyPath(), { ...base, version: ok.json.data.version, payoutAddress: null });
    expect(support.status).toBe(403);
    expect((await policy()).payoutAddress).toBe(ADDRESS);
  });

  it("a checkout on the shop's host gets the wallet payment in the buyer's order JSON", async () => {
    await db.prisma.tenant.update({ where: { id: shop.tenantId }, data: { status: "active" } });
    const item = await db.prisma.catalogItem.create({ data: { tenantId: shop.tenantId, title: "Coin Mug", price: "12.345", stock: 3, kind: "physical", active: true } });
    const res = await request(app.port, "/api/storefront/checkout", {
      method: "POST", host: "coin-shop.localhost", headers: { "idempotency-key": "chain-api-1" },
      body: { items: [{ itemId: item.id, quantity: 2 }], email: "b@example.test", rail: "escrow",
        shippingAddress: { name: "B", line1: "1 St", city: "C", postalCode: "1", country: "US" } },
    });
    expect(res.status, res.body).toBe(201);
    const token = res.json.data.token;
    const order = await request(app.port, `/api/storefront/orders/${token}`, { host: "coin-shop.localhost" });
    expect(order.json.data).toMatchObject({
      status: "pending_payment",
      payment: { kind: "wallet", rail: "escrow", chainId: 31337, tokenSymbol: "USDC", tokenDecimals: 6, amountBaseUnits: "24690000", merchant: ADDRESS, confirmations: { seen: 0, required: 12 } }, // the default CHAIN_CONFIRMATIONS
    });
  });
});
