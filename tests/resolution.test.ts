import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { createTenant } from "./factories.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { until } from "./wait.ts";
import { Redis } from "ioredis";
import { Prisma } from "@prisma/client";
import { publishTenancyChange } from "#server/tenancy/index.ts";

const db = await createTestDatabase();
const prefix = redisPrefix();
let app: RunningApp;
let acme: Awaited<ReturnType<typeof createTenant>>;
let other: Awaited<ReturnType<typeof createTenant>>;

beforeAll(async () => {
  acme = await createTenant(db.prisma, {
    slug: "acme",
    brand: { displayName: "Acme Outfitters", primaryColor: "#14532d", accentColor: "#f59e0b" },
    domains: [
      { hostname: "shop.acme.test", status: "active" },
      { hostname: "pending.acme.test", status: "pending" },
      { hostname: "old.acme.test", status: "removed" },
      { hostname: "bücher.example", status: "active" },
    ],
  });
  other = await createTenant(db.prisma, { slug: "other", brand: { displayName: "Other Shop", primaryColor: "#000000", accentColor: "#ffffff" } });
  await createTenant(db.prisma, { slug: "waiting", status: "pending" });
  await createTenant(db.prisma, { slug: "frozen", status: "suspended" });
  await createTenant(db.prisma, { slug: "gone", status: "closed" });
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PLATFORM_DOMAIN: "localhost" });
});
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  redis.disconnect();
  await app?.stop();
});

const shopName = (body: string) => /data-testid="shop-name"[^>]*>([^<]*)</.exec(body)?.[1];

describe("host matrix (TEN-3..TEN-7)", () => {
  it.each([
    ["shop.acme.test", "http://acme.localhost/items?x=1"],
    ["SHOP.ACME.TEST:8443", "http://acme.localhost:8443/items?x=1"],
    ["XN--BCHER-KVA.example", "http://acme.localhost/items?x=1"],
  ])("%s resolves to acme and, not being its primary host (TEN-6), redirects there", async (host, location) => {
    const res = await get(app, host, "/items?x=1");
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(location);
  });

  it.each([["acme.localhost"], ["ACME.localhost.:3000"]])("%s serves acme", async (host) => {
    const res = await get(app, host);
    expect(res.status).toBe(200);
    expect(shopName(res.body)).toBe("Acme Outfitters");
    expect(res.body).toContain("--brand-primary:#14532d");
  });

  it.each([["waiting.localhost"], ["pending.acme.test"], ["old.acme.test"], ["a.b.localhost"], ["nobody.localhost"], ["127.0.0.1"]])(
    "%s is a bare 404 with no tenant or platform data",
    async (host) => {
      const res = await get(app, host);
      expect(res.status).toBe(404);
      expect(res.body).not.toMatch(/acme|storefront|powered by/i);
    },
  );

  it("serves the unavailable page for suspended (503) and closed (410) shops, without their brand", async () => {
    const s = await get(app, "frozen.localhost");
    expect(s.status).toBe(503);
    expect(s.body).toContain("Shop unavailable");
    expect(s.body).not.toContain("frozen");
    expect((await get(app, "gone.localhost")).status).toBe(410);
    expect((await get(app, "frozen.localhost", "/api/storefront/bootstrap")).status).toBe(503);
  });

  it("refuses preview on a tenant host with PREVIEW_FORBIDDEN", async () => {
    const res = await get(app, "acme.localhost", "/t/acme");
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe("PREVIEW_FORBIDDEN");
    const anon = await get(app, "localhost", "/t/waiting");
    expect([401, 403]).toContain(anon.status);
    expect(anon.body).not.toContain("Shop waiting");
  });

  it("ignores X-Tenant-Id and X-Forwarded-Host from an untrusted peer", async () => {
    const res = await get(app, "acme.localhost", "/api/storefront/bootstrap", {
      "x-tenant-id": other.id,
      "x-forwarded-host": "other.localhost",
    });
    expect(JSON.parse(res.body).data.slug).toBe("acme");
  });

  it("stores and matches an IDN host as punycode", async () => {
    const row = await db.prisma.tenantDomain.findFirst({ where: { tenantId: acme.id, hostname: { startsWith: "xn--" } } });
    expect(row?.hostname).toBe("xn--bcher-kva.example");
    await db.prisma.tenantDomain.update({ where: { id: row!.id }, data: { isPrimary: true } });
    await publishTenancyChange(redis, prefix, "primary changed");
    await until(async () => (await get(app, "XN--BCHER-KVA.example")).status === 200, 2000);
    expect(shopName((await get(app, "XN--BCHER-KVA.example")).body)).toBe("Acme Outfitters");
    expect((await get(app, "acme.localhost")).headers.location).toBe("http://xn--bcher-kva.example/");
    await db.prisma.tenantDomain.update({ where: { id: row!.id }, data: { isPrimary: false } });
    await publishTenancyChange(redis, prefix, "primary changed back");
    await until(async () => (await get(app, "acme.localhost")).status === 200, 2000);
  });

  it("serves the platform landing on the platform host", async () => {
    const res = await get(app, "localhost:3000");
    expect(res.status).toBe(200);
    expect(res.body).toContain("Your shop. Your brand.");
  });
});

describe("bootstrap (TEN-8)", () => {
  it("returns exactly the public fields", async () => {
    const res = await get(app, "acme.localhost", "/api/storefront/bootstrap");
    const { data } = JSON.parse(res.body);
    expect(Object.keys(data).sort()).toEqual(["brand", "features", "localeDefaults", "paymentRails", "primaryHost", "slug", "tenantId"]);
    expect(data).toMatchObject({ tenantId: acme.id, slug: "acme", primaryHost: "acme.localhost", paymentRails: ["escrow"] });
    expect(res.body).not.toMatch(/owner|verification|password|secret|token/i);
  });

  it("derives features from the policy, the settings and the bot (not the stored {})", async () => {
    const features = async () => JSON.parse((await get(app, "other.localhost", "/api/storefront/bootstrap")).body).data.features;
    // No sandbox and no chain here: of these rails only the manual invoice can be taken, and only with bank details.
    const bank = { accountHolder: "Other Ltd", accountNumber: "GB33 BUKB 2020 1555 5555 55", bankName: "Example Bank", referenceFormat: "Order {reference}", note: "" };
    await db.prisma.tenantPaymentPolicy.update({ where: { tenantId: other.id }, data: { allowedRails: ["escrow", "direct", "manual_invoice"], defaultRail: "manual_invoice", invoiceInstructions: bank } });
    expect(await features()).toEqual({ acceptingOrders: true, rails: ["manual_invoice"], miniApp: false, flags: {} });
    await db.prisma.tenantPaymentPolicy.update({ where: { tenantId: other.id }, data: { invoiceInstructions: Prisma.DbNull } });
    expect((await features()).rails).toEqual([]);
    const bot = { tenantId: other.id, telegramBotId: "424242", username: "other_bot", encryptedToken: "v1:0123456789ab:aXY:Y2lwaGVy", encryptedWebhookSecret: "v1:0123456789ab:aXY:c2VjcmV0", miniAppUrl: "https://other.localhost/" };
    await db.prisma.tenantBot.create({ data: { ...bot, status: "pending" } });
    expect((await features()).miniApp).toBe(false);
    await db.prisma.tenantBot.updateMany({ where: { tenantId: other.id }, data: { status: "active", claimedAt: new Date(), adminTelegramUserId: "777" } });
    expect((await features()).miniApp).toBe(true);
  });
});
