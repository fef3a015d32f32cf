/**
 * PRODUCT.md §9 role matrix: every /api/tenants/:tenantId/* route × anonymous, non-member, each tenant role and
 * operator. "Refused" means 401 (anonymous), 404 TENANT_NOT_FOUND (non-member) or 403 FORBIDDEN (member without
 * the role); anything else means the handler ran.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { Client } from "./http.ts";
import { createUser } from "./factories.ts";
import { createShopWithTeam, signIn } from "./tenant-fixture.ts";

const db = await createTestDatabase();
let app: RunningApp;
let tenantId: string;
const clients: Record<string, Client> = {};

type Subject = "anonymous" | "non-member" | "owner" | "manager" | "finance" | "support" | "developer" | "operator";
const SUBJECTS: Subject[] = ["anonymous", "non-member", "owner", "manager", "finance", "support", "developer", "operator"];
const MEMBERS: Subject[] = ["owner", "manager", "finance", "support", "developer"];

interface Row {
  method: string;
  path: string;
  allowed: Subject[];
  body?: () => Promise<unknown>;
}

const version = async () => (await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).version;
const policyVersion = async () => (await db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId } })).version;

const MATRIX: Row[] = [
  { method: "GET", path: "", allowed: [...MEMBERS, "operator"] },
  { method: "PATCH", path: "", allowed: ["owner"], body: async () => ({ version: await version(), displayName: "Renamed" }) },
  { method: "POST", path: "/activate", allowed: ["operator"], body: async () => ({ reason: "matrix check" }) },
  { method: "POST", path: "/suspend", allowed: ["operator"], body: async () => ({ reason: "matrix check" }) },
  { method: "GET", path: "/payment-policy", allowed: [...MEMBERS, "operator"] },
  {
    method: "PUT", path: "/payment-policy", allowed: ["owner", "finance"],
    body: async () => ({ version: await policyVersion(), allowedRails: ["escrow", "direct"], defaultRail: "escrow" }),
  },
  { method: "GET", path: "/roles", allowed: ["owner", "operator"] },
  { method: "POST", path: "/roles", allowed: ["owner"], body: async () => ({ userId: ownerId, role: "owner" }) },
  { method: "DELETE", path: `/roles/${randomUUID()}`, allowed: ["owner"] },
  { method: "GET", path: "/invitations", allowed: ["owner", "operator"] },
  { method: "POST", path: "/invitations", allowed: ["owner"], body: async () => ({ email: `inv${Math.random().toString(36).slice(2)}@example.test`, role: "support" }) },
  { method: "DELETE", path: `/invitations/${randomUUID()}`, allowed: ["owner"] },
  { method: "GET", path: "/audit", allowed: ["owner", "operator"] },
  { method: "GET", path: "/catalog/items", allowed: ["owner", "manager", "operator"] },
  { method: "POST", path: "/catalog/items", allowed: ["owner", "manager"], body: async () => ({ title: "Matrix item", price: "1.00" }) },
  { method: "GET", path: "/catalog/items/:item", allowed: ["owner", "manager", "operator"] },
  { method: "PATCH", path: "/catalog/items/:item", allowed: ["owner", "manager"], body: async () => ({ version: await itemVersion(), title: "Edited" }) },
  { method: "POST", path: "/catalog/items/:item/stock", allowed: ["owner", "manager"], body: async () => ({ delta: 1 }) },
  { method: "DELETE", path: "/catalog/items/:item", allowed: ["owner", "manager"] },
  { method: "GET", path: "/catalog/categories", allowed: ["owner", "manager", "operator"] },
  { method: "POST", path: "/catalog/import", allowed: ["owner", "manager"], body: async () => ({}) },
  { method: "GET", path: "/uploads", allowed: ["owner", "manager", "operator"] },
  { method: "POST", path: "/uploads", allowed: ["owner", "manager"], body: async () => ({}) },
  { method: "DELETE", path: `/uploads/${randomUUID()}`, allowed: ["owner", "manager"] },
  // Orders hold buyers' emails and addresses: not for developers. A made-up order id is a 404 for those allowed.
  { method: "GET", path: "/orders", allowed: ["owner", "manager", "finance", "support", "operator"] },
  { method: "GET", path: `/orders/${randomUUID()}`, allowed: ["owner", "manager", "finance", "support", "operator"] },
  { method: "POST", path: `/orders/${randomUUID()}/ship`, allowed: ["owner", "manager"] },
  { method: "POST", path: `/orders/${randomUUID()}/delivery-code`, allowed: ["owner", "manager"], body: async () => ({ code: "123456" }) },
  { method: "POST", path: `/orders/${randomUUID()}/mark-paid`, allowed: ["owner", "finance"], body: async () => ({ evidenceNote: "Bank transfer seen" }) },
  { method: "GET", path: "/platform-fee", allowed: [...MEMBERS, "operator"] },
  { method: "PUT", path: "/platform-fee", allowed: ["operator"], body: async () => ({ platformFeeBps: 250 }) },
  // Closing is last: it ends the shop's life.
  { method: "POST", path: "/close", allowed: ["operator"], body: async () => ({ reason: "matrix check" }) },
];
let ownerId: string;
let itemId: string;
const itemVersion = async () => (await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: itemId } })).version;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", UPLOADS_DIR: `/tmp/sf-uploads-${db.name}` });
  const shop = await createShopWithTeam(db.prisma, app.port, "matrix");
  tenantId = shop.tenantId;
  ownerId = shop.members.owner.userId;
  for (const role of MEMBERS) clients[role] = shop.members[role as "owner"].client;
  clients.anonymous = new Client(app.port);
  clients["non-member"] = await signIn(app.port, (await createUser(db.prisma)).email);
  clients.operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
  itemId = (await clients.owner!.post(`/api/tenants/${tenantId}/catalog/items`, { title: "Seed", price: "2.00", stock: 1 })).json.data.id;
});
afterAll(async () => app?.stop());

function refusal(subject: Subject) {
  if (subject === "anonymous") return { status: 401, code: "UNAUTHENTICATED" };
  if (subject === "non-member") return { status: 404, code: "TENANT_NOT_FOUND" };
  return { status: 403, code: "FORBIDDEN" };
}

describe("role matrix (PRODUCT.md §9)", () => {
  for (const row of MATRIX) {
    it(`${row.method} /api/tenants/:id${row.path}`, async () => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const subject of SUBJECTS) {
        const body = row.body ? await row.body() : undefined;
        // Every caller states a reason: only operators' reads of customer data need one (break-glass, tested apart).
        const res = await clients[subject]!.call(row.method, `/api/tenants/${tenantId}${row.path.replace(":item", itemId)}`, body, { "x-break-glass-reason": "role matrix check" });
        const refused = res.status === 401 || res.status === 403 || res.json?.error?.code === "TENANT_NOT_FOUND";
        expect(res.status, `${subject}: ${res.body}`).toBeLessThan(500);
        if (refused) {
          const r = refusal(subject);
          expect({ status: res.status, code: res.json.error.code }, subject).toEqual(r);
        }
        outcomes.push(`${subject}:${refused ? "refused" : "allowed"}`);
        expected.push(`${subject}:${row.allowed.includes(subject) ? "allowed" : "refused"}`);
      }
      expect(outcomes).toEqual(expected);
    });
  }

  it("allowed calls really did their work", async () => {
    const t = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(t.displayName).toBe("Renamed");
    expect(t.status).toBe("closed");
    const p = await db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId } });
    expect(p.allowedRails).toEqual(["escrow", "direct"]);
    expect(await db.prisma.tenantInvitation.count({ where: { tenantId } })).toBe(1);
    const actions = (await db.prisma.auditLog.findMany({ where: { tenantId }, select: { action: true } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["tenant.create", "tenant.update", "tenant.activate", "tenant.suspend", "tenant.close", "policy.update", "invitation.create"]));
  });
});
