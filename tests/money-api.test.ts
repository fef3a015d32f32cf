/**
 * The money HTTP surface against the real app process: checkout on a shop's host (O1 stock race, rail eligibility,
 * tampered prices, idempotency), buyer links across hosts, merchant and operator routes, /readyz, and start-up
 * refusing the sandbox in production.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { request, type Client } from "./http.ts";
import { caught } from "./caught.ts";
import { ADDRESS, createShop, httpBuyer, httpMember, newKey, sql } from "./money-fixture.ts";

const db = await createTestDatabase();
let app: RunningApp;
let operator: Client;
const env = () => ({
  DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PAYMENTS_SANDBOX: "true", RELEASE_GRACE_MS: "0",
  RATE_LIMIT_STOREFRONT_PER_MIN: "100000", RATE_LIMIT_CHECKOUT_PER_MIN: "100000", MONEY_SECRET: "api-test-money-secret-0123456789abcdef",
});

beforeAll(async () => {
  app = await startApp(env());
  operator = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
});
afterAll(async () => app?.stop());

const count = async (q: string, p: unknown[] = []) => Number((await sql<{ n: string }>(db, q, p))[0]!.n);
const buyer = (slug: string) => httpBuyer(app.port, slug);
const member = (tenantId: string, role: "owner" | "manager" | "finance" | "support") => httpMember(db, app.port, tenantId, role);
const cart = (itemId: string, extra: Record<string, unknown> = {}) => ({ items: [{ itemId, quantity: 1 }], email: "Buyer@Example.test", shippingAddress: ADDRESS, ...extra });

describe("checkout", () => {
  it("O1 50 buyers race for the last 3 units: exactly 3 orders, stock 0, never negative", async () => {
    const shop = await createShop(db, { items: [{ title: "Rare", price: "100.00", stock: 3 }] });
    const b = buyer(shop.slug);
    const results = await Promise.all(Array.from({ length: 50 }, () => b.checkout(cart(shop.item("Rare"), { rail: "escrow" }))));
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.json.error.code === "OUT_OF_STOCK")).toBe(true);
    expect(await count(`SELECT count(*) n FROM orders WHERE tenant_id = $1`, [shop.tenantId])).toBe(3);
    expect((await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: shop.item("Rare") } })).stock).toBe(0);
  });

  it("O1 replay: the same Idempotency-Key twice at the same time gives one order and the same link", async () => {
    const shop = await createShop(db, { items: [{ title: "Mug", price: "12.50", stock: 10 }] });
    const key = newKey();
    const [a, b] = await Promise.all([buyer(shop.slug).checkout(cart(shop.item("Mug")), key), buyer(shop.slug).checkout(cart(shop.item("Mug")), key)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json.data.token).toBe(b.json.data.token);
    expect(a.json.data.order.id).toBe(b.json.data.order.id);
    expect(await count(`SELECT count(*) n FROM orders WHERE tenant_id = $1`, [shop.tenantId])).toBe(1);
    expect((await db.prisma.catalogItem.findUniqueOrThrow({ where: { id: shop.item("Mug") } })).stock).toBe(9);
    const reused = await buyer(shop.slug).checkout({ ...cart(shop.item("Mug")), email: "other@example.test" }, key);
    expect([reused.status, reused.json.error.code]).toEqual([409, "IDEMPOTENCY_KEY_REUSED"]);
    const missing = await request(app.port, "/api/storefront/checkout", { method: "POST", host: `${shop.slug}.localhost`, body: cart(shop.item("Mug")) });
    expect([missing.status, missing.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
  });

  it("rail eligibility: a disallowed rail, an ineligible cart or a strict checkout without acknowledgement is refused and writes nothing", async () => {
    const shop = await createShop(db, {
      rails: ["escrow", "direct"], threshold: "100", escrowCategories: ["Jewelry"], mode: "strict",
      items: [{ title: "Cheap", price: "20.00", stock: 5 }, { title: "Pricey", price: "150.00", stock: 5 }, { title: "Ring", price: "10.00", stock: 5, category: "Jewelry" }],
    });
    const b = buyer(shop.slug);
    const refusals = [
      [await b.checkout(cart(shop.item("Cheap"), { rail: "manual_invoice", acknowledgeNoEscrow: true })), 400, "RAIL_NOT_ALLOWED"],
      [await b.checkout(cart(shop.item("Pricey"), { rail: "direct", acknowledgeNoEscrow: true })), 400, "RAIL_NOT_ALLOWED"],
      [await b.checkout(cart(shop.item("Ring"), { rail: "direct", acknowledgeNoEscrow: true })), 400, "RAIL_NOT_ALLOWED"],
      [await b.checkout(cart(shop.item("Cheap"), { rail: "direct" })), 400, "VALIDATION_ERROR"],
      [await b.checkout({ items: [{ itemId: shop.item("Cheap"), quantity: 1 }], email: "b@example.test", rail: "escrow" }), 400, "VALIDATION_ERROR"],
    ] as const;
    for (const [res, status, code] of refusals) expect([res.status, res.json.error.code], res.body).toEqual([status, code]);
    expect(refusals[1][0].json.error.details).toEqual({ eligibleRails: ["escrow"], escrowRequired: true });
    expect(refusals[3][0].json.error.details.issues[0].path).toBe("acknowledgeNoEscrow");
    expect(await count(`SELECT count(*) n FROM orders WHERE tenant_id = $1`, [shop.tenantId])).toBe(0);
    expect(await count(`SELECT count(*) n FROM payment_intents WHERE tenant_id = $1`, [shop.tenantId])).toBe(0);
    expect(await count(`SELECT sum(stock) n FROM catalog_items WHERE tenant_id = $1`, [shop.tenantId])).toBe(15);
    // With the acknowledgement the direct checkout goes through, and the disclosure says there is no protection.
    const ok = await b.checkout(cart(shop.item("Cheap"), { rail: "direct", acknowledgeNoEscrow: true }));
    expect([ok.status, ok.json.data.order.protection]).toEqual([201, "Paid through the platform — no escrow protection"]);
    const esc = await b.checkout(cart(shop.item("Pricey")));
    expect([esc.status, esc.json.data.order.rail, esc.json.data.order.protection]).toEqual([201, "escrow", "Protected by escrow"]);
  });

  it("a tampered client price or total has no effect", async () => {
    const shop = await createShop(db, { items: [{ title: "Lamp", price: "40.00", stock: 5 }] });
    const res = await buyer(shop.slug).checkout({
      items: [{ itemId: shop.item("Lamp"), quantity: 2, price: "0.01", unitPrice: "0.01" }], email: "b@example.test", shippingAddress: ADDRESS,
      rail: "escrow", total: "0.02", subtotal: "0.02", amount: "0.02",
    });
    expect(res.status, res.body).toBe(201);
    expect([res.json.data.order.total, res.json.data.order.lines[0].unitPrice]).toEqual(["80", "40"]);
    const [row] = await sql<{ total: string }>(db, `SELECT total::text FROM orders WHERE id = $1`, [res.json.data.order.id]);
    expect(row!.total).toBe("80.000000000000000000");
    const [intent] = await sql<{ amount: string }>(db, `SELECT amount::text FROM payment_intents WHERE order_id = $1`, [res.json.data.order.id]);
    expect(intent!.amount).toBe("80.000000000000000000");
  });
});

describe("buyer links and the merchant flow", () => {
  it("an order link of shop A opened on shop B's host is 404; merchants of B cannot read A's order either", async () => {
    const a = await createShop(db);
    const b = await createShop(db);
    const placed = await buyer(a.slug).checkout(cart(a.item("Lamp"), { rail: "escrow" }));
    const token = placed.json.data.token as string;
    expect((await buyer(a.slug).get(`/api/storefront/orders/${token}`)).status).toBe(200);
    const cross = await buyer(b.slug).get(`/api/storefront/orders/${token}`);
    expect([cross.status, cross.json.error.code]).toEqual([404, "ORDER_NOT_FOUND"]);
    expect((await buyer(b.slug).post(`/api/storefront/orders/${token}/sandbox-pay`)).status).toBe(404);
    expect((await buyer(b.slug).post(`/api/storefront/orders/${token}/dispute`, { reason: "not mine" })).status).toBe(404);
    expect((await buyer(a.slug).get(`/api/storefront/orders/${"x".repeat(43)}`)).status).toBe(404);
    const ownerB = await member(b.tenantId, "owner");
    expect((await ownerB.get(`/api/tenants/${a.tenantId}/orders/${placed.json.data.order.id}`)).status).toBe(404);
    expect((await ownerB.get(`/api/tenants/${b.tenantId}/orders/${placed.json.data.order.id}`)).status).toBe(404);
    expect((await ownerB.post(`/api/tenants/${b.tenantId}/orders/${placed.json.data.order.id}/ship`)).status).toBe(404);
  });

  it("escrow end to end over HTTP: pay, ship, code, release; the merchant never sees the code; the ledger shows the release", async () => {
    const shop = await createShop(db);
    const [owner, support, finance] = [await member(shop.tenantId, "owner"), await member(shop.tenantId, "support"), await member(shop.tenantId, "finance")];
    const b = buyer(shop.slug);
    const placed = await b.checkout(cart(shop.item("E-book"), { rail: "escrow" }));
    const { token, order } = placed.json.data as { token: string; order: { id: string } };
    const paid = await b.post(`/api/storefront/orders/${token}/sandbox-pay`);
    expect(paid.json.data.status).toBe("escrow_funded");
    // The payment is answered from what funding wrote (no read back): it is the order as it then reads, times aside
    // (the app's clock against the database's, milliseconds apart; checked separately below).
    const untimed = (v: unknown) => JSON.parse(JSON.stringify(v), (_k, x) => (typeof x === "string" && /^\d{4}-\d\d-\d\dT/.test(x) ? "<time>" : x));
    const read = (await b.get(`/api/storefront/orders/${token}`)).json.data;
    expect(untimed(paid.json.data)).toEqual(untimed(read));
    expect(Math.abs(Date.parse(paid.json.data.timeline.at(-1).at) - Date.parse(read.timeline.at(-1).at))).toBeLessThan(5_000);
    for (const rail of ["direct", "escrow"] as const) {
      const other = (await b.checkout(cart(shop.item("E-book"), { rail, acknowledgeNoEscrow: true }))).json.data.token as string;
      const answer = (await b.post(`/api/storefront/orders/${other}/sandbox-pay`)).json.data;
      expect(untimed(answer)).toEqual(untimed((await b.get(`/api/storefront/orders/${other}`)).json.data));
      // Paying again is a replay: the order as it is, unchanged.
      expect(untimed((await b.post(`/api/storefront/orders/${other}/sandbox-pay`)).json.data)).toEqual(untimed(answer));
    }
    expect((await support.post(`/api/tenants/${shop.tenantId}/orders/${order.id}/ship`)).status).toBe(403);
    const shipped = await owner.post(`/api/tenants/${shop.tenantId}/orders/${order.id}/ship`);
    expect([shipped.status, shipped.json.data.status], shipped.body).toEqual([200, "fulfilling"]);
    const code = (await b.get(`/api/storefront/orders/${token}`)).json.data.deliveryCode.code as string;
    for (const path of [`/api/tenants/${shop.tenantId}/orders/${order.id}`, `/api/tenants/${shop.tenantId}/orders?status=fulfilling`]) {
      expect((await owner.get(path)).body).not.toContain(code);
    }
    expect((await finance.post(`/api/tenants/${shop.tenantId}/orders/${order.id}/delivery-code`, { code })).status).toBe(403);
    const delivered = await owner.post(`/api/tenants/${shop.tenantId}/orders/${order.id}/delivery-code`, { code });
    expect(delivered.status, delivered.body).toBe(200);
    // Digital only: no grace period; the worker (MODE=all) releases it.
    const deadline = Date.now() + 15_000;
    let detail = await owner.get(`/api/tenants/${shop.tenantId}/orders/${order.id}`);
    while (detail.json.data.status !== "completed" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      detail = await owner.get(`/api/tenants/${shop.tenantId}/orders/${order.id}`);
    }
    expect(detail.json.data.status).toBe("completed");
    expect(detail.json.data.ledger.map((p: { kind: string }) => p.kind)).toEqual(["fund", "release"]);
    expect(detail.json.data.escrow.status).toBe("released");
    const list = await owner.get(`/api/tenants/${shop.tenantId}/orders?status=completed&rail=escrow`);
    expect(list.json.data.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    await new Promise((r) => setTimeout(r, 200));
    const logs = app.logs.join("");
    expect(logs).toContain("/api/storefront/orders/[redacted]");
    for (const secret of [token, `"${code}"`]) expect(logs).not.toContain(secret);
  });

  it("manual invoice: finance marks it paid with evidence; support cannot", async () => {
    const shop = await createShop(db);
    const [finance, support] = [await member(shop.tenantId, "finance"), await member(shop.tenantId, "support")];
    const placed = await buyer(shop.slug).checkout(cart(shop.item("Lamp"), { rail: "manual_invoice" }));
    expect(placed.json.data.order.paymentInstructions.kind).toBe("invoice");
    const id = placed.json.data.order.id;
    expect((await support.post(`/api/tenants/${shop.tenantId}/orders/${id}/mark-paid`, { evidenceNote: "bank ref 1" })).status).toBe(403);
    expect((await finance.post(`/api/tenants/${shop.tenantId}/orders/${id}/mark-paid`, {})).status).toBe(400);
    const paid = await finance.post(`/api/tenants/${shop.tenantId}/orders/${id}/mark-paid`, { evidenceNote: "bank ref 1" });
    expect([paid.status, paid.json.data.status, paid.json.data.evidenceNote]).toEqual([200, "paid", "bank ref 1"]);
  });
});

describe("operators", () => {
  it("kill switch from the console: /readyz shows it, checkouts are refused, reads keep working", async () => {
    const shop = await createShop(db);
    const placed = await buyer(shop.slug).checkout(cart(shop.item("Lamp"), { rail: "escrow" }));
    const on = await operator.put("/api/ops/money/kill-switch", { engaged: true, reason: "incident drill" });
    expect(on.status, on.body).toBe(200);
    expect(on.json.data).toMatchObject({ global: true, globalReason: "incident drill", globalSince: expect.any(String) });
    try {
      const ready = await request(app.port, "/readyz");
      expect([ready.status, ready.json.killSwitch.global]).toEqual([200, true]);
      const refused = await buyer(shop.slug).checkout(cart(shop.item("Lamp"), { rail: "escrow" }));
      expect([refused.status, refused.json.error.code]).toEqual([423, "KILL_SWITCH_ON"]);
      const pay = await buyer(shop.slug).post(`/api/storefront/orders/${placed.json.data.token}/sandbox-pay`);
      expect(pay.json.error.code).toBe("KILL_SWITCH_ON");
      expect((await buyer(shop.slug).get(`/api/storefront/orders/${placed.json.data.token}`)).status).toBe(200);
    } finally {
      await operator.put("/api/ops/money/kill-switch", { engaged: false, reason: "drill over" });
    }
    expect((await request(app.port, "/readyz")).json.killSwitch.global).toBe(false);
    const owner = await member(shop.tenantId, "owner");
    expect((await owner.put("/api/ops/money/kill-switch", { engaged: true, reason: "not mine" })).status).toBe(403);
  });

  it("break-glass: an operator reads a shop's orders only with a stated reason, and each such read is audited", async () => {
    const shop = await createShop(db);
    const placed = await buyer(shop.slug).checkout(cart(shop.item("Lamp"), { rail: "escrow" }));
    const paths = [`/api/tenants/${shop.tenantId}/orders`, `/api/tenants/${shop.tenantId}/orders/${placed.json.data.order.id}`];
    const audited = () => db.prisma.auditLog.findMany({ where: { tenantId: shop.tenantId, action: "break_glass.read" }, orderBy: { createdAt: "asc" } });
    for (const path of paths) {
      for (const headers of [{}, { "x-break-glass-reason": "  no " }] as Array<Record<string, string>>) {
        const refused = await operator.call("GET", path, undefined, headers);
        expect([refused.status, refused.json.error.code]).toEqual([403, "BREAK_GLASS_REASON_REQUIRED"]);
        expect(refused.body).not.toContain("example.test");
      }
    }
    expect(await audited()).toEqual([]);
    for (const path of paths) {
      const read = await operator.call("GET", path, undefined, { "x-break-glass-reason": "Chargeback review CB-1182" });
      expect(read.status, read.body).toBe(200);
    }
    const rows = await audited();
    expect(rows.map((r) => [r.actorKind, r.reason, r.target, r.ip])).toEqual(paths.map((p) => ["operator", "Chargeback review CB-1182", `GET ${p}`, "127.0.0.1"]));
    // The shop's own members read without one, and nothing is added to the trail.
    const owner = await member(shop.tenantId, "owner");
    expect((await owner.get(paths[0]!)).status).toBe(200);
    expect(await audited()).toHaveLength(2);
  });

  it("disputes queue, resolution and on-demand reconciliation with its report and metric", async () => {
    const shop = await createShop(db);
    const b = buyer(shop.slug);
    const placed = await b.checkout(cart(shop.item("Lamp"), { rail: "escrow" }));
    const token = placed.json.data.token;
    await b.post(`/api/storefront/orders/${token}/sandbox-pay`);
    const opened = await b.post(`/api/storefront/orders/${token}/dispute`, { reason: "Not as described" });
    expect([opened.status, opened.json.data.status]).toEqual([201, "disputed"]);
    const queue = await operator.get("/api/ops/money/disputes?status=open");
    const dispute = queue.json.data.items.find((d: { orderId: string }) => d.orderId === placed.json.data.order.id);
    expect(dispute.order.total).toBe("40");
    const resolved = await operator.post(`/api/ops/money/disputes/${dispute.id}/resolve`, { resolution: "release", note: "Buyer confirmed" });
    expect(resolved.status, resolved.body).toBe(200);
    expect((await b.get(`/api/storefront/orders/${token}`)).json.data.status).toBe("completed");
    const run = await operator.post("/api/ops/money/reconciliation");
    expect([run.status, run.json.data.violations], run.body).toEqual([200, 0]);
    const reports = await operator.get("/api/ops/money/reconciliation?limit=5");
    expect(reports.json.data.reports[0].id).toBe(run.json.data.id);
    const metrics = await operator.get("/api/ops/money/metrics");
    expect(metrics.body).toMatch(/^ledger_invariant_violation_total 0$/m);
  });
});

describe("start-up", () => {
  it("without PAYMENTS_SANDBOX there is no sandbox-pay endpoint", async () => {
    const shop = await createShop(db);
    const plain = await startApp({ ...env(), PAYMENTS_SANDBOX: "false" });
    try {
      const placed = await request(plain.port, "/api/storefront/checkout", {
        method: "POST", host: `${shop.slug}.localhost`, headers: { "idempotency-key": newKey() }, body: cart(shop.item("Lamp"), { rail: "manual_invoice" }),
      });
      expect(placed.status, placed.body).toBe(201);
      expect(placed.json.data.order.sandboxPay).toBe(false);
      const pay = await request(plain.port, `/api/storefront/orders/${placed.json.data.token}/sandbox-pay`, { method: "POST", host: `${shop.slug}.localhost`, body: {} });
      expect(pay.status).toBe(404);
      const escrow = await request(plain.port, "/api/storefront/checkout", {
        method: "POST", host: `${shop.slug}.localhost`, headers: { "idempotency-key": newKey() }, body: cart(shop.item("Lamp"), { rail: "escrow" }),
      });
      expect([escrow.status, escrow.json.error.code]).toEqual([400, "RAIL_NOT_ALLOWED"]);
    } finally {
      await plain.stop();
    }
  });

  it("NODE_ENV=production with PAYMENTS_SANDBOX=true exits with a clear error", async () => {
    const err = await caught(startApp({ ...env(), NODE_ENV: "production", SECRET_BOX_KEY: "ab".repeat(32), PAYMENTS_SANDBOX: "true" }));
    expect(err.message).toMatch(/app exited with 1/);
    expect(err.message).toMatch(/PAYMENTS_SANDBOX=true is refused in production/);
  });
});
