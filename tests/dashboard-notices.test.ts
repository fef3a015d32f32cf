/**
 * Issue 21: what the merchant's dashboard must say on its own — an allowed rail checkout leaves out (decided by the
 * same registry checkout reads), the operator's kill switch with its reason and time, and a custom domain that is
 * served but was never checked by us.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant, createUser } from "./factories.ts";
import { formPost, signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { ADDRESS, createShop, newKey } from "./money-fixture.ts";

const db = await createTestDatabase();
let app: RunningApp;
let operator: Client;

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true",
    MONEY_SECRET: "dashboard-notices-test-money-secret-0123",
  });
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
});
afterAll(async () => app?.stop());

async function owner(tenantId: string) {
  const u = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId, userId: u.id, role: "owner" } });
  return signIn(app.port, u.email);
}

/** The page's text without tags, entities decoded the way a reader sees them. */
const text = (html: string) => html.replace(/<!--.*?-->/g, "").replace(/<[^>]+>/g, " ").replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");

const NOT_OFFERED = "External provider is allowed but not set up on this platform, so checkout does not offer it to buyers.";

describe("payment rails that are allowed but not set up", () => {
  it("the Payments page and the overview say external_provider is not offered, and checkout indeed refuses it", async () => {
    const shop = await createShop(db, { rails: ["escrow", "external_provider"] });
    const o = await owner(shop.tenantId);
    const payments = text((await o.get(`/dashboard/${shop.tenantId}/payments`)).body);
    expect(payments).toContain("Not every allowed rail is offered to buyers");
    expect(payments).toContain(NOT_OFFERED);
    const overview = text((await o.get(`/dashboard/${shop.tenantId}`)).body);
    expect(overview).toContain("Not offered to buyers");
    expect(overview).toContain(NOT_OFFERED);
    expect(overview).toContain("External provider (not offered to buyers)");
    expect(overview).not.toContain("Escrow (not offered");

    // Checkout, deciding from the same registry, refuses what the dashboard calls not offered and takes the rest.
    const checkout = (rail: string) => request(app.port, "/api/storefront/checkout", {
      method: "POST", host: `${shop.slug}.localhost`, headers: { "idempotency-key": newKey() },
      body: { items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "b@example.test", shippingAddress: ADDRESS, rail, acknowledgeNoEscrow: true },
    });
    expect((await checkout("external_provider")).json.error.code).toBe("RAIL_NOT_ALLOWED");
    expect((await checkout("escrow")).status).toBe(201);
  });

  it("saving a policy that allows external_provider warns; a policy of set-up rails does not", async () => {
    const shop = await createShop(db, { rails: ["escrow"] });
    const o = await owner(shop.tenantId);
    const path = `/dashboard/${shop.tenantId}/payments`;
    expect(text((await o.get(path)).body)).not.toContain("not set up on this platform, so");
    const version = String((await db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId: shop.tenantId } })).version);
    const saved = await formPost(o, path, [["version", version], ["allowedRails", "escrow"], ["allowedRails", "external_provider"], ["defaultRail", "escrow"], ["buyerDisclosureMode", "plain"]]);
    expect(saved.status, saved.body.slice(0, 300)).toBe(200);
    expect(text(saved.body)).toContain("Payment policy saved, with a warning");
    expect(text(saved.body)).toContain(NOT_OFFERED);
    expect((await db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId: shop.tenantId } })).allowedRails).toEqual(["escrow", "external_provider"]);

    const only = await formPost(o, path, [["version", String(Number(version) + 1)], ["allowedRails", "external_provider"], ["defaultRail", "external_provider"], ["buyerDisclosureMode", "plain"]]);
    expect(text(only.body)).toContain("Buyers cannot pay for orders at all");

    const clean = await formPost(o, path, [["version", String(Number(version) + 2)], ["allowedRails", "escrow"], ["defaultRail", "escrow"], ["buyerDisclosureMode", "plain"]]);
    expect(text(clean.body)).toContain("Payment policy saved");
    expect(text(clean.body)).not.toContain("with a warning");
  });
});

