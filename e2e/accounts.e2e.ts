/**
 * Issue 3 end to end, in Chromium: a merchant signs up, creates a shop and brands it; an operator signs in and
 * activates it; a buyer on <slug>.<PLATFORM_DOMAIN> sees the new brand. Screenshots of every step.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `accounts-${name}.png`), fullPage: true });

function watchConsole(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

describe("sign-up → shop → brand → operator activation → buyer sees the brand", () => {
  let e2e: E2E;
  let operatorEmail: string;
  beforeAll(async () => {
    e2e = await setupE2E(["acme"]);
    const db = await openDatabase(e2e.dbUrl);
    try {
      operatorEmail = (await createUser(db.prisma, { operator: true, email: "ops@e2e.test" })).email;
    } finally {
      await db.close();
    }
  });
  afterAll(async () => e2e?.teardown());

  it("works in a real browser", async () => {
    // 1. The merchant signs up, creates a shop and edits its brand.
    const merchant = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const m = await merchant.newPage();
    const mErrors = watchConsole(m);
    await m.goto(`${e2e.platformUrl}/signup`);
    await m.getByLabel("Email").fill("maker@e2e.test");
    await m.getByLabel("Password").fill(TEST_PASSWORD);
    await shot(m, "1-signup");
    await m.getByRole("button", { name: "Create account" }).click();
    await m.waitForURL(/\/dashboard/);

    await m.goto(`${e2e.platformUrl}/dashboard/new`);
    await m.waitForFunction(() => (window as Window & { __remixContext?: unknown }).__remixContext !== undefined);
    await m.getByLabel("Shop name", { exact: true }).fill("Lumen Candles");
    await m.getByLabel("Address", { exact: true }).fill("lumen-candles");
    await m.getByText(/is available/).waitFor();
    await shot(m, "2-create-shop");
    await m.getByRole("button", { name: "Create shop" }).click();
    await m.waitForURL(/\/dashboard\/[0-9a-f-]{36}$/);
    const tenantId = /dashboard\/([0-9a-f-]{36})/.exec(m.url())![1]!;
    await shot(m, "3-overview-pending");

    await m.goto(`${e2e.platformUrl}/dashboard/${tenantId}/brand`);
    await m.waitForFunction(() => (window as Window & { __remixContext?: unknown }).__remixContext !== undefined);
    await m.getByLabel("Name shown to buyers").fill("Lumen Candles");
    await m.getByLabel("Tagline").fill("Hand-poured in small batches");
    await m.getByLabel("Primary colour", { exact: true }).fill("#7c2d12");
    await m.getByLabel("Accent colour", { exact: true }).fill("#fbbf24");
    await m.getByRole("button", { name: "Save brand" }).click();
    await m.getByText(/saved/i).first().waitFor();
    await shot(m, "4-brand-saved");
    // The member's preview of the pending shop is painted in its own colours.
    await m.goto(`${e2e.platformUrl}/t/lumen-candles`);
    expect(await m.locator("header").first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(124, 45, 18)");
    await shot(m, "4b-preview");
    expect(mErrors).toEqual([]);

    // Still pending: the public host does not know the shop.
    const buyer = await e2e.browser.newContext({ viewport: { width: 390, height: 844 } });
    const b = await buyer.newPage();
    expect((await b.goto(e2e.shopUrl("lumen-candles")))?.status()).toBe(404);

    // 2. The operator signs in and activates it.
    const ops = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const o = await ops.newPage();
    const oErrors = watchConsole(o);
    await o.goto(`${e2e.platformUrl}/login`);
    await o.getByLabel("Email").fill(operatorEmail);
    await o.getByLabel("Password").fill(TEST_PASSWORD);
    await o.getByRole("button", { name: "Sign in" }).click();
    await o.waitForURL(/\/dashboard|\/ops/);
    await o.goto(`${e2e.platformUrl}/ops?status=pending`);
    await shot(o, "5-ops-pending");
    await o.getByRole("link", { name: /Lumen Candles/ }).first().click();
    await o.waitForURL(new RegExp(`/ops/tenants/${tenantId}`));
    await o.waitForFunction(() => (window as Window & { __remixContext?: unknown }).__remixContext !== undefined);
    const activate = o.locator("form:has(input[name=intent][value=activate])");
    await activate.locator("textarea").fill("Identity and catalogue reviewed");
    await activate.getByRole("button", { name: "Activate" }).click();
    await o.getByText("Shop activated.").waitFor();
    await shot(o, "6-ops-activated");
    expect(oErrors).toEqual([]);

    // 3. A buyer on the shop's subdomain sees the new brand.
    const res = await b.goto(e2e.shopUrl("lumen-candles"));
    expect(res?.status()).toBe(200);
    expect((await b.getByTestId("shop-name").first().textContent())?.trim()).toBe("Lumen Candles");
    const bg = await b.locator("header").first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe("rgb(124, 45, 18)");
    await shot(b, "7-buyer-sees-brand");
    await Promise.all([merchant.close(), ops.close(), buyer.close()]);
  });
});
