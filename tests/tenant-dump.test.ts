/**
 * npm run tenants:dump (docs/security.md Reliability 8): every row one shop owns, one JSON file per tenant-owned table,
 * nothing of another shop, no secrets or hashes behind buyer links and codes, and the export itself audited.
 */
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { SecretBox } from "#server/secrets/index.ts";
import { MERCHANT, createShop, moneyHarness, placeOrder, sql } from "./money-fixture.ts";

const db = await createTestDatabase();
const { money } = moneyHarness(db);
const run = (args: string[]) =>
  promisify(execFile)("npm", ["run", "-s", "tenants:dump", "--", ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, REDIS_URL, NODE_ENV: "test" },
  });

describe("npm run tenants:dump", () => {
  it("writes every table the shop owns, only its rows, without secrets, and audits the export", async () => {
    const shop = await createShop(db);
    const other = await createShop(db);
    const mine = await placeOrder(money, shop, { rail: "escrow", pay: true });
    await money.ship(MERCHANT, shop.tenantId, mine.orderId);
    const theirs = await placeOrder(money, other, { rail: "escrow", pay: true });
    const box = new SecretBox(randomBytes(32));
    const botId = randomUUID();
    const sealed = box.seal("4242:secret-bot-token", `tenant_bots.token:${botId}`);
    await db.prisma.tenantBot.create({
      data: {
        id: botId, tenantId: shop.tenantId, telegramBotId: "4242", username: "dumpbot", encryptedToken: sealed,
        encryptedWebhookSecret: box.seal("wh", `tenant_bots.webhook_secret:${botId}`),
      },
    });

    const dir = await mkdtemp(path.join(tmpdir(), "sf-dump-"));
    await expect(run([shop.slug, dir])).rejects.toThrow(/--reason/);
    const { stdout } = await run([shop.slug, dir, "--reason", "Merchant asked for their data (ticket 812)"]);
    expect(stdout).toMatch(/^orders: 1 row\(s\) \(withheld: token_hash, request_hash\)$/m);

    // Every table with a tenant_id column is there (a new table cannot be forgotten), plus the shop and its manifest.
    // Except the platform's own records about the shop (backup_logs, tenant_restores; ADR 043).
    const owned = (await sql<{ t: string }>(db, `SELECT DISTINCT table_name t FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' AND table_name NOT IN ('backup_logs', 'tenant_restores')`)).map((r) => r.t);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([...owned, "tenants", "manifest"].map((t) => `${t}.json`).sort());

    const read = async (table: string) => JSON.parse(await readFile(path.join(dir, `${table}.json`), "utf8")) as Array<Record<string, unknown>>;
    expect((await read("tenants")).map((t) => t.id)).toEqual([shop.tenantId]);
    const orders = await read("orders");
    expect(orders.map((o) => o.id)).toEqual([mine.orderId]);
    expect(orders[0]).not.toHaveProperty("token_hash");
    expect((await read("ledger_entries")).length).toBeGreaterThan(0);
    expect((await read("delivery_codes"))[0]).not.toHaveProperty("code_hash");
    expect((await read("delivery_codes"))[0]).not.toHaveProperty("nonce");
    const bots = await read("tenant_bots");
    expect(bots.map((b) => b.username)).toEqual(["dumpbot"]);
    expect(Object.keys(bots[0]!).filter((k) => k.startsWith("encrypted_"))).toEqual([]);
    for (const table of owned) {
      for (const row of await read(table)) if ("tenant_id" in row && row.tenant_id !== null) expect(row.tenant_id, table).toBe(shop.tenantId);
    }
    const everything = (await Promise.all(files.map((f) => readFile(path.join(dir, f), "utf8")))).join("\n");
    expect(everything).not.toContain(other.tenantId);
    expect(everything).not.toContain(theirs.orderId);
    expect(everything).not.toContain(sealed);

    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { tenantId: shop.tenantId, action: "tenant.data_export" } });
    expect(audit).toMatchObject({ actorKind: "system", reason: "Merchant asked for their data (ticket 812)" });
  });
});
