/**
 * Issue 7 end to end in Chromium: a buyer checks out on acme's host and pays through the sandbox; the merchant ships
 * in the dashboard and types in the code the buyer's page shows; the escrow is released after the grace period and
 * the order's ledger shows it. Then the direct rail, where acme's strict disclosure mode makes the "no escrow
 * protection" acknowledgement required. Screenshots of every step go to e2e/artifacts/checkout-*.png.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { watch, expectAccessible, hydrated } from "./browser-checks.ts";
import { openDatabase, type Database } from "#server/db/client.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";

const ADDRESS = { "Full name": "Ada Buyer", "Street address": "1 Trail Road", City: "Boulder", "Postal code": "80302", Country: "US" };

async function shot(page: Page, name: string) {
  // From the top, so the sticky header is not painted over the middle of a full-page shot.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `checkout-${name}.png`), fullPage: true });
}

async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/dashboard/);
}

/** Marks the document, so a later check proves the page changed without a reload. */
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
const status = (page: Page, value: string, timeout = 15_000) => page.locator(`[data-testid=order-status][data-status=${value}]`).waitFor({ timeout });

describe("checkout, sandbox payment, shipping with a delivery code and the escrow release, in Chromium", () => {
  let e2e: E2E;
  let db: Database;
  let tenantId: string;
  let ownerEmail: string;
  let merchant: BrowserContext;
  let m: Page;
  let mErrors: string[];
  const item = async (title: string) => (await db.prisma.catalogItem.findFirstOrThrow({ where: { tenantId, title }, select: { id: true } })).id;
  const orderCount = () => db.prisma.order.count({ where: { tenantId } });

  beforeAll(async () => {
    e2e = await setupE2E(["acme", "nova"], { PAYMENTS_SANDBOX: "true", RELEASE_GRACE_MS: "2000" });
    db = await openDatabase(e2e.dbUrl);
    tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
    // acme's manifest allows escrow and direct in strict disclosure mode: the acknowledgement case needs no change.
    const policy = await db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId } });
    expect(policy.allowedRails).toEqual(expect.arrayContaining(["escrow", "direct"]));
    expect(policy.buyerDisclosureMode).toBe("strict");
    const owner = await createUser(db.prisma, { email: "owner@acme-checkout.test" });
    await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
    ownerEmail = owner.email;
    merchant = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    m = await merchant.newPage();
    mErrors = watch(m);
    await signIn(m, e2e.platformUrl, ownerEmail);
  });
  afterAll(async () => {
    await merchant?.close().catch(() => {});
    await db?.close();
    await e2e?.teardown();
  });

  async function newBuyer() {
    const buyer = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const b = await buyer.newPage();
    return { buyer, b, bErrors: watch(b) };
  }

  /** Sandbox payment from the order page; the new status shows without a reload. */
  async function payWithSandbox(b: Page, funded: "escrow_funded" | "paid") {
    await markDocument(b);
    await b.getByRole("button", { name: /Pay with sandbox/ }).click();
    await status(b, funded);
    expect(await sameDocument(b)).toBe(true);
  }

  /** Item page → cart → checkout, filled in up to the payment choice; the buyer's page stays on the checkout form. */
  async function toCheckout(b: Page, title: string, quantity = 1) {
    await b.goto(`${e2e.shopUrl("acme")}items/${await item(title)}`);
    await hydrated(b);
    await b.getByLabel("Quantity", { exact: true }).fill(String(quantity));
    await b.getByRole("button", { name: "Add to cart" }).click();
    await b.getByText(`Added ${quantity} to your cart`).waitFor();
    await b.getByRole("link", { name: "View cart" }).click();
    await b.getByRole("link", { name: /Checkout/ }).click();
    await b.waitForURL(/\/checkout\?cart=/);
    await b.getByTestId("checkout-line").filter({ hasText: title }).waitFor();
    await b.getByLabel("Email").fill("ada@buyer.test");
    for (const [label, value] of Object.entries(ADDRESS)) await (label === "Country" ? b.getByLabel(label, { exact: true }).selectOption(value) : b.getByLabel(label, { exact: true }).fill(value));
  }

  /** The merchant's order page: the newest order of the shop. */
  async function openMerchantOrder() {
    const order = await db.prisma.order.findFirstOrThrow({ where: { tenantId }, orderBy: { createdAt: "desc" }, select: { id: true } });
    await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}/orders/${order.id}`);
    await hydrated(m);
    return order.id;
  }

  /** Ship in the dashboard, read the code off the buyer's page (it appears there without a reload), type it in. */
  async function shipAndDeliver(b: Page, prefix: string) {
    await openMerchantOrder();
    await m.getByRole("button", { name: "Mark shipped" }).click();
    const code = b.getByTestId("delivery-code");
    await code.waitFor({ timeout: 15_000 });
    expect(await sameDocument(b)).toBe(true);
    const digits = (await code.textContent())?.trim() ?? "";
    expect(digits).toMatch(/^\d{6}$/);
    await b.getByText(/only on delivery/).waitFor();
    await expectAccessible(b, `${prefix} buyer order (shipped)`);
    await shot(b, `${prefix}-5-buyer-code`);
    if (prefix === "escrow") {
      await b.setViewportSize({ width: 390, height: 844 });
      await shot(b, `${prefix}-5b-buyer-code-phone`);
      await b.setViewportSize({ width: 1280, height: 900 });
    }
    // The merchant never sees the code.
    expect(await m.content()).not.toContain(digits);
    await m.getByLabel("Delivery code").fill(digits);
    await shot(m, `${prefix}-6-merchant-code`);
    await m.getByRole("button", { name: "Confirm delivery" }).click();
    // Delivered lasts only the 2 s grace period, so a 3 s poll may see the order completed straight away.
    await b.locator("[data-testid=order-status]:is([data-status=delivered], [data-status=completed])").waitFor({ timeout: 15_000 });
  }

  /** Reloads the merchant's order until its "Ledger" section lists a posting matching `posting`. */
  async function ledgerShows(posting: RegExp) {
    // The innermost section around the heading: an outer one would also hold the rest of the order.
    const ledger = m.getByRole("heading", { name: "Ledger", exact: true }).locator("xpath=ancestor::section[1]");
    for (let i = 0; i < 20; i++) {
      if (posting.test((await ledger.textContent().catch(() => "")) ?? "")) return ledger;
      await m.waitForTimeout(500);
      await m.reload();
      await hydrated(m);
    }
    throw new Error(`the ledger never showed ${posting}: ${await ledger.textContent()}`);
  }

  it("escrow: checkout, sandbox pay, ship, delivery code, release after the grace period", async () => {
    const { buyer, b, bErrors } = await newBuyer();
    const before = await orderCount();
    await toCheckout(b, "Trailhead 40L Backpack");
    await b.getByRole("radio", { name: "Escrow" }).check();
    await expect(b.getByTestId("protection-label").textContent()).resolves.toContain("Protected by escrow");
    await expect(b.getByTestId("checkout-total").textContent()).resolves.toBe("$129.00");
    await expectAccessible(b, "checkout (escrow)");
    await shot(b, "escrow-1-checkout");
    await b.setViewportSize({ width: 390, height: 844 });
    await shot(b, "escrow-1b-checkout-phone");
    await b.setViewportSize({ width: 1280, height: 900 });

    await b.getByRole("button", { name: /Place order/ }).click();
    await b.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}$/);
    await status(b, "pending_payment");
    expect(await orderCount()).toBe(before + 1);
    // The cart was emptied by the successful checkout.
    expect(await b.getByTestId("cart-count").count()).toBe(0);
    await b.getByText("Protected by escrow").first().waitFor();
    await expectAccessible(b, "buyer order (pending payment)");
    await shot(b, "escrow-2-order-pending");

    await payWithSandbox(b, "escrow_funded");
    await shot(b, "escrow-3-funded");

    // The link is a secret: never cached. Another shop's host does not know it.
    const orderPath = new URL(b.url()).pathname;
    const other = await buyer.newPage();
    expect((await other.goto(b.url()))?.headers()["cache-control"]).toContain("no-store");
    const res = await other.goto(`${e2e.shopUrl("nova")}${orderPath.slice(1)}`);
    expect(res?.status()).toBe(404);
    await other.close();

    await shipAndDeliver(b, "escrow");
    await shot(m, "escrow-7-merchant-delivered");
    // The release job runs after RELEASE_GRACE_MS (2 s); the buyer's page follows it by itself.
    await status(b, "completed", 20_000);
    expect(await sameDocument(b)).toBe(true);
    await shot(b, "escrow-8-buyer-completed");
    const ledger = await ledgerShows(/release/i);
    await ledger.scrollIntoViewIfNeeded();
    await expectAccessible(m, "merchant order (released)");
    await shot(m, "escrow-9-merchant-ledger");
    expect(bErrors).toEqual([]);
    expect(mErrors).toEqual([]);
    await buyer.close();
  });

  it("direct: the no-escrow acknowledgement is required (strict mode), then the same flow", async () => {
    const { buyer, b, bErrors } = await newBuyer();
    const before = await orderCount();
    await toCheckout(b, "Merino Trail Socks");
    await b.getByRole("radio", { name: "Direct payment" }).check();
    const ack = b.getByLabel(/no escrow protection/);
    await ack.waitFor();
    await expect(b.getByTestId("protection-label").textContent()).resolves.toContain("no escrow protection");

    // Without the tick the server refuses: its sentence shows next to the box, nothing is written, the cart stays.
    await b.getByRole("button", { name: /Place order/ }).click();
    await b.getByText("Confirm that you understand this payment has no escrow protection.").waitFor();
    await expect(ack.getAttribute("aria-invalid")).resolves.toBe("true");
    expect(await orderCount()).toBe(before);
    expect(b.url()).toMatch(/\/checkout/);
    await expect(b.getByTestId("cart-count").textContent()).resolves.toMatch(/^1/);
    await expectAccessible(b, "checkout (direct, acknowledgement missing)");
    await shot(b, "direct-1-ack-required");

    await ack.check();
    await b.getByRole("button", { name: /Place order/ }).click();
    await b.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}$/);
    await status(b, "pending_payment");
    expect(await orderCount()).toBe(before + 1);
    await b.getByText("Paid through the platform — no escrow protection").waitFor();
    await shot(b, "direct-2-order-pending");

    await payWithSandbox(b, "paid");
    // Direct orders hold nothing, so there is nothing to dispute on the platform.
    expect(await b.getByRole("button", { name: "Open a dispute" }).count()).toBe(0);
    await shot(b, "direct-3-paid");

    await shipAndDeliver(b, "direct");
    await status(b, "completed", 20_000);
    await shot(b, "direct-8-buyer-completed");
    await ledgerShows(/fund/i);
    await shot(m, "direct-9-merchant-ledger");
    expect(bErrors).toEqual([]);
    expect(mErrors).toEqual([]);
    await buyer.close();
  });

  it("over the policy's threshold only escrow is offered, and the page says why", async () => {
    const { buyer, b, bErrors } = await newBuyer();
    // Two tents at $349.00 are over acme's $500 escrow threshold.
    await toCheckout(b, "Canyon 2-Person Tent", 2);
    await expect(b.getByTestId("checkout-total").textContent()).resolves.toBe("$698.00");
    await expect(b.getByRole("radio").count()).resolves.toBe(1);
    await expect(b.getByRole("radio", { name: "Escrow" }).isChecked()).resolves.toBe(true);
    await expect(b.getByTestId("escrow-required").textContent()).resolves.toContain("Orders over $500.00");
    await expectAccessible(b, "checkout (escrow required)");
    await shot(b, "escrow-required");
    expect(bErrors).toEqual([]);
    await buyer.close();
  });
});
