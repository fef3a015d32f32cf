/** The payments page's payout address: checksummed by the server, a bad checksum shown on the field, owners/finance only. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createShopWithTeam, formPost } from "./tenant-fixture.ts";

const db = await createTestDatabase();
let app: RunningApp;
let shop: Awaited<ReturnType<typeof createShopWithTeam>>;

const CHECKSUMMED = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
// One letter's case flipped: mixed case that no longer matches its EIP-55 checksum.
const BAD_CHECKSUM = "0x70997970c51812dc3A010C7d01b50e0d17dc79C8";

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
  shop = await createShopWithTeam(db.prisma, app.port, "payout-shop");
});
afterAll(async () => app?.stop());

const path = () => `/dashboard/${shop.tenantId}/payments`;
const policy = () => db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId: shop.tenantId } });
async function fields(payoutAddress: string): Promise<Array<[string, string]>> {
  const p = await policy();
  return [
    ["version", String(p.version)], ...p.allowedRails.map((r): [string, string] => ["allowedRails", r]), ["defaultRail", p.defaultRail],
    ["buyerDisclosureMode", p.buyerDisclosureMode], ["payoutAddress", payoutAddress],
  ];
}

describe("payout address on the payments page", () => {
  it("says the chain rails are off on a platform without them", async () => {
    const page = await shop.members.owner.client.get(path());
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-testid="payout-state" data-state="off"');
  });

  it("refuses a bad checksum with the server's sentence under the field, and saves nothing", async () => {
    const before = await policy();
    const res = await formPost(shop.members.owner.client, path(), await fields(BAD_CHECKSUM));
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/id="payment-policy-payoutAddress-error"[^>]*>.*does not match its EIP-55 checksum/s);
    const after = await policy();
    expect(after.payoutAddress).toBeNull();
    expect(after.version).toBe(before.version);
  });

  it("takes a lowercase address and stores it checksummed (audited); finance may change it too", async () => {
    const res = await formPost(shop.members.owner.client, path(), await fields(CHECKSUMMED.toLowerCase()));
    expect(res.status, res.body.slice(0, 300)).toBe(200);
    expect((await policy()).payoutAddress).toBe(CHECKSUMMED);
    expect(await db.prisma.auditLog.findFirst({ where: { tenantId: shop.tenantId, action: "policy.payout_address" } })).toMatchObject({ details: { from: null, to: CHECKSUMMED } });
    expect((await shop.members.owner.client.get(path())).body).toContain(`value="${CHECKSUMMED}"`);

    const cleared = await formPost(shop.members.finance.client, path(), await fields(""));
    expect(cleared.status).toBe(200);
    expect((await policy()).payoutAddress).toBeNull();
  });

  it("a support member sees the page read-only and cannot set the address (403)", async () => {
    const support = shop.members.support.client;
    const page = await support.get(path());
    expect(page.status).toBe(200);
    expect(page.body).toContain("You are seeing it read-only");
    const res = await formPost(support, path(), await fields(CHECKSUMMED));
    expect(res.status).toBe(403);
    expect((await policy()).payoutAddress).toBeNull();
  });
});
