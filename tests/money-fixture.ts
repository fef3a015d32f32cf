/**
 * The money core wired to a test database and Redis, in-process: the real MoneyService, real BullMQ scheduler,
 * real notifyTenantAdmins (its calls are also recorded so tests can see the order events).
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, expect } from "vitest";
import pino from "pino";
import type { PaymentRail } from "@prisma/client";
import type { Database } from "#server/db/client.ts";
import { MoneyService, bullScheduler, syncMoneyQueuePause, type MoneyConfig } from "#server/money/index.ts";
import { notifyTenantAdmins, type NotificationEvent } from "#server/bots/index.ts";
import { MONEY_QUEUE, QUEUE } from "#server/jobs/index.ts";
import type { AuditActor } from "#server/audit/index.ts";
import type { ChainRuntime } from "#server/chain/index.ts";
import { createTenant, createUser } from "./factories.ts";
import { request } from "./http.ts";
import { signIn } from "./tenant-fixture.ts";
import { REDIS_URL } from "./db-urls.ts";
import { redisPrefix } from "./db.ts";

export const TEST_MONEY_CONFIG: MoneyConfig = {
  sandbox: true, secret: "test-money-secret-0123456789abcdef0123", oldSecrets: [], orderTtlMs: 30 * 60_000, invoiceTtlMs: 86_400_000, releaseGraceMs: 0,
  codeTtlMs: 86_400_000, codeMaxAttempts: 10, codeAttemptsPer15Min: 5, defaultFeeBps: 250, payoutGraceMs: 0, reconcileEveryMs: 15 * 60_000,
};
export const OPERATOR: AuditActor = { userId: null, kind: "operator" };
export const MERCHANT: AuditActor = { userId: null, kind: "user" };

export function moneyHarness(db: Database, config: Partial<MoneyConfig> = {}, chain: ChainRuntime | null = null) {
  const prefix = redisPrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  const moneyQueue = new Queue(MONEY_QUEUE, { connection: redis, prefix: `${prefix}bull` });
  const platformQueue = new Queue(QUEUE, { connection: redis, prefix: `${prefix}bull` });
  const events: NotificationEvent[] = [];
  const cfg = { ...TEST_MONEY_CONFIG, ...config };
  const make = (overrides: Partial<MoneyConfig> = {}, now?: () => Date) =>
    new MoneyService({
      now,
      onGlobalKillSwitch: (engaged) => syncMoneyQueuePause(moneyQueue, engaged),
      prisma: db.prisma, sql: db.run, redis, prefix, logger: pino({ level: "silent" }), config: { ...cfg, ...overrides }, scheduler: bullScheduler(moneyQueue), chain,
      notify: async (tenantId, event) => {
        events.push(event);
        return notifyTenantAdmins({ prisma: db.prisma, queue: platformQueue }, tenantId, event);
      },
    });
  const money = make();
  afterAll(async () => {
    await moneyQueue.close();
    await platformQueue.close();
    redis.disconnect();
  });
  return { money, make, redis, prefix, moneyQueue, platformQueue, events, config: cfg };
}

export interface ShopOptions {
  rails?: PaymentRail[];
  defaultRail?: PaymentRail;
  threshold?: string | null;
  escrowCategories?: string[];
  mode?: "strict" | "plain";
  items?: Array<{ title: string; price: string; stock?: number | null; category?: string | null; kind?: "physical" | "digital" }>;
  /** Default: BANK when manual_invoice is allowed; null: none (the rail is then hidden). */
  invoiceInstructions?: typeof BANK | null;
}

/** Fictitious bank details (a well-known valid example IBAN). */
export const BANK = { accountHolder: "Test Shop Ltd", accountNumber: "GB33 BUKB 2020 1555 5555 55", bankName: "Example Bank", referenceFormat: "Order {reference}", note: "" };

export async function createShop(db: Database, o: ShopOptions = {}) {
  const rails = o.rails ?? ["escrow", "direct", "manual_invoice"];
  const tenant = await createTenant(db.prisma, {
    paymentPolicy: {
      allowedRails: rails, defaultRail: o.defaultRail ?? rails[0], escrowRequiredAboveAmount: o.threshold ?? null,
      escrowRequiredForCategories: o.escrowCategories ?? [], buyerDisclosureMode: o.mode ?? "plain",
      // The manual_invoice rail is offered only with bank details to pay into (ADR 025).
      invoiceInstructions: rails.includes("manual_invoice") && o.invoiceInstructions !== null ? (o.invoiceInstructions ?? BANK) : null,
    },
    catalog: (o.items ?? [{ title: "Lamp", price: "40.00", stock: 100 }, { title: "E-book", price: "9.99", stock: null, kind: "digital" }]).map((i) => ({
      description: "", category: null, kind: "physical", stock: null, active: true, ...i,
    })),
  });
  const items = await db.prisma.catalogItem.findMany({ where: { tenantId: tenant.id }, select: { id: true, title: true } });
  return { tenantId: tenant.id, slug: tenant.slug, item: (title: string) => items.find((i) => i.title === title)!.id };
}

