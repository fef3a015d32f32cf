/**
 * Issue 15's first acceptance point, end to end through the running app: a paid checkout sends the buyer exactly
 * one order confirmation and one payment receipt (with the invoice PDF), written by the order-events trigger,
 * prepared from the order, and delivered by the app's own worker — through the shop's own SMTP server when it has a
 * proven sender (its From, envelope and DKIM signature show it), through the platform's otherwise. An escrow order's
 * buyer mail always goes through the platform's server (its link shows the delivery code; ADR 029).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { ADDRESS, createShop, httpBuyer } from "./money-fixture.ts";
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from "./smtp-server.ts";
import { startTestDns, type TestDns } from "./dns-server.ts";
import { SECRET_BOX_KEY } from "./stripe-fixture.ts";
import { verifyDkim } from "./dkim-check.ts";

const SHOP_PASSWORD = "Sm7p-acceptance-shop-pass-55";
const db = await createTestDatabase();
let app: RunningApp;
let platform: SmtpTestServer;
let shopSmtp: SmtpTestServer;
let dns: TestDns;

beforeAll(async () => {
  platform = await startSmtpServer();
  shopSmtp = await startSmtpServer({ user: "shop-user", pass: SHOP_PASSWORD });
  dns = await startTestDns();
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", SECRET_BOX_KEY,
    SMTP_URL: platform.url, MAIL_FROM: "Shops <noreply@platform.test>", MAIL_SWEEP_INTERVAL_MS: "200",
    DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: "500", DOCUMENTS_DIR: mkdtempSync(path.join(tmpdir(), "mail-acceptance-")),
    RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000",
  });
});
afterAll(async () => {
  await app?.stop();
  await platform?.close();
  await shopSmtp?.close();
  await dns?.close();
});

const ITEMS = [{ title: "Brass lamp", price: "40.00", stock: null }];

/** A shop whose owner has saved and proven (DKIM published, Verify DNS) its own SMTP sender. */
async function shopWithOwnSender() {
  const shop = await createShop(db, { rails: ["direct", "escrow"], items: ITEMS });
  const owner = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId: shop.tenantId, userId: owner.id, role: "owner" } });
  const client = await signIn(app.port, owner.email);
  const base = `/api/tenants/${shop.tenantId}/notifications/sender`;
  const saved = await client.call("PUT", base, { host: "127.0.0.1", port: shopSmtp.port, user: "shop-user", password: SHOP_PASSWORD, fromAddress: `orders@${shop.slug}.test`, fromName: "Lamp Shop", tls: "none" });
  expect(saved.status, saved.body).toBe(200);
  const { id, records } = saved.json.data as { id: string; records: { purpose: string; name: string; value: string }[] };
  const dkim = records.find((r) => r.purpose === "dkim")!;
  dns.set(`${shop.slug}.test`, "TXT", ["v=spf1 ip4:127.0.0.0/24 ~all"]);
  dns.set(dkim.name, "TXT", [dkim.value]);
  const verified = await client.call("POST", `${base}/${id}/verify-dns`);
  expect(verified.json.data).toMatchObject({ inUse: true });
  return { ...shop, ownerEmail: owner.email, dkimKey: /p=([A-Za-z0-9+/=]+)/.exec(dkim.value)![1]! };
}

async function paidCheckout(shop: { slug: string; item(t: string): string }, email: string, rail: "direct" | "escrow") {
  const buyer = httpBuyer(app.port, shop.slug);
  const r = await buyer.checkout({ items: [{ itemId: shop.item("Brass lamp"), quantity: 2 }], email, shippingAddress: ADDRESS, acknowledgeNoEscrow: true, rail });
  expect(r.status, r.body).toBe(201);
  expect((await buyer.post(`/api/storefront/orders/${r.json.data.token}/sandbox-pay`)).status).toBe(200);
}

/** Waits until `to` has `count` messages at `server`, then a little longer, so a duplicate would show. */
async function mailsTo(server: SmtpTestServer, to: string, count: number): Promise<ReceivedMail[]> {
  const deadline = Date.now() + 30_000;
  const mine = () => server.messages.filter((m) => m.envelope.to.includes(to));
  while (mine().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1_500));
  return mine();
}

