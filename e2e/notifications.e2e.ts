/**
 * The Notifications page end to end (issue 15 points 2 and 6, ADR 027) in Chromium, against the loopback SMTP and
 * DNS servers: the owner saves the shop's sender, publishes the records the page shows, verifies DNS, sends the test
 * email (it arrives, DKIM-signed) and sees it in the message list; the operator's Email section. Screenshots at
 * 390 px and 1280 px: notifications-*.png.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, setupE2E, signInAs, type E2E } from "./fixtures.ts";
import { watch, hydrated } from "./browser-checks.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser } from "#tests/factories.ts";
import { startSmtpServer, type SmtpTestServer } from "#tests/smtp-server.ts";
import { startTestDns, type TestDns } from "#tests/dns-server.ts";

const PASSWORD = "e2e-smtp-password-5150";
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `notifications-${name}.png`), fullPage: true });
};

describe("Notifications page: sender, DNS records, Verify DNS, test email, messages; ops Email", () => {
  let e2e: E2E;
  let smtp: SmtpTestServer;
  let dns: TestDns;
  let tenantId: string;
  let ownerEmail: string;
  let operatorEmail: string;

  beforeAll(async () => {
    smtp = await startSmtpServer({ user: "acme-mail", pass: PASSWORD });
    dns = await startTestDns();
    e2e = await setupE2E(["acme"], { SECRET_BOX_KEY: randomBytes(32).toString("hex"), DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: "500" });
    const db = await openDatabase(e2e.dbUrl);
    try {
      tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
      const owner = await createUser(db.prisma, { email: "owner@acme-mail.test" });
      await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
      await db.prisma.tenant.update({ where: { id: tenantId }, data: { ownerUserId: owner.id } });
      ownerEmail = owner.email;
      operatorEmail = (await createUser(db.prisma, { operator: true, email: "ops@mail-e2e.test" })).email;
    } finally {
      await db.close();
    }
  });
  afterAll(async () => {
    await e2e?.teardown();
    await smtp?.close();
    await dns?.close();
  });

  it("sets up the shop's sender and sends the test email", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watch(page);
    await signInAs(page, e2e.platformUrl, ownerEmail);
    await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
    await page.getByRole("navigation", { name: "Shop sections" }).getByRole("link", { name: "Notifications" }).click();
    await page.waitForURL(/\/notifications$/);
    await hydrated(page);
    await shot(page, "empty-desktop");

    await page.getByLabel("SMTP server").fill("127.0.0.1");
    await page.getByLabel("Port").fill(String(smtp.port));
    await page.getByLabel("Encryption").selectOption("none");
    await page.getByLabel("User name").fill("acme-mail");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByLabel("From address").fill("orders@acme-mail.test");
    await page.getByLabel("Display name").fill("Acme Orders");
    await page.getByRole("button", { name: "Save sender" }).click();
    await page.getByTestId("sender-summary").waitFor();
    await expect(page.getByText("Working")).toBeTruthy();
    const records = await page.getByTestId("dns-record").all();
    expect(records).toHaveLength(2);

    // Publish what the page shows, then Verify DNS.
    for (const r of records) {
      const name = (await r.locator('[data-field="name"]').innerText()).trim();
      const value = (await r.locator('[data-field="value"]').innerText()).trim();
      dns.set(name, "TXT", [value]);
    }
    await page.getByRole("button", { name: "Verify DNS" }).click();
    await page.getByText("✓ The DKIM key is published.").waitFor();
    await page.getByText("✓ SPF authorises your mail server.").waitFor();

    await page.getByRole("button", { name: "Send test email" }).click();
    await page.getByText("Test email sent").waitFor();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.user).toBe("acme-mail");
    expect(mail!.parsed.from?.value[0]?.address).toBe("orders@acme-mail.test");
    expect(mail!.parsed.headers.get("dkim-signature")).toBeTruthy();
    await page.getByTestId("message").first().waitFor();
    expect(await page.getByTestId("message").first().innerText()).toContain("Test email");
    await shot(page, "desktop");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await hydrated(page);
    await shot(page, "phone");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    expect([...new Set(errors)]).toEqual([]);
    await context.close();
  });

  it("shows a failed test in the list, and the operator's Email section", async () => {
    smtp.refuse(550, "Mailbox unavailable");
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, e2e.platformUrl, ownerEmail);
    await page.goto(`${e2e.platformUrl}/dashboard/${tenantId}/notifications`);
    await hydrated(page);
    await page.getByRole("button", { name: "Send test email" }).click();
    await page.getByText("550 Mailbox unavailable").first().waitFor();
    // The status and the message list follow at once, without a reload.
    await page.getByText("Not working").waitFor();
    await page.getByTestId("message").filter({ hasText: "Failed" }).waitFor();
    await shot(page, "failed-desktop");
    await context.close();

    const ops = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const op = await ops.newPage();
    await op.goto(`${e2e.platformUrl}/login`);
    await signInAs(op, e2e.platformUrl, operatorEmail).catch(() => undefined);
    await op.goto(`${e2e.platformUrl}/ops/email`);
    await op.getByRole("heading", { name: "Email" }).waitFor();
    expect(await op.locator('[data-status="failed"]').innerText()).toBe("1");
    expect(await op.getByTestId("failures").innerText()).toContain("550 Mailbox unavailable");
    await shot(op, "ops-desktop");
    await op.setViewportSize({ width: 390, height: 844 });
    await op.reload();
    await shot(op, "ops-phone");
    await ops.close();
  });
});
