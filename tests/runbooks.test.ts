/**
 * Runbooks (issue 17 point 6): one per incident, each with its sections, and EVERY ```sql block in docs/runbooks/
 * run against a seeded database: placeholders (:tenant_id, :order_id, …) replaced by real ids from the seed, each block
 * inside a transaction that is rolled back. Diagnosis blocks run READ ONLY, so a block that writes must say it is a
 * fix by opening with BEGIN. Alert rules name runbooks that exist.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { createUser } from "./factories.ts";
import { OPERATOR, createShop, deliveredOrder, moneyHarness, placeOrder } from "./money-fixture.ts";

const DIR = path.resolve(import.meta.dirname, "../docs/runbooks");
const RULES = path.resolve(import.meta.dirname, "../ops/prometheus/alerts.yml");
const INCIDENTS = [
  "escrow-stuck-held", "release-sent-not-posted", "ledger-invariant-violation", "redis-outage", "postgres-failover",
  "caddy-down-or-certificates-failing", "telegram-outage-or-bot-revoked", "worker-crash-loop", "shop-compromised",
  "backups-and-restore",
];

interface Block {
  file: string;
  index: number;
  sql: string;
}

function sqlBlocks(file: string): Block[] {
  const text = readFileSync(path.join(DIR, file), "utf8");
  return [...text.matchAll(/^```sql\n([\s\S]*?)^```$/gm)].map((m, index) => ({ file, index, sql: m[1]! }));
}
const files = readdirSync(DIR).filter((f) => f.endsWith(".md")).sort();
const blocks = files.flatMap(sqlBlocks);

const db = await createTestDatabase();
const ids: Record<string, string> = {};
const client = new pg.Client({ connectionString: db.url });

beforeAll(async () => {
  // A shop with a held escrow, a delivered one, a failing bot, a domain with TLS trouble, a member with a session and
  // a token, and a reconciliation report: every query has rows to look at.
  const { money } = moneyHarness(db);
  const shop = await createShop(db);
  const held = await placeOrder(money, shop, { rail: "escrow", pay: true });
  await deliveredOrder(money, shop);
  await money.reconcile("runbook-test", OPERATOR);
  const user = await createUser(db.prisma);
  await db.prisma.tenantUserRole.create({ data: { tenantId: shop.tenantId, userId: user.id, role: "owner" } });
  await client.connect();
  await client.query(`INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES (gen_random_uuid(), $1, md5(random()::text), now() + interval '1 day')`, [user.id]);
  const [bot] = (await client.query<{ id: string }>(
    `INSERT INTO tenant_bots (id, tenant_id, telegram_bot_id, username, encrypted_token, encrypted_webhook_secret, status, last_error, last_error_at, updated_at, admin_telegram_user_id, claimed_at)
     VALUES (gen_random_uuid(), $1, '1234567', 'runbook_bot', 'v1:0123456789ab:aaaa:bbbb', 'v1:0123456789ab:cccc:dddd', 'active', '401 Unauthorized', now(), now(), '42', now()) RETURNING id`, [shop.tenantId])).rows;
  const domain = await db.prisma.tenantDomain.create({
    data: { tenantId: shop.tenantId, hostname: "runbook.example.test", verificationToken: "x".repeat(22), status: "active", tlsStatus: "failed", tlsError: "acme: rate limited" },
  });
  Object.assign(ids, { tenant_id: shop.tenantId, order_id: held.orderId, user_id: user.id, bot_id: bot!.id, domain_id: domain.id });
}, 60_000);
afterAll(async () => client.end());

/** :name placeholders (not ::casts) → quoted ids; throws on a placeholder the seed has no id for. */
function bind(sql: string) {
  return sql.replace(/(?<![:\w]):([a-z_]+)\b/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`unknown placeholder :${name}`);
    return `'${ids[name]}'`;
  });
}

/** A fix block opens with BEGIN and ends with COMMIT: those two lines go, so it runs inside the test's transaction. */
function asTestTransaction(sql: string) {
  const fix = /^\s*BEGIN;/i.test(sql);
  return { fix, body: fix ? sql.replace(/^\s*(?:BEGIN|COMMIT);\s*$/gim, "") : sql };
}

describe("docs/runbooks", () => {
  it("has one runbook per incident, each with symptoms, alert, diagnosis, fix, verification and SQL", () => {
    for (const name of INCIDENTS) {
      const file = `${name}.md`;
      expect(files, file).toContain(file);
      const text = readFileSync(path.join(DIR, file), "utf8");
      for (const section of [/\*\*Symptoms\.\*\*/, /\*\*Alert\.\*\*/, /^## (Diagnose|Audit)/m, /^## (Fix|Contain|Rotate)/m, /^## .*[Vv]erify/m]) expect(text, `${file} ${section}`).toMatch(section);
      expect(sqlBlocks(file).length, file).toBeGreaterThan(0);
    }
  });

  it("every alert names a runbook that exists", () => {
    const named = [...readFileSync(RULES, "utf8").matchAll(/runbook: docs\/runbooks\/(\S+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    for (const file of named) expect(files, file).toContain(file);
  });

  it(`runs every SQL block (${blocks.length}) on the seeded database without error, diagnosis read-only`, async () => {
    expect(blocks.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const b of blocks) {
      const { fix, body } = asTestTransaction(b.sql);
      await client.query(fix ? "BEGIN" : "BEGIN READ ONLY");
      try {
        await client.query(bind(body));
      } catch (err) {
        failures.push(`${b.file} block ${b.index + 1}: ${(err as Error).message}\n${b.sql}`);
      } finally {
        await client.query("ROLLBACK");
      }
    }
    expect(failures).toEqual([]);
  });

  it("the check itself catches a broken query, an unknown placeholder and a write outside a fix block", async () => {
    expect(() => bind("SELECT 1 WHERE x = :nobody")).toThrow("unknown placeholder :nobody");
    expect(bind("SELECT :tenant_id::uuid")).toBe(`SELECT '${ids.tenant_id}'::uuid`);
    await client.query("BEGIN READ ONLY");
    await expect(client.query(bind("UPDATE tenants SET status = 'suspended' WHERE id = :tenant_id"))).rejects.toThrow(/read-only transaction/);
    await client.query("ROLLBACK");
    await client.query("BEGIN READ ONLY");
    await expect(client.query("SELECT no_such_column FROM orders")).rejects.toThrow(/does not exist/);
    await client.query("ROLLBACK");
  });
});
