/**
 * Issue 15 acceptance in Chromium, through the real delivery path: the app's mail worker sends to a real SMTP server on
 * loopback. A buyer checks out; the confirmation mail arrives with the order link, which opens the order page; the
 * buyer pays in the sandbox and the payment-received mail arrives with the invoice PDF. Once on an English shop, once
 * on a Persian one (a copy of acme whose only language is fa). The mails' HTML as Chromium renders it, at a phone's
 * and a desktop mail pane's width: e2e/artifacts/mail-{confirmation,receipt}-{en,fa}-{390,800}.png.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { watch, hydrated } from "./browser-checks.ts";
import { openDatabase, type Database } from "#server/db/client.ts";
import { applyManifest, manifestSchema } from "#server/tenancy/index.ts";
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from "#tests/smtp-server.ts";

const ADDRESS = { "Full name": "Ada Buyer", "Street address": "1 Trail Road", City: "Boulder", "Postal code": "80302", Country: "US" };
const ORDER_LINK = /https?:\/\/[^\s"<>]+\/orders\/[A-Za-z0-9_-]{43}/;

/** Messages to `to` whose subject matches; mailparser gives addresses lower-cased as sent. */
const mailsTo = (smtp: SmtpTestServer, to: string, subject: RegExp) =>
  smtp.messages.filter((m) => m.envelope.to.includes(to) && subject.test(m.parsed.subject ?? ""));

