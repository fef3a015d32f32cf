/**
 * Issue 17 point 7 in Chromium: the console's launch-readiness page lists every gate with Pass or Fail and its reason.
 * The e2e app runs a test configuration (NODE_ENV=test, no secrets, no Caddy), so every gate fails, each saying why. It fits a
 * 390 px phone without sideways scroll and a 1280 px desktop (screenshots e2e/artifacts/ops-preflight-*.png); a
 * signed-in non-operator cannot open it.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, PLATFORM_DOMAIN, setupE2E, type E2E } from "./fixtures.ts";
import { openDatabase } from "#server/db/client.ts";
import { GATES } from "#server/ops/index.ts";
import { createUser, TEST_PASSWORD } from "#tests/factories.ts";
import { Client } from "#tests/http.ts";
import { watch, hydrated } from "./browser-checks.ts";

describe("/ops/preflight", () => {
  let e2e: E2E;
  let operatorEmail: string;
  let userEmail: string;

  beforeAll(async () => {
    e2e = await setupE2E(["acme"], { MODE: "web" });
    const db = await openDatabase(e2e.dbUrl);
    try {
      operatorEmail = (await createUser(db.prisma, { operator: true })).email;
      userEmail = (await createUser(db.prisma)).email;
    } finally {
      await db.close();
    }
  });
  afterAll(async () => e2e?.teardown());

  const client = async (email: string) => {
    const c = new Client(e2e.app.port, PLATFORM_DOMAIN);
    expect((await c.post("/api/auth/login", { email, password: TEST_PASSWORD })).status).toBe(200);
    return c;
  };

  it("shows each gate as pass or fail with its reason, at 390 and 1280 px", async () => {
    const c = await client(operatorEmail);
    for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
      const ctx = await e2e.browser.newContext({ viewport });
      await ctx.addCookies([...c.cookies].map(([name, value]) => ({ name, value, url: e2e.platformUrl })));
      const page = await ctx.newPage();
      const errors = watch(page);
      expect((await page.goto(`${e2e.platformUrl}/ops/preflight`))?.status()).toBe(200);
      await hydrated(page);
      await expect(page.getByTestId("preflight-summary").textContent()).resolves.toMatch(/8 of 8 gates fail: not ready to open/);
      for (const g of GATES) {
        const row = page.locator(`[data-gate="${g.id}"]`);
        await expect(row.getAttribute("data-ok")).resolves.toBe("false");
        await expect(row.textContent()).resolves.toContain(g.title);
      }
      await expect(page.locator('[data-gate="production-env"]').textContent()).resolves.toContain("NODE_ENV is test, not production");
      await expect(page.locator('[data-gate="backups"]').textContent()).resolves.toContain("No backup has succeeded within 7 days");
      await expect(page.locator('[data-gate="no-sandbox"]').textContent()).resolves.toContain("NODE_ENV is test");
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, `at ${viewport.width} px`).toBeLessThanOrEqual(innerWidth);
      await page.screenshot({ path: path.join(ARTIFACTS, `ops-preflight-${viewport.width}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await ctx.close();
    }
  });

  it("is for operators only", async () => {
    const c = await client(userEmail);
    const res = await c.get("/ops/preflight");
    expect(res.status).not.toBe(200);
    expect(res.body).not.toContain("preflight-gates");
  });
});