/** The buyer's outbox rows by template (each test's buyer address is its own; buyer order mail is scrubbed after delivery, so
 * the rows keep their subject but no longer their data). */
async function rowsFor(to: string) {
  const rows = await db.prisma.emailOutbox.findMany({ where: { recipient: to }, select: { template: true, subject: true, status: true, sender: true } });
  return Object.fromEntries(rows.map((r) => [r.template, r]));
}

describe("a paid checkout's buyer mail", () => {
  it("goes through the shop's own SMTP server when it has a proven sender: one confirmation, one receipt with the invoice", async () => {
    const shop = await shopWithOwnSender();
    const buyer = `buyer-own-${shop.slug}@example.test`;
    await paidCheckout(shop, buyer, "direct");
    const mails = await mailsTo(shopSmtp, buyer, 2);
    const rows = await rowsFor(buyer);
    expect(Object.keys(rows).sort()).toEqual(["order.confirmation", "order.payment_received"]);
    expect(rows["order.confirmation"]).toMatchObject({ status: "sent", sender: expect.stringMatching(/^shop:/) });
    expect(mails.map((m) => m.parsed.subject).sort()).toEqual([rows["order.confirmation"]!.subject, rows["order.payment_received"]!.subject].sort());
    for (const m of mails) {
      expect(m.user).toBe("shop-user");
      expect(m.envelope.from).toBe(`orders@${shop.slug}.test`);
      expect(m.parsed.from?.value[0]).toMatchObject({ address: `orders@${shop.slug}.test` });
      const dkim = m.raw.toString("latin1").match(/^DKIM-Signature:.*(?:\r\n[ \t].*)*/m)?.[0] ?? "";
      expect(dkim).toMatch(new RegExp(`d=${shop.slug}\\.test`));
      expect(verifyDkim(m.raw, shop.dkimKey)).toMatchObject({ ok: true, d: `${shop.slug}.test` });
    }
    const receipt = mails.find((m) => m.parsed.subject === rows["order.payment_received"]!.subject)!;
    expect(receipt.parsed.attachments.map((a) => [a.contentType, a.filename])).toEqual([["application/pdf", expect.stringMatching(new RegExp(`^${shop.slug}-\\d{4}-1\\.pdf$`))]]);
    expect(receipt.parsed.attachments[0]!.content.subarray(0, 5).toString()).toBe("%PDF-");
    // Nothing for this buyer went through the platform's server.
    expect(platform.messages.filter((m) => m.envelope.to.includes(buyer))).toHaveLength(0);
    // The owner's new-order alert goes through the shop's sender too.
    expect((await mailsTo(shopSmtp, shop.ownerEmail, 1)).length).toBeGreaterThanOrEqual(1);
  });

  it("goes through the platform's server in the shop's name when the shop has no sender of its own", async () => {
    const shop = await createShop(db, { rails: ["direct"], items: ITEMS });
    const buyer = `buyer-platform-${shop.slug}@example.test`;
    await paidCheckout(shop, buyer, "direct");
    const mails = await mailsTo(platform, buyer, 2);
    const rows = await rowsFor(buyer);
    expect(mails.map((m) => m.parsed.subject).sort()).toEqual([rows["order.confirmation"]!.subject, rows["order.payment_received"]!.subject].sort());
    for (const m of mails) {
      expect(m.envelope.from).toBe("noreply@platform.test");
      expect(m.parsed.from?.value[0]).toMatchObject({ name: `Shop ${shop.slug}`, address: "noreply@platform.test" });
    }
    expect(shopSmtp.messages.filter((m) => m.envelope.to.includes(buyer))).toHaveLength(0);
  });

  it("of an escrow order never passes through the shop's own server (its link shows the delivery code)", async () => {
    const shop = await shopWithOwnSender();
    const buyer = `buyer-escrow-${shop.slug}@example.test`;
    await paidCheckout(shop, buyer, "escrow");
    const mails = await mailsTo(platform, buyer, 2);
    expect(mails).toHaveLength(2);
    expect(mails.every((m) => m.envelope.from === "noreply@platform.test")).toBe(true);
    expect(shopSmtp.messages.filter((m) => m.envelope.to.includes(buyer))).toHaveLength(0);
  });
});
