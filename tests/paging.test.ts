/**
 * Newest-first paging of the merchant order list and the audit logs: rows created in the same millisecond (timestamps
 * are microseconds in Postgres, milliseconds in a JavaScript Date) are each shown exactly once, and a cursor taken
 * from another tenant positions nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { ADDRESS, createShop, newKey, sql } from "./money-fixture.ts";

const db = await createTestDatabase();
let app: RunningApp;
let operator: Client;

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", RATE_LIMIT_CHECKOUT_PER_MIN: "100000",
  });
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
});
afterAll(async () => app?.stop());

/** Every page of a list, following `nextBefore`, as the ids in the order shown. */
async function allPages(client: Client, path: string, limit: number) {
  const ids: string[] = [];
  let before: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const r = await client.get(`${path}${path.includes("?") ? "&" : "?"}limit=${limit}${before ? `&before=${before}` : ""}`);
    expect(r.status, r.body).toBe(200);
    ids.push(...r.json.data.items.map((i: { id: string }) => i.id));
    before = r.json.data.nextBefore;
    if (!before) return ids;
  }
  throw new Error("paging did not end");
}

/** Five timestamps inside one millisecond, newest first. */
const SAME_MS = [".123500", ".123400", ".123300", ".123200", ".123100"].map((us) => `2026-11-20 10:00:00${us}+00`);

describe("paging newest first", () => {
  it("the merchant order list shows orders created in the same millisecond once each, across pages", async () => {
    const shop = await createShop(db, { items: [{ title: "Pin", price: "3.00", stock: null }] });
    const ids: string[] = [];
    for (let i = 0; i < SAME_MS.length; i++) {
      const r = await request(app.port, "/api/storefront/checkout", {
        method: "POST", host: `${shop.slug}.localhost`, headers: { "idempotency-key": newKey() },
        body: { items: [{ itemId: shop.item("Pin"), quantity: 1 }], email: "pager@example.test", shippingAddress: ADDRESS, rail: "escrow" },
      });
      expect(r.status, r.body).toBe(201);
      ids.push(r.json.data.order.id);
    }
    for (const [i, id] of ids.entries()) await sql(db, `UPDATE orders SET created_at = $2::timestamptz WHERE id = $1::uuid`, [id, SAME_MS[i]]);
    const owner = await ownerOf(shop.tenantId);

    expect(await allPages(owner, `/api/tenants/${shop.tenantId}/orders`, 2)).toEqual(ids);

    // Another shop's order id as the cursor finds no row of this shop: an empty page, not a position.
    const other = await createShop(db);
    const foreign = await request(app.port, "/api/storefront/checkout", {
      method: "POST", host: `${other.slug}.localhost`, headers: { "idempotency-key": newKey() },
      body: { items: [{ itemId: other.item("Lamp"), quantity: 1 }], email: "pager@example.test", shippingAddress: ADDRESS, rail: "escrow" },
    });
    const page = await owner.get(`/api/tenants/${shop.tenantId}/orders?before=${foreign.json.data.order.id}`);
    expect(page.json.data).toEqual({ items: [], nextBefore: null });
    expect((await owner.get(`/api/tenants/${shop.tenantId}/orders?before=2026-11-20T10:00:00.123Z`)).json.error.code).toBe("VALIDATION_ERROR");
  });

  it("the shop's and the platform's audit logs show entries written in the same millisecond once each", async () => {
    const shop = await createShop(db);
    const ids: string[] = [];
    for (const at of SAME_MS) {
      const [row] = await sql<{ id: string }>(db, `INSERT INTO audit_log (id, actor_kind, tenant_id, action, details, created_at)
        VALUES (gen_random_uuid(), 'system', $1::uuid, 'paging.test', '{}', $2::timestamptz) RETURNING id`, [shop.tenantId, at]);
      ids.push(row!.id);
    }
    expect(await allPages(operator, `/api/tenants/${shop.tenantId}/audit?action=paging.`, 2)).toEqual(ids);
    expect(await allPages(operator, `/api/audit?tenantId=${shop.tenantId}&action=paging.`, 2)).toEqual(ids);

    // Another shop's entry as the cursor of this shop's trail positions nothing.
    const other = await createShop(db);
    const [foreign] = await sql<{ id: string }>(db, `INSERT INTO audit_log (id, actor_kind, tenant_id, action, details, created_at)
      VALUES (gen_random_uuid(), 'system', $1::uuid, 'paging.test', '{}', now()) RETURNING id`, [other.tenantId]);
    const page = await operator.get(`/api/tenants/${shop.tenantId}/audit?before=${foreign!.id}`);
    expect(page.json.data).toEqual({ items: [], nextBefore: null });
  });
});

async function ownerOf(tenantId: string) {
  const u = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId, userId: u.id, role: "owner" } });
  return signIn(app.port, u.email);
}
