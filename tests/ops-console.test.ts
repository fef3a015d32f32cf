/**
 * Issue 21, the operator console against the real app: what a shop without a bot shows, the reconciliation
 * schedule and overdue warning from RECONCILE_EVERY_MS, signing out, the audit log's name pickers and action
 * families, the audit row of an on-demand reconciliation, and a dispute's order link and refund confirmation.
 * MODE=web: no worker runs scheduled reconciliations, so the page's "last run" is only what the test does.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "#server/secrets/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { formPost, signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { ADDRESS, createShop, newKey } from "./money-fixture.ts";

const RECONCILE_EVERY_MS = 30 * 60_000;
const db = await createTestDatabase();
let app: RunningApp;
let operator: Client;
let operatorUser: { id: string; email: string };

beforeAll(async () => {
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", MODE: "web",
    RECONCILE_EVERY_MS: String(RECONCILE_EVERY_MS), RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000",
    MONEY_SECRET: "ops-console-test-money-secret-0123456789",
  });
  operatorUser = await createUser(db.prisma, { operator: true });
  operator = await signIn(app.port, operatorUser.email);
});
afterAll(async () => app?.stop());

/** The text of the element carrying this test id up to its closing tag, tags stripped. */
function textOf(html: string, testId: string, closing = "</div>") {
  const start = html.indexOf(`data-testid="${testId}"`);
  expect(start, `${testId} on the page`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf(closing, start)).replace(/<[^>]+>/g, " ").replace(/&nbsp;/g, " ").replace(/\s+/g, " ");
}

async function addBot(tenantId: string, o: { status: "active" | "pending" | "revoked"; lastWebhookAt: Date | null }) {
  const box = new SecretBox(randomBytes(32));
  const id = randomUUID();
  await db.prisma.tenantBot.create({
    data: {
      id, tenantId, telegramBotId: String(Math.floor(Math.random() * 1e9)), username: `bot${id.slice(0, 6)}`, status: o.status,
      lastWebhookAt: o.lastWebhookAt, claimedAt: o.status === "active" ? new Date() : null,
      adminTelegramUserId: o.status === "active" ? "777" : null, encryptedToken: box.seal("1:token", `tenant_bots.token:${id}`),
      encryptedWebhookSecret: box.seal("wh", `tenant_bots.webhook_secret:${id}`),
    },
  });
}

async function disputedOrder() {
  const shop = await createShop(db);
  const host = `${shop.slug}.localhost`;
  const placed = await request(app.port, "/api/storefront/checkout", {
    method: "POST", host, headers: { "idempotency-key": newKey() },
    body: { items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "buyer@example.test", shippingAddress: ADDRESS, rail: "escrow" },
  });
  expect(placed.status, placed.body).toBe(201);
  const { token, order } = placed.json.data as { token: string; order: { id: string } };
  expect((await request(app.port, `/api/storefront/orders/${token}/sandbox-pay`, { method: "POST", host, body: {} })).json.data.status).toBe("escrow_funded");
  expect((await request(app.port, `/api/storefront/orders/${token}/dispute`, { method: "POST", host, body: { reason: "Never arrived" } })).status).toBe(201);
  const dispute = await db.prisma.dispute.findFirstOrThrow({ where: { orderId: order.id } });
  return { shop, orderId: order.id, dispute };
}

describe("tenant page: bots", () => {
  it("a shop with no bot says “No bot”, not OK; OK needs a healthy active bot; a revoked bot is no bot", async () => {
    const none = await createShop(db);
    const page = await operator.get(`/ops/tenants/${none.tenantId}`);
    expect(page.status).toBe(200);
    expect(textOf(page.body, "health-bots")).toMatch(/Bots No bot/);
    expect(page.body).toMatch(/data-testid="health-bots" data-alert="false"/);

    const revoked = await createShop(db);
    await addBot(revoked.tenantId, { status: "revoked", lastWebhookAt: null });
    expect(textOf((await operator.get(`/ops/tenants/${revoked.tenantId}`)).body, "health-bots")).toMatch(/Bots No bot/);

    const pending = await createShop(db);
    await addBot(pending.tenantId, { status: "pending", lastWebhookAt: null });
    expect(textOf((await operator.get(`/ops/tenants/${pending.tenantId}`)).body, "health-bots")).toMatch(/Bots Waiting for claim/);

    const healthy = await createShop(db);
    await addBot(healthy.tenantId, { status: "active", lastWebhookAt: new Date() });
    expect(textOf((await operator.get(`/ops/tenants/${healthy.tenantId}`)).body, "health-bots")).toMatch(/Bots OK/);

    const stale = await createShop(db);
    await addBot(stale.tenantId, { status: "active", lastWebhookAt: new Date(Date.now() - 5 * 3_600_000) });
    expect(textOf((await operator.get(`/ops/tenants/${stale.tenantId}`)).body, "health-bots")).toMatch(/Bots 1 problem/);
  });
});

