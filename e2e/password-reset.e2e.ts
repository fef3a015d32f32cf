/**
 * Issue 15 acceptance, in Chromium: a merchant who forgot their password resets it from the sign-in page with the
 * link mailed over the real delivery path (the app's worker → a test SMTP server on loopback), and the session another
 * device held ends. Screenshots at 390 and 1280 px of each page, and of the mail's HTML at 390 and 800 px.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, setupE2E, signInAs, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser } from "#tests/factories.ts";
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from "#tests/smtp-server.ts";

const NEW_PASSWORD = "Pw-test-secret-new-8b1d";
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `password-reset-${name}.png`), fullPage: true });

/**
 * The newest reset mail to `email` beyond the `seen` ones, as the test SMTP server received it from the app's mail
 * worker (the real delivery path), and the link read from its text part: what the merchant clicks in their inbox.
 */
async function mailedReset(smtp: SmtpTestServer, email: string, seen: number, subject = "Reset your password"): Promise<{ mail: ReceivedMail; link: string }> {
  const resets = () => smtp.messages.filter((m) => m.envelope.to.includes(email) && m.parsed.subject === subject);
  for (let i = 0; i < 200 && resets().length <= seen; i++) await new Promise((r) => setTimeout(r, 100));
  const all = resets();
  // One request, one mail: never a second copy of the same reset.
  expect(all).toHaveLength(seen + 1);
  const mail = all[seen]!;
  const link = mail.parsed.text?.match(/https?:\/\/\S+\/reset-password\?token=\S+/)?.[0];
  if (!link) throw new Error(`no reset link in the mail's text: ${mail.parsed.text}`);
  return { mail, link };
}

/** The reset mail's HTML as a mail client shows it, at a phone's and a desktop mail pane's width. */
async function screenshotMail(browser: Browser, mail: ReceivedMail, lang: "en" | "fa" = "en") {
  expect(mail.parsed.html).toMatch(lang === "fa" ? /<html[^>]*dir="rtl"/ : /<html[^>]*dir="ltr"/);
  for (const width of [390, 800]) {
    const p = await browser.newPage({ viewport: { width, height: 900 } });
    await p.setContent(mail.parsed.html as string, { waitUntil: "load" });
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await p.screenshot({ path: path.join(ARTIFACTS, `mail-password-reset-${lang}-${width}.png`), fullPage: true });
    await p.close();
  }
}

describe("forgot password → mailed link → new password", () => {
  let e2e: E2E;
  let smtp: SmtpTestServer;
  const email = "forgetful@e2e.test";
  const persian = "faramoosh@e2e.test";
  beforeAll(async () => {
    smtp = await startSmtpServer();
    e2e = await setupE2E([], { SMTP_URL: smtp.url, MAIL_FROM: "Shops <noreply@shop.test>", MAIL_SWEEP_INTERVAL_MS: "200" });
    const db = await openDatabase(e2e.dbUrl);
    try {
      await createUser(db.prisma, { email });
      await createUser(db.prisma, { email: persian });
    } finally {
      await db.close();
    }
  });
  afterAll(async () => {
    await e2e?.teardown();
    await smtp?.close();
  });

  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
    it(`works at ${viewport.width} px`, async () => {
      // Another device is signed in with the old password.
      const other = await e2e.browser.newContext({ viewport });
      const o = await other.newPage();
      if (viewport.width === 390) {
        await signInAs(o, e2e.platformUrl, email);
      } else {
        await o.goto(`${e2e.platformUrl}/login`);
        await o.getByLabel("Email").fill(email);
        await o.getByLabel("Password").fill(NEW_PASSWORD);
        await o.getByRole("button", { name: "Sign in" }).click();
        await o.waitForURL(/\/dashboard/);
      }

      const ctx = await e2e.browser.newContext({ viewport });
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${e2e.platformUrl}/login`);
      // Typed first: leaving the (autofocused) email empty shows its error on blur, which moves the link mid-click.
      await page.getByLabel("Email").fill(email);
      await shot(page, `${viewport.width}-1-sign-in`);
      await page.getByRole("link", { name: "Forgot password?" }).click();
      await page.getByRole("heading", { name: "Reset your password" }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/forgot-password");
      await page.getByLabel("Email").fill(email);
      await shot(page, `${viewport.width}-2-request`);
      const seen = viewport.width === 390 ? 0 : 1;
      await page.getByRole("button", { name: "Send reset link" }).click();
      await page.getByTestId("reset-requested").waitFor();
      await shot(page, `${viewport.width}-3-check-inbox`);

      const { mail, link } = await mailedReset(smtp, email, seen);
      expect(new URL(link).origin).toBe(e2e.platformUrl);
      if (viewport.width === 390) await screenshotMail(e2e.browser, mail);
      await page.goto(link);
      await page.getByLabel("New password", { exact: true }).fill(viewport.width === 390 ? NEW_PASSWORD : "Pw-test-secret-newer-2c4e");
      await page.getByLabel("New password again").fill(viewport.width === 390 ? NEW_PASSWORD : "Pw-test-secret-newer-2c4e");
      await shot(page, `${viewport.width}-4-new-password`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.getByRole("button", { name: "Save new password" }).click();
      await page.getByTestId("reset-done").waitFor();
      await shot(page, `${viewport.width}-5-done`);

      // The other device was signed out.
      await o.goto(`${e2e.platformUrl}/dashboard`);
      await o.waitForURL(/\/login/);

      // The link was single use.
      await page.goto(link);
      await page.getByTestId("reset-link-invalid").waitFor();
      await shot(page, `${viewport.width}-6-link-used`);

      // The new password signs in.
      await page.goto(`${e2e.platformUrl}/login?email=${encodeURIComponent(email)}`);
      await page.getByLabel("Password").fill(viewport.width === 390 ? NEW_PASSWORD : "Pw-test-secret-newer-2c4e");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/dashboard/);
      expect(errors).toEqual([]);
      await ctx.close();
      await other.close();
    });
  }

  it("mails the reset link in Persian to a browser that asks for Persian", async () => {
    const ctx = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, locale: "fa-IR" });
    const page = await ctx.newPage();
    await page.goto(`${e2e.platformUrl}/forgot-password`);
    await page.getByLabel("Email").fill(persian);
    await page.getByRole("button", { name: /reset link/i }).click();
    await page.getByText(persian).first().waitFor();
    const { mail, link } = await mailedReset(smtp, persian, 0, "بازنشانی رمز عبور");
    expect(link).toContain(e2e.platformUrl);
    await screenshotMail(e2e.browser, mail, "fa");
    await ctx.close();
  });
});
