/**
 * docs/security.md 1: the owner of shop A addresses shop B's tenant, roles, invitations and policy by id — through B's
 * path and through A's path with B's ids. Every call is refused with 403/404 and B's rows are unchanged.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createShopWithTeam } from "./tenant-fixture.ts";
import type { Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;
let a: Awaited<ReturnType<typeof createShopWithTeam>>;
let b: Awaited<ReturnType<typeof createShopWithTeam>>;
let attacker: Client;
let bInvitationId: string;
let bOwnerRoleId: string;
let bSupportRoleId: string;

async function snapshotB() {
  const [tenant, roles, invitations, policy] = await Promise.all([
    db.prisma.tenant.findUniqueOrThrow({ where: { id: b.tenantId } }),
    db.prisma.tenantUserRole.findMany({ where: { tenantId: b.tenantId }, orderBy: { id: "asc" } }),
    db.prisma.tenantInvitation.findMany({ where: { tenantId: b.tenantId }, orderBy: { id: "asc" } }),
    db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId: b.tenantId } }),
  ]);
  return JSON.stringify({ tenant, roles, invitations, policy });
}

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
  a = await createShopWithTeam(db.prisma, app.port, "shop-a");
  b = await createShopWithTeam(db.prisma, app.port, "shop-b");
  attacker = a.members.owner.client;
  const inv = await b.members.owner.client.post(`/api/tenants/${b.tenantId}/invitations`, { email: "friend@example.test", role: "manager" });
  bInvitationId = inv.json.data.id;
  bOwnerRoleId = (await db.prisma.tenantUserRole.findFirstOrThrow({ where: { tenantId: b.tenantId, role: "owner" } })).id;
  bSupportRoleId = (await db.prisma.tenantUserRole.findFirstOrThrow({ where: { tenantId: b.tenantId, role: "support" } })).id;
});
afterAll(async () => app?.stop());

describe("cross-tenant access by id", () => {
  it("A's owner cannot read or change B through B's paths", async () => {
    const before = await snapshotB();
    const p = `/api/tenants/${b.tenantId}`;
    const bVersion = (await db.prisma.tenant.findUniqueOrThrow({ where: { id: b.tenantId } })).version;
    const calls: Array<[string, string, unknown?]> = [
      ["GET", p],
      ["PATCH", p, { version: bVersion, displayName: "Pwned" }],
      ["GET", `${p}/payment-policy`],
      ["PUT", `${p}/payment-policy`, { version: 1, allowedRails: ["direct"], defaultRail: "direct" }],
      ["GET", `${p}/roles`],
      ["POST", `${p}/roles`, { userId: a.members.owner.userId, role: "owner" }],
      ["DELETE", `${p}/roles/${bSupportRoleId}`],
      ["GET", `${p}/invitations`],
      ["POST", `${p}/invitations`, { email: "spy@example.test", role: "owner" }],
      ["DELETE", `${p}/invitations/${bInvitationId}`],
      ["GET", `${p}/audit`],
      ["POST", `${p}/activate`, { reason: "let me in" }],
      // Order documents (ADR 028): refused before any order lookup (their own cross-shop test is in invoices.test.ts).
      ["GET", `${p}/orders/${randomUUID()}/invoice`],
      ["GET", `${p}/orders/${randomUUID()}/credit-note`],
    ];
    for (const [method, path, body] of calls) {
      const res = await attacker.call(method, path, body);
      expect([403, 404], `${method} ${path}: ${res.body}`).toContain(res.status);
      expect(res.body).not.toContain("Shop shop-b");
      expect(res.body).not.toContain("friend@example.test");
    }
    expect(await snapshotB()).toBe(before);
  });

  it("A's owner cannot reach B's roles or invitations through A's own path", async () => {
    const before = await snapshotB();
    const p = `/api/tenants/${a.tenantId}`;
    const revokeRole = await attacker.del(`${p}/roles/${bSupportRoleId}`);
    expect(revokeRole.status).toBe(404);
    expect(revokeRole.json.error.code).toBe("ROLE_NOT_FOUND");
    expect((await attacker.del(`${p}/roles/${bOwnerRoleId}`)).status).toBe(404);
    const revokeInv = await attacker.del(`${p}/invitations/${bInvitationId}`);
    expect(revokeInv.status).toBe(404);
    // Granting a role in A to B's member is refused too: they are not A's member.
    const grant = await attacker.post(`${p}/roles`, { userId: b.members.support.userId, role: "manager" });
    expect(grant.status).toBe(404);
    // A's lists show only A's people.
    const roles = await attacker.get(`${p}/roles`);
    const ids = roles.json.data.items.map((r: { id: string }) => r.id);
    expect(ids).not.toContain(bOwnerRoleId);
    expect(await snapshotB()).toBe(before);
  });

  it("the tenant list shows a user only their own shops", async () => {
    const res = await attacker.get("/api/tenants");
    expect(res.json.data.items.map((t: { slug: string }) => t.slug)).toEqual(["shop-a"]);
  });
});
