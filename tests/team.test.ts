import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import type { Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
let owner: Client;
let ownerId: string;
let tenantId: string;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
  const u = await createUser(db.prisma);
  ownerId = u.id;
  owner = await signIn(app.port, u.email);
  tenantId = (await owner.post("/api/tenants", { slug: "teamshop", displayName: "Team Shop" })).json.data.id;
});
afterAll(async () => app?.stop());

const tokenOf = (link: string) => link.split("/invite/")[1]!;

describe("invitations", () => {
  it("a single-use link, accepted by the signed-in invitee, grants the role once", async () => {
    const invitee = await createUser(db.prisma, { email: "invitee@example.test" });
    const inv = await owner.post(`/api/tenants/${tenantId}/invitations`, { email: "Invitee@Example.test", role: "manager" });
    expect(inv.status).toBe(201);
    expect(inv.json.data.link).toMatch(/^http:\/\/localhost(:\d+)?\/invite\/[A-Za-z0-9_-]{40,}$/);
    const expires = new Date(inv.json.data.expiresAt).getTime() - Date.now();
    expect(expires).toBeGreaterThan(6.9 * 86_400_000);
    expect(expires).toBeLessThanOrEqual(7 * 86_400_000);
    const stored = await db.prisma.tenantInvitation.findUniqueOrThrow({ where: { id: inv.json.data.id } });
    expect(stored.tokenHash).not.toContain(tokenOf(inv.json.data.link));

    // Someone else who got hold of the link cannot use it.
    const stranger = await signIn(app.port, (await createUser(db.prisma)).email);
    const wrong = await stranger.post("/api/invitations/accept", { token: tokenOf(inv.json.data.link) });
    expect([wrong.status, wrong.json.error.code]).toEqual([403, "INVITATION_EMAIL_MISMATCH"]);

    const c = await signIn(app.port, invitee.email);
    const [first, second] = await Promise.all([
      c.post("/api/invitations/accept", { token: tokenOf(inv.json.data.link) }),
      c.post("/api/invitations/accept", { token: tokenOf(inv.json.data.link) }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 410]);
    expect(await db.prisma.tenantUserRole.count({ where: { tenantId, userId: invitee.id, role: "manager" } })).toBe(1);
    expect((await c.get(`/api/tenants/${tenantId}`)).status).toBe(200);
  });

  it("an expired or withdrawn invitation cannot be accepted", async () => {
    const u = await createUser(db.prisma, { email: "late@example.test" });
    const c = await signIn(app.port, u.email);
    const inv = await owner.post(`/api/tenants/${tenantId}/invitations`, { email: u.email, role: "support" });
    await db.prisma.$executeRaw`UPDATE tenant_invitations SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day' WHERE id = ${inv.json.data.id}::uuid`;
    expect((await c.post("/api/invitations/accept", { token: tokenOf(inv.json.data.link) })).status).toBe(410);
    const inv2 = await owner.post(`/api/tenants/${tenantId}/invitations`, { email: u.email, role: "support" });
    expect((await owner.del(`/api/tenants/${tenantId}/invitations/${inv2.json.data.id}`)).status).toBe(200);
    expect((await c.post("/api/invitations/accept", { token: tokenOf(inv2.json.data.link) })).status).toBe(410);
    expect(await db.prisma.tenantUserRole.count({ where: { tenantId, userId: u.id } })).toBe(0);
  });

  it("caps managers at 5, counting pending invitations, and the database refuses a sixth even past the API", async () => {
    const t = (await owner.post("/api/tenants", { slug: "capped", displayName: "Capped" })).json.data.id;
    for (let i = 0; i < 5; i++) {
      expect((await owner.post(`/api/tenants/${t}/invitations`, { email: `m${i}@example.test`, role: "manager" })).status).toBe(201);
    }
    const sixth = await owner.post(`/api/tenants/${t}/invitations`, { email: "m6@example.test", role: "manager" });
    expect([sixth.status, sixth.json.error.code]).toEqual([409, "TEAM_LIMIT"]);
    expect(await db.prisma.tenantInvitation.count({ where: { tenantId: t } })).toBe(5);
    // Backstop: six manager rows cannot exist, whatever the application does.
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser(db.prisma)));
    for (const u of users.slice(0, 5)) await db.prisma.tenantUserRole.create({ data: { tenantId: t, userId: u.id, role: "manager" } });
    await expect(db.prisma.tenantUserRole.create({ data: { tenantId: t, userId: users[5]!.id, role: "manager" } })).rejects.toThrow(/team limit/);
  });
});

describe("roles", () => {
  it("the last owner can never be removed, through the API or directly in the database", async () => {
    const ownerRole = await db.prisma.tenantUserRole.findFirstOrThrow({ where: { tenantId, role: "owner" } });
    const res = await owner.del(`/api/tenants/${tenantId}/roles/${ownerRole.id}`);
    expect([res.status, res.json.error.code]).toEqual([409, "LAST_OWNER"]);
    await expect(db.prisma.tenantUserRole.delete({ where: { id: ownerRole.id } })).rejects.toThrow(/at least one owner/);
    await expect(db.prisma.tenantUserRole.update({ where: { id: ownerRole.id }, data: { role: "manager" } })).rejects.toThrow(/at least one owner/);
    expect(await db.prisma.tenantUserRole.count({ where: { tenantId, role: "owner" } })).toBe(1);
  });

  it("with a second owner, one owner can step down; members get further roles; every change is audited", async () => {
    const manager = await db.prisma.tenantUserRole.findFirstOrThrow({ where: { tenantId, role: "manager" } });
    const grant = await owner.post(`/api/tenants/${tenantId}/roles`, { userId: manager.userId, role: "owner" });
    expect(grant.status).toBe(201);
    const mine = await db.prisma.tenantUserRole.findFirstOrThrow({ where: { tenantId, userId: ownerId, role: "owner" } });
    expect((await owner.del(`/api/tenants/${tenantId}/roles/${mine.id}`)).status).toBe(200);
    expect(await db.prisma.tenantUserRole.count({ where: { tenantId, role: "owner" } })).toBe(1);
    // No longer an owner: the team API is closed to them (and they hold no other role, so not even a member).
    expect((await owner.get(`/api/tenants/${tenantId}/roles`)).status).toBe(404);
    const actions = (await db.prisma.auditLog.findMany({ where: { tenantId, action: { startsWith: "role." } } })).map((a) => a.action);
    expect(actions.sort()).toEqual(["role.grant", "role.revoke"]);
  });

  it("deleting a whole tenant still cascades (the last-owner rule does not block it)", async () => {
    const t = await db.prisma.tenant.findUniqueOrThrow({ where: { slug: "capped" } });
    await db.prisma.tenant.delete({ where: { id: t.id } });
    expect(await db.prisma.tenantUserRole.count({ where: { tenantId: t.id } })).toBe(0);
  });
});

describe("audit log is append-only", () => {
  it("refuses UPDATE and DELETE", async () => {
    const row = await db.prisma.auditLog.findFirstOrThrow();
    await expect(db.prisma.auditLog.update({ where: { id: row.id }, data: { action: "x" } })).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditLog.delete({ where: { id: row.id } })).rejects.toThrow(/append-only/);
  });
});
