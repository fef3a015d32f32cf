/**
 * docs/product.md §9 role matrix: every /api/tenants/:tenantId/* route × anonymous, non-member, each tenant role and
 * operator. "Refused" means 401 (anonymous), 404 TENANT_NOT_FOUND (non-member) or 403 FORBIDDEN (member without
 * the role); anything else means the handler ran. Who should pass comes from the permission table
 * (server/auth/permissions.ts): each row names its action.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { Client } from "./http.ts";
import { createUser } from "./factories.ts";
import { createShopWithTeam, signIn } from "./tenant-fixture.ts";
import type { TenantRole } from "@prisma/client";
import { rolesFor, TENANT_ROLES, type TenantAction } from "#server/auth/index.ts";
import { controlPlaneRoutes } from "#server/api/index.ts";

const db = await createTestDatabase();
let app: RunningApp;
let tenantId: string;
const clients: Record<string, Client> = {};

type Subject = "anonymous" | "non-member" | TenantRole | "operator";
const MEMBERS: TenantRole[] = [...TENANT_ROLES];
const SUBJECTS: Subject[] = ["anonymous", "non-member", ...MEMBERS, "operator"];

interface Row {
  method: string;
  /** The route's path after /tenants/:tenantId; `:itemId` is the seeded item, other `:…Id`s a made-up id. */
  path: string;
  /** The permission table's action: the members it allows are the members expected to pass. */
  action: TenantAction;
  /** Whether platform operators pass too (operators are not a tenant role). */
  operator?: boolean;
  body?: () => Promise<unknown>;
}

/** Who the table says may call the route. */
const allowedFor = (row: Row): Subject[] => [...rolesFor(row.action), ...(row.operator ? ["operator" as const] : [])];

const version = async () => (await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).version;
const policyVersion = async () => (await db.prisma.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId } })).version;

