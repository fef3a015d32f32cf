/**
 * Issue 14 end to end in Chromium: the merchant connects Stripe on the Payments page (the loopback Stripe fake,
 * through the real SDK); a buyer chooses "Card" at checkout, is sent to the fake's hosted checkout page, pays, comes
 * back to the order page and sees it turn paid without a reload when Stripe's signed webhook lands.
 * Screenshots go to e2e/artifacts/stripe-*.png.
 */
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { openDatabase, type Database } from "#server/db/client.ts";
import { createUser } from "#tests/factories.ts";
import { startFakeStripe, type FakeStripe } from "#tests/fake-stripe/server.ts";
import { ARTIFACTS, setupE2E, signInAs, type E2E } from "./fixtures.ts";
import { hydrated, watch } from "./browser-checks.ts";

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `stripe-${name}.png`), fullPage: true });
}

describe("card payment through the merchant's own Stripe account", () => {
  let fake: FakeStripe;
  let e2e: E2E;
  let db: Database;
  let tenantId: string;

  beforeAll(async () => {
    fake = await startFakeStripe();
    e2e = await setupE2E(["acme"], { PAYMENTS_SANDBOX: "false", SECRET_BOX_KEY: randomBytes(32).toString("hex"), STRIPE_API_BASE: fake.url });
    db = await openDatabase(e2e.dbUrl);
    tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
    await db.prisma.tenantPaymentPolicy.update({ where: { tenantId }, data: { allowedRails: ["escrow", "external_provider"] } });
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
    await fake?.close();
  });

  it("merchant connects Stripe; buyer picks card → fake hosted page → pays → back on the order page → paid without a reload", async () => {
    // The merchant pastes the keys on the Payments page.
    const account = fake.addAccount({ businessName: "Acme Outdoor Co." });
    const webhookSecret = `whsec_${randomBytes(20).toString("hex")}`;
    const owner = await createUser(db.prisma, { email: "owner@acme-stripe.test" });
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
    const merchant = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const m = await merchant.newPage();
    await signInAs(m, e2e.platformUrl, owner.email);
    await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}/payments`);
    await hydrated(m);
    await m.getByTestId("stripe-section").waitFor();
    await m.getByLabel("Secret or restricted key").fill(account.key);
    await m.getByLabel("Webhook signing secret").fill(webhookSecret);
    await m.getByRole("button", { name: "Connect Stripe" }).click();
    await m.locator("[data-testid=stripe-status]", { hasText: "active" }).waitFor();
    const integration = await db.prisma.tenantIntegration.findFirstOrThrow({ where: { tenantId, disconnectedAt: null } });
    await expect(m.getByTestId("stripe-webhook-url").textContent()).resolves.toBe(`https://${"shop.test"}/api/payments/stripe/webhook/${integration.id}`);
    expect(await m.content()).not.toContain(account.key);
    await expect(m.getByLabel("Secret or restricted key").inputValue()).resolves.toBe("");
    // Connected, the card rail counts as set up (only escrow, with no chain here, is still warned about).
    await m.getByText(/Escrow is allowed but not set up/).waitFor();
    await expect(m.getByText(/External provider (is|are) allowed but not set up/).count()).resolves.toBe(0);
    await shot(m, "1-payments-page");
    // What the merchant does in Stripe's dashboard: the endpoint (here the app's own address) with that secret.
    fake.setWebhook(account.id, { url: `${e2e.app.url}/api/payments/stripe/webhook/${integration.id}`, secret: webhookSecret });
    fake.hostedPayDelayMs = 1_500;

    const context = await e2e.browser.newContext({ viewport: { width: 390, height: 844 } });
    const b = await context.newPage();
    const errors = watch(b);
    const item = await db.prisma.catalogItem.findFirstOrThrow({ where: { tenantId, title: "Backcountry Map Pack" }, select: { id: true } });
    await b.goto(`${e2e.shopUrl("acme")}items/${item.id}`);
    await hydrated(b);
    await b.getByRole("button", { name: "Add to cart" }).click();
    await b.getByRole("link", { name: "View cart" }).click();
    await b.getByRole("link", { name: /Checkout/ }).click();
    await b.waitForURL(/\/checkout\?cart=/);
    await hydrated(b);
    await b.getByLabel("Email").fill("ada@buyer.test");
    await b.getByRole("radio", { name: /Card/ }).check();
    await expect(b.getByText("Paid to Acme Outdoor Co. through Stripe — escrow does not apply").first().isVisible()).resolves.toBe(true);
    await b.getByTestId("test-mode-badge").first().waitFor();
    const ack = b.getByLabel(/no escrow protection/);
    if (await ack.count()) await ack.check();
    await shot(b, "2-checkout-card");
    await b.getByRole("button", { name: /Place order/ }).click();

    await b.waitForURL(new RegExp(`^${fake.url}/pay/cs_test_`));
    await expect(b.getByTestId("amount").textContent()).resolves.toContain("999 USD");
    await shot(b, "3-hosted-page");
    await b.getByTestId("pay").click();

    await b.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}\?card=returned$/);
    await hydrated(b);
    await b.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
    await expect(b.getByTestId("order-status").getAttribute("data-status")).resolves.toBe("pending_payment");
    await shot(b, "4-back-awaiting");
    await b.locator("[data-testid=order-status][data-status=paid]").waitFor({ timeout: 15_000 });
    expect(await b.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true); // no reload
    await expect(b.getByTestId("protection-label").textContent()).resolves.toContain("Paid to Acme Outdoor Co. through Stripe — escrow does not apply");
    await shot(b, "5-paid");

    const order = await db.prisma.order.findFirstOrThrow({ where: { tenantId }, orderBy: { createdAt: "desc" } });
    expect(order.status).toBe("paid");
    // The funding, and the platform fee's accrual billed monthly (ADR 025).
    const keys = await db.prisma.ledgerPosting.findMany({ where: { tenantId, orderId: order.id }, select: { idempotencyKey: true }, orderBy: { idempotencyKey: "asc" } });
    expect(keys.map((k) => k.idempotencyKey)).toEqual([`fee:${order.id}`, `fund:${order.id}`]);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await merchant.close();
    await context.close();
  });
});
