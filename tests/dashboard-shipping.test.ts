/**
 * The dashboard's Shipping & tax page (ADR 045): saves the whole document through the API's schema and store, shows
 * the schema's errors beside their fields, is read-only for support, refuses a stale version and another shop's
 * members.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createShopWithTeam, formPost } from "./tenant-fixture.ts";

const db = await createTestDatabase();
let app: RunningApp;
let shop: Awaited<ReturnType<typeof createShopWithTeam>>;
let other: Awaited<ReturnType<typeof createShopWithTeam>>;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
  shop = await createShopWithTeam(db.prisma, app.port, "ship-page");
  other = await createShopWithTeam(db.prisma, app.port, "ship-other");
});
afterAll(async () => app?.stop());

const path = (tenantId = shop.tenantId) => `/dashboard/${tenantId}/shipping`;
const row = (tenantId = shop.tenantId) => db.prisma.tenantShippingTax.findUnique({ where: { tenantId } });

const DOC = {
  pricesIncludeTax: true,
  zones: [
    { id: "eu", name: "Europe", countries: ["DE", "FR"], rates: [
      { id: "std", name: "Standard", kind: "weight", bands: [{ upTo: "1000", amount: "5.00" }, { upTo: "5000", amount: "9.50" }], freeOver: "100", minDays: 3, maxDays: 6 },
    ] },
    { id: "na", name: "North America", countries: ["US", "CA"], rates: [
      { id: "flat", name: "Flat", kind: "flat", amount: "12.00", freeOver: null, minDays: 5, maxDays: 10 },
      { id: "value", name: "By value", kind: "value", bands: [{ upTo: "50", amount: "7" }, { upTo: "500", amount: "4" }], freeOver: null, minDays: 5, maxDays: 9 },
    ] },
  ],
  taxRates: [{ country: "DE", category: null, rateBps: 1900 }, { country: "DE", category: "books", rateBps: 700 }],
};
const post = (doc: unknown, client = shop.members.owner.client, to = path(), tokenFrom = to) =>
  formPost(client, to, [["settings", JSON.stringify(doc)]], tokenFrom);

describe("Shipping & tax page", () => {
  it("an owner saves two zones and tax; the page shows them after reload, audited", async () => {
    const res = await post({ ...DOC, version: 0 });
    expect(res.status, res.body.slice(0, 300)).toBe(200);
    expect(res.body).toContain("Shipping and tax saved");
    const saved = await row();
    expect(saved).toMatchObject({ pricesIncludeTax: true, version: 1, zones: DOC.zones, taxRates: DOC.taxRates });
    expect(await db.prisma.auditLog.count({ where: { tenantId: shop.tenantId, action: "shipping.update" } })).toBe(1);
    const page = await shop.members.owner.client.get(path());
    expect(page.status).toBe(200);
    for (const text of ["Europe", "North America", "Germany", "Canada", "Save shipping and tax"]) expect(page.body).toContain(text);
    // 700 basis points are shown as the percentage the merchant typed.
    expect(page.body).toMatch(/id="shipping-taxRates-1-rateBps"[^>]*value="7"/);
  });

  it("shows the schema's errors beside their fields and saves nothing", async () => {
    const before = await row();
    const bad = structuredClone(DOC);
    (bad.zones[1]!.rates[0] as { amount?: string }).amount = undefined;
    bad.zones[0]!.rates[0]!.bands = [{ upTo: "5000", amount: "9.50" }, { upTo: "1000", amount: "5.00" }];
    bad.zones[1]!.countries.push("DE");
    const res = await post({ ...bad, version: before!.version });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/id="shipping-zones-1-rates-0-amount-error"[^>]*>.*A flat rate needs its price\./s);
    expect(res.body).toMatch(/id="shipping-zones-0-rates-0-bands-error"[^>]*>.*List the bands from the smallest limit up\./s);
    expect(res.body).toContain("DE is already in zone “Europe”.");
    expect(await row()).toMatchObject({ version: before!.version, zones: DOC.zones });
  });

  it("a stale version is a conflict, not a lost edit", async () => {
    const res = await post({ ...DOC, pricesIncludeTax: false, version: 0 });
    expect(res.status).toBe(400);
    expect(res.body).toContain("changed since you loaded them");
    expect((await row())!.pricesIncludeTax).toBe(true);
  });

  it("a support member sees the page read-only and cannot save (403)", async () => {
    const support = shop.members.support.client;
    const page = await support.get(path());
    expect(page.status).toBe(200);
    expect(page.body).toContain("You are seeing them read-only");
    const version = (await row())!.version;
    expect((await post({ ...DOC, zones: [], version }, support)).status).toBe(403);
    expect((await row())!.zones).toEqual(DOC.zones);
  });

  it("a manager may save; another shop's owner can neither read nor write this shop's settings", async () => {
    const version = (await row())!.version;
    expect((await post({ ...DOC, version }, shop.members.manager.client)).status).toBe(200);
    const stranger = other.members.owner.client;
    expect([403, 404]).toContain((await stranger.get(path())).status);
    const res = await post({ ...DOC, zones: [], version: version + 1 }, stranger, path(), path(other.tenantId));
    expect([403, 404]).toContain(res.status);
    expect((await row())!.zones).toEqual(DOC.zones);
    expect(await row(other.tenantId)).toBeNull();
  });
});
