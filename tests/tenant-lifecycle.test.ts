import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import type { Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
let app2: RunningApp;
let owner: Client;
let operator: Client;

beforeAll(async () => {
  const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" };
  [app, app2] = await Promise.all([startApp(env), startApp(env)]);
  owner = await signIn(app.port, (await createUser(db.prisma)).email);
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
});
afterAll(async () => Promise.all([app?.stop(), app2?.stop()]));

/** Polls until `check` holds, failing after `ms`; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

describe("tenant creation (TEN-2)", () => {
  it("makes a pending tenant, the owner role and the default policy, and audits it", async () => {
    const res = await owner.post("/api/tenants", { slug: "Fresh-Shop", displayName: "Fresh Shop" });
    expect(res.status).toBe(201);
    expect(res.json.data).toMatchObject({ slug: "fresh-shop", status: "pending" });
    const id = res.json.data.id;
    const roles = await db.prisma.tenantUserRole.findMany({ where: { tenantId: id } });
    expect(roles.map((r) => r.role)).toEqual(["owner"]);
    const policy = await db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId: id } });
    expect(policy).toMatchObject({ allowedRails: ["escrow"], defaultRail: "escrow" });
    expect(await db.prisma.auditLog.count({ where: { tenantId: id, action: "tenant.create" } })).toBe(1);
    // Pending shops are not public.
    expect((await get(app, "fresh-shop.localhost")).status).toBe(404);
  });

  it("refuses invalid, reserved and taken slugs with typed errors", async () => {
    const bad = await owner.post("/api/tenants", { slug: "-bad-", displayName: "Bad" });
    expect([bad.status, bad.json.error.code]).toEqual([400, "TENANT_SLUG_INVALID"]);
    const reserved = await owner.post("/api/tenants", { slug: "admin", displayName: "Admin" });
    expect([reserved.status, reserved.json.error.code]).toEqual([400, "TENANT_SLUG_INVALID"]);
    const taken = await owner.post("/api/tenants", { slug: "fresh-shop", displayName: "Again" });
    expect([taken.status, taken.json.error.code]).toEqual([409, "TENANT_SLUG_TAKEN"]);
    const check = await owner.get("/api/tenants/slug-availability?slug=fresh-shop");
    expect(check.json.data).toMatchObject({ available: false, code: "TENANT_SLUG_TAKEN" });
  });

  it("is atomic: when the default policy cannot be created, no tenant and no role row remain", async () => {
    // Fault injection in the real database: the policy insert fails for this one slug's tenant.
    await db.prisma.$executeRawUnsafe(`
      CREATE FUNCTION fail_policy() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT slug FROM tenants WHERE id = NEW.tenant_id) = 'doomed' THEN RAISE EXCEPTION 'injected policy failure'; END IF;
        RETURN NEW;
      END $$`);
    await db.prisma.$executeRawUnsafe(`CREATE TRIGGER fail_policy BEFORE INSERT ON tenant_payment_policies FOR EACH ROW EXECUTE FUNCTION fail_policy()`);
    try {
      const [tenants, roles, audits] = await Promise.all([db.prisma.tenant.count(), db.prisma.tenantUserRole.count(), db.prisma.auditLog.count()]);
      const res = await owner.post("/api/tenants", { slug: "doomed", displayName: "Doomed" });
      expect(res.status).toBe(500);
      expect(res.json.error.code).toBe("INTERNAL");
      expect(res.body).not.toContain("injected policy failure");
      expect(await db.prisma.tenant.count({ where: { slug: "doomed" } })).toBe(0);
      expect(await db.prisma.tenant.count()).toBe(tenants);
      expect(await db.prisma.tenantUserRole.count()).toBe(roles);
      expect(await db.prisma.auditLog.count()).toBe(audits);
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER fail_policy ON tenant_payment_policies`);
    }
  });
});

describe("operator transitions", () => {
  it("activation serves the subdomain within 1 s, suspension shows the unavailable page within 1 s, on both app processes", async () => {
    const created = await owner.post("/api/tenants", { slug: "soon", displayName: "Soon Shop" });
    const id = created.json.data.id;
    // Warm both caches with the negative answer first, so the test sees invalidation rather than a cold miss.
    expect((await get(app, "soon.localhost")).status).toBe(404);
    expect((await get(app2, "soon.localhost")).status).toBe(404);

    const act = await operator.post(`/api/tenants/${id}/activate`, { reason: "KYC passed" });
    expect(act.status).toBe(200);
    for (const a of [app, app2]) {
      await within(1000, async () => (await get(a, "soon.localhost")).status === 200);
    }
    expect((await get(app2, "soon.localhost")).body).toContain("Soon Shop");

    const sus = await operator.post(`/api/tenants/${id}/suspend`, { reason: "chargebacks" });
    expect(sus.status).toBe(200);
    for (const a of [app, app2]) {
      await within(1000, async () => (await get(a, "soon.localhost")).status === 503);
    }
    const page = await get(app2, "soon.localhost");
    expect(page.body).not.toContain("Soon Shop");

    const log = await db.prisma.auditLog.findMany({ where: { tenantId: id, action: { in: ["tenant.activate", "tenant.suspend"] } }, orderBy: { createdAt: "asc" } });
    expect(log.map((l) => [l.action, l.reason, l.actorKind])).toEqual([
      ["tenant.activate", "KYC passed", "operator"],
      ["tenant.suspend", "chargebacks", "operator"],
    ]);
  });

  it("needs a reason, refuses impossible transitions with CONFLICT, and is operator-only", async () => {
    const created = await owner.post("/api/tenants", { slug: "strict", displayName: "Strict" });
    const id = created.json.data.id;
    const noReason = await operator.post(`/api/tenants/${id}/activate`, {});
    expect([noReason.status, noReason.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
    expect((await operator.post(`/api/tenants/${id}/close`, { reason: "fraud ring" })).status).toBe(200);
    const reopen = await operator.post(`/api/tenants/${id}/activate`, { reason: "oops" });
    expect([reopen.status, reopen.json.error.code]).toEqual([409, "CONFLICT"]);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id } })).status).toBe("closed");
    const self = await owner.post(`/api/tenants/${id}/activate`, { reason: "I approve myself" });
    expect(self.status).toBe(403);
  });
});

describe("tenant updates", () => {
  it("validates the brand, and a stale version gets CONFLICT without a lost update", async () => {
    const created = await owner.post("/api/tenants", { slug: "brandy", displayName: "Brandy" });
    const id = created.json.data.id;
    const bad = await owner.patch(`/api/tenants/${id}`, { version: 1, brand: { displayName: "X", primaryColor: "red", accentColor: "#000000" } });
    expect([bad.status, bad.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
    expect(bad.json.error.details.issues[0].path).toBe("brand.primaryColor");
    const ok = await owner.patch(`/api/tenants/${id}`, { version: 1, brand: { displayName: "Brandy", primaryColor: "#112233", accentColor: "#445566" } });
    expect(ok.status).toBe(200);
    expect(ok.json.data.version).toBe(2);
    const stale = await owner.patch(`/api/tenants/${id}`, { version: 1, displayName: "Overwrite" });
    expect([stale.status, stale.json.error.code]).toEqual([409, "CONFLICT"]);
    const row = await db.prisma.tenant.findUniqueOrThrow({ where: { id } });
    expect(row.displayName).toBe("Brandy");
    expect((row.brand as { primaryColor: string }).primaryColor).toBe("#112233");
  });

  it("a brand change of an active shop reaches both processes within 1 s", async () => {
    const created = await owner.post("/api/tenants", { slug: "recolor", displayName: "Recolor" });
    const id = created.json.data.id;
    await operator.post(`/api/tenants/${id}/activate`, { reason: "approved" });
    await within(1000, async () => (await get(app2, "recolor.localhost")).status === 200);
    const res = await owner.patch(`/api/tenants/${id}`, { version: 2, brand: { displayName: "Recolored", primaryColor: "#0a7e3d", accentColor: "#ffcc00" } });
    expect(res.status).toBe(200);
    for (const a of [app, app2]) {
      await within(1000, async () => {
        const r = await get(a, "recolor.localhost");
        if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body.slice(0, 200)}`);
        return r.body.includes("#0a7e3d");
      });
    }
  });
});