export const ADDRESS = { name: "Ada Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };

let keyN = 0;
export const newKey = () => `key-${Date.now()}-${++keyN}-${Math.random().toString(36).slice(2, 8)}`;

/** Checkout + optional payment; returns the order id and the buyer's token. */
export async function placeOrder(money: MoneyService, shop: { tenantId: string; item(t: string): string }, o: { title?: string; quantity?: number; rail?: PaymentRail; pay?: boolean } = {}) {
  const input = {
    items: [{ itemId: shop.item(o.title ?? "Lamp"), quantity: o.quantity ?? 1 }], email: "buyer@example.test", shippingAddress: ADDRESS,
    acknowledgeNoEscrow: true, ...(o.rail ? { rail: o.rail } : {}),
  };
  const r = await money.checkout(shop.tenantId, input, newKey());
  if (o.pay) await money.sandboxPay(shop.tenantId, r.token);
  return { orderId: r.order.id, token: r.token, order: r.order };
}

/** Escrow order taken to `delivered` through the real flow (ship, buyer's code entered by the merchant). */
export async function deliveredOrder(money: MoneyService, shop: { tenantId: string; item(t: string): string }, o: { title?: string } = {}) {
  const placed = await placeOrder(money, shop, { ...o, rail: "escrow", pay: true });
  await money.ship(MERCHANT, shop.tenantId, placed.orderId);
  const code = (await money.buyerOrder(shop.tenantId, placed.token)).deliveryCode!.code;
  await money.enterDeliveryCode(MERCHANT, shop.tenantId, placed.orderId, code);
  return placed;
}

export async function sql<T = Record<string, unknown>>(db: Database, query: string, params: unknown[] = []) {
  return (await db.sql.query(query, params)).rows as T[];
}

/** Ledger invariants asserted with SQL: every posting sums to zero; every balance row equals the sum of its entries. */
export async function expectLedgerConsistent(db: Database) {
  const unbalanced = await sql(db, `SELECT posting_id FROM ledger_entries GROUP BY posting_id, currency HAVING sum(amount) <> 0`);
  expect(unbalanced).toEqual([]);
  const drift = await sql(db, `SELECT a.key FROM ledger_accounts a LEFT JOIN (SELECT account_id, sum(amount) s FROM ledger_entries GROUP BY account_id) e ON e.account_id = a.id WHERE a.balance <> COALESCE(e.s, 0)`);
  expect(drift).toEqual([]);
}

/** Runs tests/money-child.ts with failpoints armed; resolves with how it ended (a `kill` failpoint → SIGKILL). */
export async function runChild(dbUrl: string, prefix: string, failpoints: string, args: string[]) {
  const { spawn } = await import("node:child_process");
  const path = await import("node:path");
  const child = spawn(process.execPath, ["--import", "tsx", "tests/money-child.ts", ...args], {
    cwd: path.resolve(import.meta.dirname, ".."),
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", DATABASE_URL: dbUrl, REDIS_URL, REDIS_PREFIX: prefix, MONEY_FAILPOINTS: failpoints },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b));
  child.stderr.on("data", (b: Buffer) => (out += b));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once("exit", (c, s) => r([c, s])));
  return { code, signal, out };
}

/** A buyer on a shop's host, against the running app's JSON API. */
export const httpBuyer = (port: number, slug: string) => ({
  checkout: (body: unknown, key = newKey()) => request(port, "/api/storefront/checkout", { method: "POST", host: `${slug}.localhost`, headers: { "idempotency-key": key }, body }),
  get: (path: string) => request(port, path, { host: `${slug}.localhost` }),
  post: (path: string, body: unknown = {}) => request(port, path, { method: "POST", host: `${slug}.localhost`, body }),
});

/** A new user with this role in the shop, signed in to the running app. */
export async function httpMember(db: Database, port: number, tenantId: string, role: "owner" | "manager" | "finance" | "support") {
  const u = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId, userId: u.id, role } });
  return signIn(port, u.email);
}