async function waitForMail(smtp: SmtpTestServer, to: string, subject: RegExp, timeoutMs = 20_000): Promise<ReceivedMail> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = mailsTo(smtp, to, subject)[0];
    if (found) return found;
    if (Date.now() > until) throw new Error(`no mail to ${to} matching ${subject}; got ${smtp.messages.map((m) => `${m.envelope.to.join(",")}: ${m.parsed.subject}`).join(" | ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("order mail delivered over SMTP: confirmation with the order link, receipt with the invoice, in Chromium", () => {
  let e2e: E2E;
  let smtp: SmtpTestServer;
  let db: Database;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    e2e = await setupE2E(["acme"], {
      PAYMENTS_SANDBOX: "true",
      SMTP_URL: smtp.url,
      MAIL_FROM: "Shops <noreply@shop.test>",
      MAIL_SWEEP_INTERVAL_MS: "200",
      RATE_LIMIT_STOREFRONT_PER_MIN: "100000",
      RATE_LIMIT_CHECKOUT_PER_MIN: "100000",
    });
    db = await openDatabase(e2e.dbUrl);
    // No demo shop speaks Persian: a copy of acme whose only language is fa (no custom domain, to keep hosts unique).
    const acme = JSON.parse(await readFile(path.resolve(import.meta.dirname, "../tenants/demo/acme.json"), "utf8"));
    await applyManifest(db.prisma, manifestSchema.parse({ ...acme, slug: "acme-fa", localeDefaults: ["fa"], domains: [] }));
  });
  afterAll(async () => {
    await db?.close();
    await e2e?.teardown();
    await smtp?.close();
  });

  async function checkout(page: Page, slug: string, email: string) {
    const itemId = (await db.prisma.catalogItem.findFirstOrThrow({ where: { title: "Trailhead 40L Backpack", tenant: { slug } }, select: { id: true } })).id;
    await page.goto(e2e.shopUrl(slug));
    await page.evaluate((id) => localStorage.setItem(`cart:v1:${location.host}`, JSON.stringify({ lines: [{ itemId: id, quantity: 1 }] })), itemId);
    await page.goto(`${e2e.shopUrl(slug)}checkout`);
    await hydrated(page);
    await page.getByTestId("checkout-line").first().waitFor();
    await page.getByLabel("Email").fill(email);
    for (const [label, value] of Object.entries(ADDRESS)) await (label === "Country" ? page.getByLabel(label, { exact: true }).selectOption(value) : page.getByLabel(label, { exact: true }).fill(value));
    await page.getByRole("radio", { name: "Escrow" }).check();
    await page.getByRole("button", { name: /Place order/ }).click();
    await page.waitForURL(/\/orders\/[A-Za-z0-9_-]{43}$/, { timeout: 15_000 });
    await page.locator("[data-testid=order-status][data-status=pending_payment]").waitFor();
  }

  /** The mail's HTML as a mail client shows it, at 390 and 800 px; nothing may be wider than the pane. */
  async function screenshotMail(mail: ReceivedMail, name: string, locale: "en" | "fa") {
    const html = mail.parsed.html;
    expect(typeof html).toBe("string");
    for (const width of [390, 800]) {
      const page = await e2e.browser.newPage({ viewport: { width, height: 900 } });
      try {
        await page.setContent(html as string, { waitUntil: "load" });
        expect(await page.locator("html").getAttribute("dir")).toBe(locale === "fa" ? "rtl" : "ltr");
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await page.screenshot({ path: path.join(ARTIFACTS, `mail-${name}-${locale}-${width}.png`), fullPage: true });
      } finally {
        await page.close();
      }
    }
  }

  const cases = [
    { slug: "acme", locale: "en", confirmation: /^Your order #/, receipt: /^Payment received for order #/ },
    { slug: "acme-fa", locale: "fa", confirmation: /^سفارش شما به شمارهٔ /, receipt: /^پرداخت سفارش .* دریافت شد$/ },
  ] as const;

  for (const c of cases) {
    it(`${c.locale}: the confirmation links to the order page, the receipt carries the invoice PDF`, async () => {
      const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors = watch(page);
      try {
        const email = `mail-${c.locale}@buyer.test`;
        await checkout(page, c.slug, email);
        const order = await db.prisma.order.findFirstOrThrow({ where: { guestEmail: email }, select: { id: true, total: true, locale: true } });
        expect(order.locale).toBe(c.locale);
        const number = order.id.slice(0, 8).toUpperCase();

        // The confirmation arrives over SMTP, in the shop's language, with the buyer's link to the order.
        const confirmation = await waitForMail(smtp, email, c.confirmation);
        expect(confirmation.parsed.subject).toContain(number);
        expect(confirmation.parsed.from?.value[0]?.address).toBe("noreply@shop.test");
        expect(confirmation.parsed.html).toMatch(c.locale === "fa" ? /<html[^>]*dir="rtl"/ : /<html[^>]*dir="ltr"/);
        const link = confirmation.parsed.text?.match(ORDER_LINK)?.[0];
        expect(link, "order link in the text part").toBeTruthy();
        expect(new URL(link!).host).toBe(new URL(e2e.shopUrl(c.slug)).host);
        await screenshotMail(confirmation, "confirmation", c.locale);

        // The link opens this order's page in a fresh browser (no cookie, no history: the link alone is the key).
        const fresh = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
        const p = await fresh.newPage();
        const pErrors = watch(p);
        await p.goto(link!);
        await hydrated(p);
        await p.locator("[data-testid=order-status][data-status=pending_payment]").waitFor();
        await expect(p.getByText(`#${number}`).first().isVisible()).resolves.toBe(true);
        expect(await p.locator("body").textContent()).toContain(`$${order.total.toFixed(2)}`);

        // Paying from the mailed link's page: the receipt arrives with the invoice as a PDF named by its number.
        await p.getByRole("button", { name: /Pay with sandbox/ }).click();
        await p.locator("[data-testid=order-status][data-status=escrow_funded]").waitFor({ timeout: 15_000 });
        const receipt = await waitForMail(smtp, email, c.receipt);
        expect(receipt.parsed.subject).toContain(number);
        const invoice = await db.prisma.orderDocument.findFirstOrThrow({ where: { orderId: order.id, kind: "invoice" }, select: { number: true } });
        const pdfs = receipt.parsed.attachments.filter((a) => a.contentType === "application/pdf");
        expect(pdfs.map((a) => a.filename)).toEqual([`${invoice.number}.pdf`]);
        expect(pdfs[0]!.content.subarray(0, 5).toString("latin1")).toBe("%PDF-");
        await screenshotMail(receipt, "receipt", c.locale);

        // Exactly one of each for the buyer, even after the sweep has run a few more times.
        await new Promise((r) => setTimeout(r, 1_500));
        expect(mailsTo(smtp, email, c.confirmation)).toHaveLength(1);
        expect(mailsTo(smtp, email, c.receipt)).toHaveLength(1);
        expect(smtp.messages.filter((m) => m.envelope.to.includes(email))).toHaveLength(2);
        expect(pErrors).toEqual([]);
        expect(errors).toEqual([]);
        await fresh.close();
      } finally {
        await context.close();
      }
    });
  }
});