describe("money page: reconciliation schedule", () => {
  it("states the configured interval, warns when no run is recent, and audits “Run reconciliation now” with the operator", async () => {
    const never = await operator.get("/ops/money");
    expect(never.status).toBe(200);
    expect(never.body).toContain("It runs every 30 minutes on one worker");
    expect(never.body).not.toContain("every 15 minutes");
    // No CHAIN_RPC_URL here: one line says the chain rails are off and how to turn them on.
    expect(textOf(never.body, "chain-off", "</p>")).toMatch(/The on-chain rails are off: set CHAIN_RPC_URL, ESCROW_CONTRACT and ESCROW_TOKEN/);
    expect(textOf(never.body, "reconciliation-overdue", "</p>")).toMatch(/Reconciliation is overdue\. It has never run\./);

    // Reports are append-only: older runs are added as rows. The latest one, 61 minutes ago, is more than twice the
    // 30-minute schedule; one 59 minutes ago is late but within two intervals.
    const oldRun = (minutesAgo: number) => {
      const startedAt = new Date(Date.now() - minutesAgo * 60_000);
      return db.prisma.reconciliationReport.create({ data: { trigger: "scheduled", startedAt, finishedAt: startedAt, violations: 0, checks: {}, details: [] } });
    };
    await oldRun(61);
    const late = await operator.get("/ops/money");
    expect(textOf(late.body, "reconciliation-overdue", "</p>")).toMatch(/The last run was 1 hour ago, more than twice the 30 minutes schedule\./);
    await oldRun(59);
    expect((await operator.get("/ops/money")).body).not.toContain('data-testid="reconciliation-overdue"');

    const run = await formPost(operator, "/ops/money", { form: "reconcile", intent: "reconcile" });
    expect(run.status).toBe(200);
    const report = await db.prisma.reconciliationReport.findFirstOrThrow({ where: { trigger: "manual" }, orderBy: { startedAt: "desc" } });
    const audit = await db.prisma.auditLog.findMany({ where: { action: "money.reconcile" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: operatorUser.id, actorKind: "operator", target: `reconciliation:${report.id}` });
    expect(audit[0]!.details).toMatchObject({ trigger: "manual", violations: 0 });
    expect((await operator.get("/ops/money")).body).not.toContain('data-testid="reconciliation-overdue"');
  });
});

describe("console sign-out", () => {
  it("every console page has a sign-out form; using it ends the session", async () => {
    const user = await createUser(db.prisma, { operator: true });
    const c = await signIn(app.port, user.email);
    const page = await c.get("/ops");
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<form method="post" action="\/logout"/);
    expect(page.body).toMatch(/<button type="submit"[^>]*>Sign out<\/button>/);
    const out = await formPost(c, "/logout", { redirectTo: "/login" }, "/ops");
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe("/login");
    const after = await c.get("/ops");
    expect(after.status).toBe(302);
    expect(after.headers.location).toMatch(/^\/login\?redirectTo=/);
  });
});

describe("audit log filters", () => {
  it("picks shops by name and slug and actors by email, and lists every action family written, order.* and money.* included", async () => {
    const { shop } = await disputedOrder();
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: shop.tenantId }, select: { displayName: true } });
    await formPost(operator, "/ops/money", { form: "reconcile", intent: "reconcile" });

    const page = await operator.get("/ops/audit");
    expect(page.status).toBe(200);
    const families = [...page.body.matchAll(/<option value="([a-z_]+\.)">/g)].map((m) => m[1]);
    expect(families).toEqual(expect.arrayContaining(["order.", "money."]));
    const written = await db.prisma.$queryRaw<{ f: string }[]>`SELECT DISTINCT split_part(action, '.', 1) AS f FROM audit_log`;
    expect(families.sort()).toEqual(written.map((w) => `${w.f}.`).sort());
    // No UUID boxes: a shop picker by address and name, an actor picker by email.
    expect(page.body).not.toContain("Tenant UUID");
    expect(page.body).toMatch(/<input[^>]*name="shop"[^>]*list="shop-options"/);
    expect(page.body).toContain(`<option value="${shop.slug}">${tenant.displayName} (${shop.slug})</option>`);
    expect(page.body).toMatch(/<input[^>]*name="actor"[^>]*list="actor-options"/);
    expect(page.body).toContain(`<option value="${operatorUser.email}">${operatorUser.email}</option>`);

    const byShop = await operator.get(`/ops/audit?action=order.&shop=${shop.slug}`);
    expect(byShop.body).toContain("order.dispute_open");
    expect(byShop.body).not.toContain("money.reconcile");
    const byName = await operator.get(`/ops/audit?shop=${encodeURIComponent(tenant.displayName.toUpperCase())}`);
    expect(byName.body).toContain("order.dispute_open");
    const byActor = await operator.get(`/ops/audit?action=money.&actor=${encodeURIComponent(operatorUser.email)}`);
    expect(byActor.body).toContain("money.reconcile");
    expect(byActor.body).not.toContain("order.dispute_open");
    const unknown = await operator.get("/ops/audit?shop=no-such-shop");
    expect(unknown.body).toContain("No shop has this address or name.");
    expect(unknown.body).toContain("No entries match these filters");
  });
});

