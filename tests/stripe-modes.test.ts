/**
 * The card rail in-process (real Postgres, Redis and the Stripe fake through the real SDK): test-mode keys in
 * production need the merchant's confirmation; Stripe's 429/402/5xx at checkout leave the order pending and a
 * retry of the same checkout makes exactly one session.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "#server/secrets/index.ts";
import { MoneyService } from "#server/money/index.ts";
import { createTestDatabase } from "./db.ts";
import { ADDRESS, MERCHANT, createShop, moneyHarness, newKey } from "./money-fixture.ts";
import { startFakeStripe, type FakeStripe } from "./fake-stripe/server.ts";
import { caught } from "./caught.ts";

const db = await createTestDatabase();
const harness = moneyHarness(db);
const box = new SecretBox(randomBytes(32));
let fake: FakeStripe;
const service = (production: boolean) => {
  const base = harness.make();
  return new MoneyService({
    prisma: db.prisma, sql: db.run, redis: harness.redis, prefix: harness.prefix, logger: base.ctx.logger, scheduler: base.ctx.scheduler, notify: async () => undefined,
    config: { ...harness.config, sandbox: false, stripe: { apiBase: fake.url, timeoutMs: 1_000, webhookBaseUrl: "https://shops.example", production } },
    box: () => box,
  });
};
beforeAll(async () => {
  fake = await startFakeStripe();
});
afterAll(async () => fake?.close());

const connect = (money: MoneyService, tenantId: string, allowTestMode = false) => {
  const account = fake.addAccount();
  return money.connectIntegration(MERCHANT, tenantId, { kind: "payment", provider: "stripe", secretKey: account.key, webhookSecret: "whsec_modes12345678", allowTestMode });
};

describe("test mode", () => {
  it("in production a test key is refused until the merchant confirms test mode; outside production it is taken", async () => {
    const shop = await createShop(db, { rails: ["external_provider"] });
    const err = await caught(connect(service(true), shop.tenantId));
    expect(err).toMatchObject({ status: 400, code: "STRIPE_TEST_MODE" });
    expect(await db.prisma.tenantIntegration.count({ where: { tenantId: shop.tenantId } })).toBe(0);
    expect(await connect(service(true), shop.tenantId, true)).toMatchObject({ status: "active", mode: "test", webhookUrl: expect.stringMatching(/^https:\/\/shops\.example\/api\/payments\/stripe\/webhook\//) });
    const dev = await createShop(db, { rails: ["external_provider"] });
    expect((await connect(service(false), dev.tenantId)).mode).toBe("test");
  });
});

describe("Stripe failing at checkout", () => {
  it("429, 402 and 5xx answer a typed error, the order stays pending, and the retried checkout makes one session", async () => {
    const money = service(false);
    const shop = await createShop(db, { rails: ["external_provider"] });
    await connect(money, shop.tenantId);
    const input = { items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "b@example.test", shippingAddress: ADDRESS, acknowledgeNoEscrow: true, rail: "external_provider" as const };
    const key = newKey();
    for (const [status, code, httpStatus] of [[429, "STRIPE_UNAVAILABLE", 503], [402, "STRIPE_REQUEST_REFUSED", 502], [503, "STRIPE_UNAVAILABLE", 502]] as const) {
      fake.fail({ method: "POST", path: "/v1/checkout/sessions", status });
      const err = await caught(money.checkout(shop.tenantId, input, key, `http://${shop.slug}.localhost`));
      expect(err, String(status)).toMatchObject({ status: httpStatus, code });
    }
    const orders = await db.prisma.order.findMany({ where: { tenantId: shop.tenantId }, select: { id: true, status: true } });
    expect(orders).toEqual([{ id: expect.any(String), status: "pending_payment" }]);
    const ok = await money.checkout(shop.tenantId, input, key, `http://${shop.slug}.localhost`);
    expect(ok.replayed).toBe(true);
    expect(ok.redirectUrl).toMatch(/\/pay\/cs_test_/);
    expect((await money.checkout(shop.tenantId, input, key, `http://${shop.slug}.localhost`)).redirectUrl).toBe(ok.redirectUrl);
    expect(fake.calls.filter((c) => c.path === "/v1/checkout/sessions" && c.params.client_reference_id === orders[0]!.id && c.status === 200)).toHaveLength(1);
  });
});
