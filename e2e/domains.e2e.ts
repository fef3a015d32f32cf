/**
 * Issue 4 end to end in Chromium, through a real DNS server and a real Caddy: the owner adds shop.example.test in the
 * Domains tab, the test publishes the records the page shows, the badge turns Active without a reload, and the shop
 * answers on https://shop.example.test through Caddy. Then the operator's view of it.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { publishRecords, startEdgeParts, type EdgeParts } from "#tests/edge-stack.ts";
import { watch, expectAccessible, hydrated } from "./browser-checks.ts";

const HOST = "shop.example.test";
async function shot(page: Page, name: string) {
  // From the top, so the sticky header is not painted over the middle of a full-page shot.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `domains-${name}.png`), fullPage: true });
}


async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/dashboard|\/ops/);
}


describe("custom domain wizard: add → DNS → Active without a reload → HTTPS storefront through Caddy", () => {
  let parts: EdgeParts;
  let e2e: E2E;
  // The fixture's browser maps only *.shop.test to loopback; this one also maps the custom domain, and treats the
  // http dashboard origin as secure so the clipboard API works there.
  let browser: Browser;
  let tenantId: string;
  let ownerEmail: string;
  let operatorEmail: string;

  beforeAll(async () => {
    parts = await startEdgeParts();
    e2e = await setupE2E(["acme"], { ...parts.env });
    const db = await openDatabase(e2e.dbUrl);
    try {
      tenantId = (await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
      const owner = await createUser(db.prisma, { email: "owner@acme-domains.test" });
      await db.prisma.tenantUserRole.create({ data: { tenantId, userId: owner.id, role: "owner" } });
      ownerEmail = owner.email;
      operatorEmail = (await createUser(db.prisma, { operator: true, email: "ops@domains-e2e.test" })).email;
    } finally {
      await db.close();
    }
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-dev-shm-usage",
        `--host-resolver-rules=MAP *.${PLATFORM_DOMAIN} 127.0.0.1, MAP ${PLATFORM_DOMAIN} 127.0.0.1, MAP ${HOST} 127.0.0.1`,
        `--unsafely-treat-insecure-origin-as-secure=${e2e.platformUrl}`,
      ],
    });
  });
  afterAll(async () => {
    await browser?.close().catch(() => {});
    await e2e?.teardown();
    await parts?.stop();
  });

  it("walks the wizard in a real browser", async () => {
    const merchant = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await merchant.grantPermissions(["clipboard-read", "clipboard-write"], { origin: e2e.platformUrl });
    const m = await merchant.newPage();
    const errors = watch(m);
    await signIn(m, e2e.platformUrl, ownerEmail);
    await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}`);
    await m.getByRole("navigation", { name: "Shop sections" }).getByRole("link", { name: "Domains" }).click();
    await m.waitForURL(/\/domains$/);
    await hydrated(m);
    await expect(m.getByTestId("primary-host").textContent()).resolves.toBe(`acme.${PLATFORM_DOMAIN}`);

    // A name the platform refuses: the server's sentence appears next to the field.
    await m.getByLabel("Domain", { exact: true }).fill(`acme.${PLATFORM_DOMAIN}`);
    await m.getByRole("button", { name: "Add domain" }).click();
    await m.locator("#add-domain [aria-invalid=true]").waitFor();
    const refusal = await m.locator("form#add-domain ul").first().textContent();
    expect(refusal?.length).toBeGreaterThan(10);
    await shot(m, "0-refused");

    await m.getByLabel("Domain", { exact: true }).fill(HOST);
    await m.getByRole("button", { name: "Add domain" }).click();
    const card = m.locator(`[data-testid=domain-card][data-hostname="${HOST}"]`);
    await card.getByTestId("dns-record").first().waitFor();
    await expect(card.getByTestId("domain-status").textContent()).resolves.toBe("Pending");
    const records = await card.getByTestId("dns-record").evaluateAll((rows) =>
      rows.map((r) => ({
        type: r.querySelector("[data-field=type]")!.textContent!,
        name: r.querySelector("[data-field=name]")!.textContent!,
        value: r.querySelector("[data-field=value]")!.textContent!,
      })),
    );
    expect(records.map((r) => `${r.type} ${r.name}`)).toEqual([`TXT _storefront-verify.${HOST}`, `CNAME ${HOST}`]);

    // Copy: the value lands on the clipboard and the button says so.
    const txtRow = card.getByTestId("dns-record").first();
    await txtRow.getByRole("button", { name: "Copy" }).click();
    await txtRow.getByRole("button", { name: "Copied" }).waitFor();
    expect(await m.evaluate(() => navigator.clipboard.readText())).toBe(records[0]!.value);
    // While pending, the page checks by itself (and the doctor explains what is missing).
    await m.getByTestId("poll-status").getByText(/Last check/).waitFor({ timeout: 10_000 });
    await card.getByTestId("domain-problems").waitFor({ timeout: 10_000 });
    await expectAccessible(m, "domains (pending)");
    await shot(m, "1-records");

    // The merchant creates the records at their DNS provider; the page notices without a reload.
    await m.evaluate(() => ((window as Window & { __sameDocument?: boolean }).__sameDocument = true));
    publishRecords(parts.dns, records);
    await card.getByTestId("domain-status").getByText("Active").waitFor({ timeout: 20_000 });
    expect(await m.evaluate(() => (window as Window & { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await m.getByText(`${HOST} is verified`).waitFor();
    await expect(m.getByTestId("primary-host").textContent()).resolves.toBe(HOST);
    await card.getByText(/Certificate issued/).waitFor();
    await shot(m, "2-active");
    await m.setViewportSize({ width: 390, height: 844 });
    await shot(m, "2b-active-phone");
    expect(errors).toEqual([]);

    // The shop itself, on its own domain, over HTTPS through Caddy.
    const buyer = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true });
    const b = await buyer.newPage();
    const bErrors = watch(b);
    const res = await b.goto(`https://${HOST}:${parts.caddy.httpsPort}/`);
    expect(res?.status()).toBe(200);
    await hydrated(b);
    await b.getByText("Acme Outfitters").first().waitFor();
    await shot(b, "3-storefront");
    expect(bErrors).toEqual([]);
    await Promise.all([merchant.close(), buyer.close()]);
  });

  it("shows the operator the domain's health, the edge and the event log", async () => {
    const ops = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const o = await ops.newPage();
    const errors = watch(o);
    await signIn(o, e2e.platformUrl, operatorEmail);
    await o.goto(`${e2e.platformUrl}/ops/domains`);
    await hydrated(o);
    const row = o.getByTestId("domain-row").filter({ hasText: HOST });
    await row.getByText("Active").waitFor();
    await o.getByRole("button", { name: "Reconcile now" }).click();
    await o.getByText(/Reconciled:/).waitFor();
    expect(Number(await o.getByTestId("edge-routed").textContent())).toBeGreaterThanOrEqual(2);
    await expectAccessible(o, "ops domains");
    await shot(o, "4-ops");

    await row.getByRole("link", { name: HOST }).click();
    await o.waitForURL(/\/ops\/domains\/[0-9a-f-]{36}$/);
    await o.getByTestId("domain-event").first().waitFor();
    const withDns = o.getByTestId("domain-event").filter({ hasText: "DNS check passed" }).first();
    await withDns.locator("summary").click();
    await withDns.getByText(`_storefront-verify.${HOST}`).first().waitFor();
    await expectAccessible(o, "ops domain detail");
    await shot(o, "5-ops-detail");
    expect(errors).toEqual([]);
    await ops.close();
  });
});