describe("kill switch banner", () => {
  it("every page of the shop's dashboard shows the shop's switch with its reason and since when; other shops see nothing", async () => {
    const shop = await createShop(db);
    const other = await createShop(db);
    const o = await owner(shop.tenantId);
    const otherOwner = await owner(other.tenantId);
    expect((await o.get(`/dashboard/${shop.tenantId}`)).body).not.toContain("kill-switch-banner");

    const on = await operator.put("/api/ops/money/kill-switch", { tenantId: shop.tenantId, engaged: true, reason: "Chargeback investigation" });
    expect(on.status, on.body).toBe(200);
    const row = await db.prisma.killSwitch.findUniqueOrThrow({ where: { tenantId: shop.tenantId } });
    const since = `${row.updatedAt.toISOString().slice(0, 10)} ${row.updatedAt.toISOString().slice(11, 16)} UTC`;
    for (const tab of ["", "/catalog", "/orders", "/payments", "/domains", "/brand"]) {
      const page = await o.get(`/dashboard/${shop.tenantId}${tab}`);
      expect(page.status, tab).toBe(200);
      const t = text(page.body);
      expect(t, tab).toContain("Payments are paused for this shop");
      expect(t, tab).toContain(`Since ${since}. Reason given by the platform: “Chargeback investigation”.`);
    }
    expect(text((await otherOwner.get(`/dashboard/${other.tenantId}`)).body)).not.toContain("Payments are paused");

    await operator.put("/api/ops/money/kill-switch", { tenantId: shop.tenantId, engaged: false, reason: "cleared" });
    expect(text((await o.get(`/dashboard/${shop.tenantId}`)).body)).not.toContain("Payments are paused");
  });

  it("the global switch is shown to every shop, ahead of the shop's own", async () => {
    const shop = await createShop(db);
    const o = await owner(shop.tenantId);
    await operator.put("/api/ops/money/kill-switch", { tenantId: shop.tenantId, engaged: true, reason: "shop drill" });
    await operator.put("/api/ops/money/kill-switch", { tenantId: null, engaged: true, reason: "Platform incident 42" });
    try {
      const t = text((await o.get(`/dashboard/${shop.tenantId}/orders`)).body);
      expect(t).toContain("Payments are paused across the platform");
      expect(t).toContain('Platform-wide: Since');
      expect(t).toContain("“Platform incident 42”");
      expect(t).toContain('This shop: Since');
      expect(t.indexOf("Platform incident 42")).toBeLessThan(t.indexOf("shop drill"));
    } finally {
      await operator.put("/api/ops/money/kill-switch", { tenantId: null, engaged: false, reason: "over" });
      await operator.put("/api/ops/money/kill-switch", { tenantId: shop.tenantId, engaged: false, reason: "over" });
    }
  });
});

describe("a domain a manifest declared active", () => {
  it("gets a first check scheduled and its card says it was not re-checked yet instead of only 'Active'", async () => {
    const tenant = await createTenant(db.prisma, { domains: [{ hostname: `shop.${Math.random().toString(36).slice(2, 8)}.test`, status: "active", primary: false }] });
    const domain = tenant.domains[0]!;
    expect(domain.lastCheckedAt).toBeNull();
    expect(domain.nextCheckAt).not.toBeNull();
    // Picked up by the daily re-check schedule, like a domain we verified ourselves.
    expect(domain.nextCheckAt!.getTime() - domain.verifiedAt!.getTime()).toBe(24 * 3_600_000);
    const o = await owner(tenant.id);
    const t = text((await o.get(`/dashboard/${tenant.id}/domains`)).body);
    const due = `${domain.nextCheckAt!.toISOString().slice(0, 10)} ${domain.nextCheckAt!.toISOString().slice(11, 16)} UTC`;
    expect(t).toContain(`Active · not re-checked yet — first check due ${due}`);
    expect(t).toContain("we have not checked its DNS records ourselves yet");
    expect(t).toContain("Last checked Never");
    expect(t).not.toContain("Verified ");
  });
});
