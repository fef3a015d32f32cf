/**
 * Issue 21: the merchant's order page says the money in the merchant's words — order total, the platform fee with
 * its rate, what the shop receives and where the money is now — and keeps the raw ledger behind "Ledger details",
 * with debit/credit read for each account kind (a credit to the shop's payable account is money owed to it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { ADDRESS, createShop, newKey } from "./money-fixture.ts";

const db = await createTestDatabase();
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true",
    MONEY_SECRET: "order-money-view-test-money-secret-0123", DEFAULT_PLATFORM_FEE_BPS: "250",
  });
});
afterAll(async () => app?.stop());

async function owner(tenantId: string): Promise<Client> {
  const u = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId, userId: u.id, role: "owner" } });
  return signIn(app.port, u.email);
}

async function paidOrder(slug: string, itemId: string, rail: "escrow" | "direct") {
  const placed = await request(app.port, "/api/storefront/checkout", {
    method: "POST", host: `${slug}.localhost`, headers: { "idempotency-key": newKey() },
    body: { items: [{ itemId, quantity: 1 }], email: "ada@example.test", shippingAddress: ADDRESS, rail, acknowledgeNoEscrow: true },
  });
  expect(placed.status, placed.body).toBe(201);
  const { token, order } = placed.json.data as { token: string; order: { id: string } };
  expect((await request(app.port, `/api/storefront/orders/${token}/sandbox-pay`, { method: "POST", host: `${slug}.localhost`, body: {} })).status).toBe(200);
  return order.id;
}

const text = (html: string) => html.replace(/<!--.*?-->/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");

/** The `<tr>` of the raw ledger table whose account cell reads `account`. */
function ledgerRow(html: string, account: string) {
  const rows = html.match(/<tr[^>]*>.*?<\/tr>/gs) ?? [];
  return rows.map(text).filter((r) => r.includes(account));
}

describe("merchant order money view", () => {
  it("an escrow order: total, fee with its rate, what the shop receives, held in escrow in words; ledger behind a disclosure", async () => {
    const shop = await createShop(db);
    const o = await owner(shop.tenantId);
    const orderId = await paidOrder(shop.slug, shop.item("Lamp"), "escrow");
    const html = (await o.get(`/dashboard/${shop.tenantId}/orders/${orderId}`)).body;
    const t = text(html);
    expect(t).toContain("Order total $40.00");
    expect(t).toContain("Platform fee (2.5 %) −$1.00");
    expect(t).toContain("You receive $39.00");
    expect(t).toContain("The buyer paid $40.00; the platform holds it in escrow. You receive $39.00 once the buyer's delivery code is confirmed");
    // The raw table sits inside a closed <details> under the section headed exactly "Ledger".
    expect(html).toMatch(/<h2[^>]*>Ledger<\/h2>/);
    expect(html).toMatch(/<details[^>]*data-testid="ledger-details"[^>]*><summary[^>]*>Ledger details<\/summary>.*data-testid="ledger-table"/s);
    expect(html).not.toMatch(/<details[^>]*open/);
    expect(t).toContain("Funding");
    expect(t).toContain("$40.00 paid in by the buyer, $40.00 held in escrow");
    expect(ledgerRow(html, "Escrow (held for the shop)")[0]).toMatch(/— \$40\.00 held in escrow/);
    expect(ledgerRow(html, "Outside the platform")[0]).toMatch(/\$40\.00 paid in from outside —/);
  });

  it("a direct order: paid straight to the shop, and the payable account's credit reads 'owed to you'", async () => {
    const shop = await createShop(db);
    const o = await owner(shop.tenantId);
    const orderId = await paidOrder(shop.slug, shop.item("Lamp"), "direct");
    const html = (await o.get(`/dashboard/${shop.tenantId}/orders/${orderId}`)).body;
    const t = text(html);
    expect(t).toContain("You received $39.00");
    expect(t).toMatch(/Paid straight to you on \d{4}-\d\d-\d\d \d\d:\d\d UTC, with no escrow hold: \$39\.00 is yours\./);
    expect(t).toContain("$40.00 paid in by the buyer, $39.00 owed to you, $1.00 platform fee");
    // Debit column empty, credit column the amount with what it means for this account.
    expect(ledgerRow(html, "Shop payable")).toEqual([expect.stringMatching(/Shop payable — \$39\.00 owed to you/)]);
    expect(ledgerRow(html, "Platform fees")[0]).toMatch(/— \$1\.00 platform fee charged/);
    expect(t).toContain("a credit to “Shop payable” is money owed to you");
  });

  it("an invoice order: paid straight to the shop, and the platform fee is owed and billed monthly, not taken", async () => {
    const shop = await createShop(db);
    const o = await owner(shop.tenantId);
    const placed = await request(app.port, "/api/storefront/checkout", {
      method: "POST", host: `${shop.slug}.localhost`, headers: { "idempotency-key": newKey() },
      body: { items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "ada@example.test", shippingAddress: ADDRESS, rail: "manual_invoice", acknowledgeNoEscrow: true },
    });
    expect(placed.status, placed.body).toBe(201);
    const orderId = (placed.json.data as { order: { id: string } }).order.id;
    expect((await o.post(`/api/tenants/${shop.tenantId}/orders/${orderId}/mark-paid`, { evidenceNote: "Transfer seen" })).status).toBe(200);
    const t = text((await o.get(`/dashboard/${shop.tenantId}/orders/${orderId}`)).body);
    expect(t).toContain("Platform fee (2.5 %, billed monthly)");
    expect(t).toContain("You keep $39.00");
    expect(t).toMatch(/Paid by invoice on \d{4}-\d\d-\d\d \d\d:\d\d UTC, straight to you: \$40\.00\. The \$1\.00 platform fee is billed on your monthly statement\./);
    expect(t).toContain("Platform fee (billed monthly)");
    expect(t).toContain("$1.00 platform fee, billed on your monthly statement");
    expect(t).not.toContain("paid out to you");
  });
});
