/**
 * "Checkout protected by escrow" is said only where escrow is the rail the buyer gets: the policy's default (or
 * the only rail this deployment can take), or an item whose category or price makes escrow mandatory.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";

const db = await createTestDatabase();
let app: RunningApp;
const CLAIM = "Checkout protected by escrow";

const policy = (p: Record<string, unknown>) => ({ escrowRequiredAboveAmount: null, escrowRequiredForCategories: [], buyerDisclosureMode: "strict", ...p });
const catalog = [
  { title: "Plain Mug", price: "12.00", category: "Kitchen", stock: 10 },
  { title: "Signed Print", price: "80.00", category: "Art", stock: 3 },
  { title: "Grand Piano", price: "9000.00", category: "Music", stock: 1 },
];

async function itemPage(host: string, title: string) {
  const { slug } = await db.prisma.catalogItem.findFirstOrThrow({ where: { title, tenant: { slug: host.split(".")[0] } }, select: { slug: true } });
  return get(app, host, `/items/${encodeURIComponent(slug)}`);
}

beforeAll(async () => {
  const acme = JSON.parse(await readFile(path.resolve(import.meta.dirname, "../tenants/demo/acme.json"), "utf8"));
  await createTenant(db.prisma, { ...acme, domains: [] });
  // Escrow allowed but direct is the default; escrow only for Art and for carts over 5000.
  await createTenant(db.prisma, {
    slug: "directshop",
    paymentPolicy: policy({ allowedRails: ["escrow", "direct"], defaultRail: "direct", escrowRequiredForCategories: ["Art"], escrowRequiredAboveAmount: "5000" }),
    catalog,
  });
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true" });
});
afterAll(async () => app?.stop());

describe("the escrow claim on storefront pages", () => {
  it("a shop whose default rail is direct does not claim escrow on its home or item pages", async () => {
    const home = await get(app, "directshop.localhost", "/");
    expect(home.status).toBe(200);
    expect(home.body).toContain("Plain Mug");
    expect(home.body).not.toContain(CLAIM);
    const mug = await itemPage("directshop.localhost", "Plain Mug");
    expect(mug.status).toBe(200);
    expect(mug.body).not.toContain(CLAIM);
  });

  it("its items that must be paid with escrow (category, or price over the line) do claim it", async () => {
    expect((await itemPage("directshop.localhost", "Signed Print")).body).toContain(CLAIM);
    expect((await itemPage("directshop.localhost", "Grand Piano")).body).toContain(CLAIM);
  });

  it("acme (default rail escrow) claims it on the hero and its item pages", async () => {
    const home = await get(app, "acme.localhost", "/");
    expect(home.body).toContain(CLAIM);
    const tent = await itemPage("acme.localhost", "Canyon 2-Person Tent");
    expect(tent.body).toContain(CLAIM);
  });

  it("without the sandbox rails (nothing can take escrow here) acme claims nothing", async () => {
    const plain = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "false" });
    try {
      expect((await get(plain, "acme.localhost", "/")).body).not.toContain(CLAIM);
    } finally {
      await plain.stop();
    }
  });
});