const MATRIX: Row[] = [
  { method: "GET", path: "", action: "tenant.read", operator: true },
  { method: "PATCH", path: "", action: "brand.edit", body: async () => ({ version: await version(), displayName: "Renamed" }) },
  { method: "POST", path: "/activate", action: "tenant.transition", operator: true, body: async () => ({ reason: "matrix check" }) },
  { method: "POST", path: "/suspend", action: "tenant.transition", operator: true, body: async () => ({ reason: "matrix check" }) },
  { method: "PUT", path: "/edge-pool", action: "tenant.transition", operator: true, body: async () => ({ pool: "shared", reason: "matrix check" }) },
  { method: "GET", path: "/payment-policy", action: "policy.read", operator: true },
  {
    method: "PUT", path: "/payment-policy", action: "policy.edit",
    body: async () => ({ version: await policyVersion(), allowedRails: ["escrow", "direct"], defaultRail: "escrow" }),
  },
  { method: "GET", path: "/roles", action: "team.read", operator: true },
  { method: "POST", path: "/roles", action: "team.manage", body: async () => ({ userId: ownerId, role: "owner" }) },
  { method: "DELETE", path: "/roles/:roleId", action: "team.manage" },
  { method: "GET", path: "/invitations", action: "team.read", operator: true },
  { method: "POST", path: "/invitations", action: "team.manage", body: async () => ({ email: `inv${Math.random().toString(36).slice(2)}@example.test`, role: "support" }) },
  { method: "DELETE", path: "/invitations/:invitationId", action: "team.manage" },
  { method: "GET", path: "/audit", action: "audit.read", operator: true },
  { method: "GET", path: "/catalog/items", action: "catalog.read", operator: true },
  { method: "POST", path: "/catalog/items", action: "catalog.edit", body: async () => ({ title: "Matrix item", price: "1.00" }) },
  { method: "GET", path: "/catalog/items/:itemId", action: "catalog.read", operator: true },
  { method: "PATCH", path: "/catalog/items/:itemId", action: "catalog.edit", body: async () => ({ version: await itemVersion(), title: "Edited" }) },
  { method: "POST", path: "/catalog/items/:itemId/stock", action: "catalog.edit", body: async () => ({ delta: 1 }) },
  // Digital delivery (ADR 039): the seed item is physical, so the allowed get a 409 ITEM_NOT_DIGITAL, not a refusal.
  { method: "GET", path: "/catalog/items/:itemId/digital", action: "catalog.read", operator: true },
  { method: "PATCH", path: "/catalog/items/:itemId/digital", action: "catalog.edit", body: async () => ({ downloadLimit: 3 }) },
  { method: "PUT", path: "/catalog/items/:itemId/digital/file", action: "catalog.edit" },
  { method: "POST", path: "/catalog/items/:itemId/digital/keys", action: "catalog.edit", body: async () => ({ keys: "MATRIX-KEY" }) },
  { method: "GET", path: "/orders/:orderId/digital", action: "orders.read" },
  { method: "DELETE", path: "/catalog/items/:itemId", action: "catalog.edit" },
  { method: "GET", path: "/catalog/categories", action: "catalog.read", operator: true },
  { method: "POST", path: "/catalog/import", action: "catalog.edit", body: async () => ({}) },
  { method: "GET", path: "/uploads", action: "catalog.read", operator: true },
  { method: "POST", path: "/uploads", action: "catalog.edit", body: async () => ({}) },
  { method: "DELETE", path: "/uploads/:uploadId", action: "catalog.edit" },
  // Orders hold buyers' emails and addresses: not for developers. A made-up order id is a 404 for those allowed.
  { method: "GET", path: "/orders", action: "orders.read", operator: true },
  { method: "GET", path: "/orders/:orderId", action: "orders.read", operator: true },
  { method: "POST", path: "/orders/:orderId/ship", action: "orders.ship" },
  { method: "POST", path: "/orders/:orderId/delivery-code", action: "orders.ship", body: async () => ({ code: "123456" }) },
  { method: "POST", path: "/orders/:orderId/mark-paid", action: "orders.markPaid", body: async () => ({ evidenceNote: "Bank transfer seen" }) },
  { method: "POST", path: "/orders/:orderId/refund", action: "orders.refund" },
  // Merchant refunds after delivery (ADR 040): a made-up order is a 404 for owner and finance.
  { method: "POST", path: "/orders/:orderId/refunds", action: "orders.refund", body: async () => ({ reason: "matrix check", amount: "1.00", key: "matrix-refund-key" }) },
  { method: "GET", path: "/orders/:orderId/refunds", action: "orders.read", operator: true },
  { method: "POST", path: "/orders/:orderId/cancel", action: "orders.cancel", body: async () => ({ reason: "matrix check" }) },
  // Invoices and credit notes (ADR 028): as the order itself; a made-up order has none (404) for those allowed.
  { method: "GET", path: "/orders/:orderId/invoice", action: "orders.read", operator: true },
  { method: "GET", path: "/orders/:orderId/credit-note", action: "orders.read", operator: true },
  // The shop's Stripe account (ADR 024): an empty body is a 400 and a made-up id a 404 for those allowed.
  { method: "GET", path: "/integrations", action: "integrations.read", operator: true },
  { method: "POST", path: "/integrations", action: "integrations.manage", body: async () => ({}) },
  { method: "DELETE", path: "/integrations/:integrationId", action: "integrations.manage" },
  // The shop's mail sender (ADR 027): an empty PUT body is a 400, a made-up sender id a 404 for those allowed.
  { method: "GET", path: "/notifications/sender", action: "notifications.read", operator: true },
  { method: "PUT", path: "/notifications/sender", action: "notifications.manage", body: async () => ({}) },
  { method: "DELETE", path: "/notifications/sender/:integrationId", action: "notifications.manage" },
  { method: "POST", path: "/notifications/sender/:integrationId/verify-dns", action: "notifications.manage" },
  { method: "POST", path: "/integrations/:integrationId/test", action: "notifications.manage" },
  // Payment evidence (ADR 025): the shop's own order readers only, never operators; uploads as mark-paid.
  { method: "POST", path: "/orders/:orderId/evidence", action: "orders.markPaid", body: async () => ({}) },
  { method: "GET", path: "/orders/:orderId/evidence", action: "orders.read" },
  { method: "GET", path: "/orders/:orderId/evidence/:evidenceId", action: "orders.read" },
  { method: "GET", path: "/sales-overview", action: "sales.read", operator: true },
  { method: "GET", path: "/payouts", action: "payouts.read", operator: true },
  { method: "GET", path: "/payouts/movements", action: "payouts.read", operator: true },
  // Shipping and tax (ADR 035): an empty PUT body is a 400 for those allowed.
  { method: "GET", path: "/shipping", action: "shipping.read", operator: true },
  { method: "PUT", path: "/shipping", action: "shipping.edit", body: async () => ({}) },
  { method: "GET", path: "/customers", action: "customers.read", operator: true },
  { method: "GET", path: "/customers/:customerId", action: "customers.read", operator: true },
  { method: "GET", path: "/announcements", action: "customers.read", operator: true },
  { method: "GET", path: "/announcements/:announcementId", action: "customers.read", operator: true },
  { method: "POST", path: "/announcements", action: "customers.announce", body: async () => ({ body: "matrix check", audience: "filter", filter: { minOrders: 999 } }) },
  { method: "GET", path: "/platform-fee", action: "platformFee.read", operator: true },
  { method: "GET", path: "/fee-statements", action: "platformFee.read", operator: true },
  { method: "GET", path: "/fee-statements/:statementId", action: "platformFee.read", operator: true },
  { method: "PUT", path: "/platform-fee", action: "platformFee.set", operator: true, body: async () => ({ platformFeeBps: 250 }) },
  // Made-up bot and domain ids are 404s, empty bodies 400s, for those allowed.
  { method: "GET", path: "/bots", action: "bots.read", operator: true },
  { method: "POST", path: "/bots", action: "bots.manage", body: async () => ({}) },
  { method: "GET", path: "/bots/:botId/claim-link", action: "bots.manage" },
  { method: "DELETE", path: "/bots/:botId", action: "bots.manage" },
  { method: "GET", path: "/domains", action: "domains.read", operator: true },
  { method: "POST", path: "/domains", action: "domains.manage", body: async () => ({}) },
  { method: "GET", path: "/domains/:domainId", action: "domains.read", operator: true },
  { method: "POST", path: "/domains/:domainId/check", action: "domains.manage" },
  { method: "DELETE", path: "/domains/:domainId", action: "domains.manage" },
  { method: "GET", path: "/domains/:domainId/certificate", action: "domains.read", operator: true },
  { method: "PUT", path: "/domains/:domainId/certificate", action: "domains.certificates", body: async () => ({ format: "pem", certificatePem: "x", keyPem: "y" }) },
  { method: "DELETE", path: "/domains/:domainId/certificate", action: "domains.certificates" },
  { method: "PUT", path: "/primary-domain", action: "domains.manage", body: async () => ({ domainId: randomUUID() }) },
  // Closing is last: it ends the shop's life.
  { method: "POST", path: "/close", action: "tenant.transition", operator: true, body: async () => ({ reason: "matrix check" }) },
];
let ownerId: string;
let itemId: string;
const itemVersion = async () => (await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: itemId } })).version;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", UPLOADS_DIR: `/tmp/sf-uploads-${db.name}` });
  const shop = await createShopWithTeam(db.prisma, app.port, "matrix");
  tenantId = shop.tenantId;
  ownerId = shop.members.owner.userId;
  for (const role of MEMBERS) clients[role] = shop.members[role].client;
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