describe("disputes", () => {
  it("link to their order, and a refund needs its confirm box ticked on the server", async () => {
    const { shop, orderId, dispute } = await disputedOrder();
    const orderPath = `/ops/tenants/${shop.tenantId}/orders/${orderId}`;
    const queue = await operator.get("/ops/disputes");
    expect(queue.body).toContain(`href="${orderPath}"`);
    expect(queue.body).toMatch(/<input[^>]*type="checkbox"[^>]*name="confirmRefund"[^>]*value="yes"/);

    const order = await operator.get(orderPath);
    expect(order.status).toBe(200);
    expect(order.body).toContain("Never arrived");
    expect(order.body).toContain("buyer@example.test");
    // The tenant floor: the order under another shop's id is not found.
    const other = await createShop(db);
    expect((await operator.get(`/ops/tenants/${other.tenantId}/orders/${orderId}`)).status).toBe(404);

    const fields = { form: `resolve-${dispute.id}`, disputeId: dispute.id, resolution: "refund", note: "Tracking shows no delivery" };
    const unconfirmed = await formPost(operator, "/ops/disputes", fields);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body).toContain("a refund cannot be undone. Nothing was changed.");
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("disputed");
    expect((await db.prisma.dispute.findUniqueOrThrow({ where: { id: dispute.id } })).status).toBe("open");

    const confirmed = await formPost(operator, "/ops/disputes", { ...fields, confirmRefund: "yes" });
    expect(confirmed.status).toBe(200);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("refunded");
    expect((await operator.get("/ops/disputes")).body).toContain(`href="${orderPath}"`);
  });
});

describe("the announcement limit on a shop's console page", () => {
  it("an operator lifts it for some hours with a reason (audited); bad input is a 400 that changes nothing; a merchant cannot", async () => {
    const shop = await createShop(db);
    const path = `/ops/tenants/${shop.tenantId}`;
    expect(textOf((await operator.get(path)).body, "announcement-limit", "</form>")).toMatch(/2 announcements per 24 hours/);
    const liftedUntil = async () => (await db.prisma.tenant.findUniqueOrThrow({ where: { id: shop.tenantId } })).announcementLimitLiftedUntil;
    const audits = () => db.prisma.auditLog.count({ where: { tenantId: shop.tenantId, action: "announcement.limit_lift" } });

    for (const bad of [{ hours: "many", reason: "holiday campaign" }, { hours: "5", reason: "" }, { hours: "9999", reason: "holiday campaign" }]) {
      expect((await formPost(operator, path, { intent: "lift-announcement-limit", ...bad })).status).toBe(400);
    }
    expect(await liftedUntil()).toBeNull();
    expect(await audits()).toBe(0);

    const merchant = await signIn(app.port, (await createUser(db.prisma)).email);
    const refused = await formPost(merchant, path, { intent: "lift-announcement-limit", hours: "5", reason: "holiday campaign" }, "/account");
    expect([403, 404]).toContain(refused.status);
    expect(await liftedUntil()).toBeNull();

    const ok = await formPost(operator, path, { intent: "lift-announcement-limit", hours: "5", reason: "holiday campaign" });
    expect([302, 303], ok.body).toContain(ok.status);
    const until = await liftedUntil();
    expect(until!.getTime()).toBeGreaterThan(Date.now() + 4.9 * 3_600_000);
    expect(until!.getTime()).toBeLessThan(Date.now() + 5.1 * 3_600_000);
    const row = await db.prisma.auditLog.findFirstOrThrow({ where: { tenantId: shop.tenantId, action: "announcement.limit_lift" } });
    expect(row).toMatchObject({ reason: "holiday campaign", actorId: operatorUser.id });
    expect(textOf((await operator.get(path)).body, "announcement-limit", "</form>")).toMatch(/Lifted until/);
    // 0 restores the limit.
    await formPost(operator, path, { intent: "lift-announcement-limit", hours: "0", reason: "campaign over" });
    expect(await liftedUntil()).toBeNull();
    expect(await audits()).toBe(2);
  });
});