describe("role matrix (docs/product.md §9)", () => {
  for (const row of MATRIX) {
    const madeUpId = randomUUID();
    const path = () => row.path.replace(":itemId", itemId).replace(/:\w+Id/g, madeUpId);
    it(`${row.method} /api/tenants/:id${row.path} (${row.action})`, async () => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const subject of SUBJECTS) {
        const body = row.body ? await row.body() : undefined;
        // Every caller states a reason: only operators' reads of customer data need one (break-glass, tested apart).
        const res = await clients[subject]!.call(row.method, `/api/tenants/${tenantId}${path()}`, body, { "x-break-glass-reason": "role matrix check" });
        const refused = res.status === 401 || res.status === 403 || res.json?.error?.code === "TENANT_NOT_FOUND";
        expect(res.status, `${subject}: ${res.body}`).toBeLessThan(500);
        if (refused) {
          const r = refusal(subject);
          expect({ status: res.status, code: res.json.error.code }, subject).toEqual(r);
        }
        outcomes.push(`${subject}:${refused ? "refused" : "allowed"}`);
        expected.push(`${subject}:${allowedFor(row).includes(subject) ? "allowed" : "refused"}`);
      }
      expect(outcomes).toEqual(expected);
    });
  }

  it("covers every /api/tenants/:tenantId route", () => {
    const tenantRoutes = controlPlaneRoutes()
      .filter((r) => typeof r.auth === "object")
      .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/^\/tenants\/:tenantId/, "")}`);
    expect(MATRIX.map((r) => `${r.method} ${r.path}`).sort()).toEqual(tenantRoutes.sort());
  });

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
