/**
 * Per-shop backups and the restore of one shop (issue 17 point 2, ADR 043): the daily archive with its checksum and
 * backup_logs row; a restore brings the shop back row for row to its state at backup time, leaves another shop alone,
 * keeps the pre-restore rows aside, and a rollback brings those back; a tampered archive is refused; two failed
 * backups in a row raise the operators' alert.
 */
import { execFile } from "node:child_process";
import { randomBytes, randomUUID, createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { backupAllShops, backupShop, pruneBackups, registerBackupMetrics, restoreShop, rollbackRestore, shopsFailingBackups, type BackupDeps } from "#server/backups/index.ts";
import { createRegistry } from "#server/observability/index.ts";
import { encodeArchive, readArchive, sha256 } from "#server/backups/archive.ts";
import { tenantOwnedTables } from "#server/tenancy/index.ts";
import { SecretBox } from "#server/secrets/index.ts";
import { createTestDatabase } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { MERCHANT, createShop, moneyHarness, placeOrder, sql } from "./money-fixture.ts";

const db = await createTestDatabase();
const { money } = moneyHarness(db);
const logLines: Array<Record<string, unknown>> = [];
const logger = pino({ level: "info" }, new Writable({ write(chunk, _enc, done) { logLines.push(JSON.parse(String(chunk))); done(); } }));
const dir = await mkdtemp(path.join(tmpdir(), "sf-backups-"));
const deps: BackupDeps = { sql: db.run, dir, logger };

/** Every row the shop owns (audit trail aside, which a restore keeps), as Postgres prints it: table → sorted rows. */
async function snapshot(tenantId: string) {
  const out: Record<string, string[]> = {};
  for (const t of await tenantOwnedTables(db.run.query)) {
    if (t.name === "audit_log") continue;
    out[t.name] = (await db.run.query<{ r: string }>(`SELECT to_jsonb(x)::text AS r FROM "${t.name}" x WHERE "${t.key}" = $1 ORDER BY 1`, [tenantId])).map((r) => r.r);
  }
  return out;
}

async function activeShopWithData() {
  const shop = await createShop(db);
  await sql(db, `UPDATE tenants SET status = 'active' WHERE id = $1`, [shop.tenantId]);
  const paid = await placeOrder(money, shop, { rail: "escrow", pay: true });
  await money.ship(MERCHANT, shop.tenantId, paid.orderId);
  await placeOrder(money, shop, { rail: "direct" });
  const box = new SecretBox(randomBytes(32));
  const botId = randomUUID();
  await db.prisma.tenantBot.create({
    data: { id: botId, tenantId: shop.tenantId, telegramBotId: String(Date.now() % 1e9), username: `b${botId.slice(0, 6)}`, encryptedToken: box.seal("1:t", `tenant_bots.token:${botId}`), encryptedWebhookSecret: box.seal("w", `tenant_bots.webhook_secret:${botId}`) },
  });
  return shop;
}

const restoreCli = (args: string[]) =>
  promisify(execFile)("npm", ["run", "-s", "tenants:restore", "--", ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, REDIS_URL, NODE_ENV: "test", BACKUP_DIR: dir },
  });

describe("per-shop backups and restore", () => {
  it("archives each active shop with its checksum; a restore brings one shop back row for row, a rollback undoes it", async () => {
    const a = await activeShopWithData();
    const b = await activeShopWithData();
    const pending = await createShop(db); // closed: not backed up
    await sql(db, `UPDATE tenants SET status = 'closed' WHERE id = $1`, [pending.tenantId]);
    const atBackup = await snapshot(a.tenantId);
    expect(atBackup.orders).toHaveLength(2);
    expect(atBackup.tenant_bots![0]).toContain("encrypted_token"); // a backup keeps what a data export withholds

    const results = await backupAllShops(deps);
    const mine = results.find((r) => r.tenantId === a.tenantId);
    expect(results.map((r) => r.tenantId)).not.toContain(pending.tenantId);
    expect(results.every((r) => r.ok)).toBe(true);
    if (!mine?.ok) throw new Error("no backup of shop a");
    const bytes = await readFile(mine.path);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(mine.sha256);
    expect((await readFile(`${mine.path}.sha256`, "utf8")).split(" ")[0]).toBe(mine.sha256);
    const [header] = gunzipSync(bytes).toString("utf8").split("\n");
    expect(JSON.parse(header!)).toMatchObject({ format: "storefront-shop-backup", tenantId: a.tenantId, slug: a.slug });
    expect(gunzipSync(bytes).toString("utf8")).not.toContain(b.tenantId);
    const [log] = await sql<{ status: string; size_bytes: string; path: string }>(db, `SELECT status, size_bytes::text, path FROM backup_logs WHERE tenant_id = $1`, [a.tenantId]);
    expect(log).toEqual({ status: "ok", size_bytes: String(bytes.length), path: mine.path });

    // Both shops change after the backup.
    await placeOrder(money, a, { rail: "escrow", pay: true });
    await sql(db, `UPDATE tenants SET display_name = 'Renamed after backup' WHERE id = $1`, [a.tenantId]);
    await sql(db, `DELETE FROM tenant_bots WHERE tenant_id = $1`, [a.tenantId]);
    await placeOrder(money, b, { rail: "direct" });
    const aChanged = await snapshot(a.tenantId);
    const bBefore = await snapshot(b.tenantId);
    expect(aChanged).not.toEqual(atBackup);

    const { stdout } = await restoreCli([mine.path, "--reason", "Merchant deleted their bot by mistake (ticket 9)"]);
    const restoreId = stdout.match(/restore ([0-9a-f-]{36})/)?.[1];
    expect(restoreId, stdout).toBeTruthy();
    expect(await snapshot(a.tenantId)).toEqual(atBackup);
    expect(await snapshot(b.tenantId)).toEqual(bBefore);
    const [restore] = await sql<{ aside_schema: string; status: string }>(db, `SELECT aside_schema, status FROM tenant_restores WHERE id = $1`, [restoreId]);
    expect(restore!.status).toBe("restored");
    const [aside] = await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM "${restore!.aside_schema}".orders`);
    expect(aside!.n).toBe(3);
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { tenantId: a.tenantId, action: "tenant.restore" } });
    expect(audit.reason).toBe("Merchant deleted their bot by mistake (ticket 9)");

    await restoreCli(["--rollback", restoreId!, "--reason", "Merchant wants today's orders back"]);
    expect(await snapshot(a.tenantId)).toEqual(aChanged);
    expect(await snapshot(b.tenantId)).toEqual(bBefore);
    expect(await sql(db, `SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [restore!.aside_schema])).toEqual([]);
    await expect(rollbackRestore(db.run, restoreId!, "second time")).rejects.toThrow(/already rolled back/);
  }, 120_000);

  it("refuses an archive whose checksum does not match, a restore without a reason, and changes nothing", async () => {
    const shop = await activeShopWithData();
    const r = await backupShop(deps, shop.tenantId);
    if (!r.ok) throw new Error(r.error);
    const copy = path.join(dir, "copy.jsonl.gz");
    await copyFile(r.path, copy);
    await copyFile(`${r.path}.sha256`, `${copy}.sha256`);
    const bytes = await readFile(copy);
    bytes[bytes.length - 5] ^= 0xff;
    await writeFile(copy, bytes);
    await sql(db, `UPDATE tenants SET display_name = 'Changed' WHERE id = $1`, [shop.tenantId]);
    const before = await snapshot(shop.tenantId);
    await expect(restoreShop(db.run, copy, "restore from a tampered copy")).rejects.toThrow(/checksum mismatch/);
    await expect(restoreCli([r.path])).rejects.toThrow(/--reason/);
    // The recorded checksum wins over a sidecar someone rewrote.
    await writeFile(`${r.path}.sha256`, `${"0".repeat(64)}  x\n`);
    await writeFile(r.path, bytes);
    await expect(restoreShop(db.run, r.path, "restore from a tampered file")).rejects.toThrow(/checksum mismatch/);
    expect(await snapshot(shop.tenantId)).toEqual(before);
    expect(await sql(db, `SELECT 1 FROM tenant_restores WHERE tenant_id = $1`, [shop.tenantId])).toEqual([]);
  }, 60_000);

  it("alerts the operators on the second failed backup in a row, not the first; a success clears it", async () => {
    const shop = await activeShopWithData();
    const broken: BackupDeps = { ...deps, dir: path.join(dir, "copy.jsonl.gz") }; // a file, not a directory
    const first = await backupShop(broken, shop.tenantId);
    expect(first).toMatchObject({ ok: false, consecutiveFailures: 1 });
    expect(logLines.filter((l) => l.alert && l.tenantId === shop.tenantId)).toEqual([]);
    expect((await shopsFailingBackups(db.run.query)).map((s) => s.tenantId)).not.toContain(shop.tenantId);
    const second = await backupShop(broken, shop.tenantId);
    expect(second).toMatchObject({ ok: false, consecutiveFailures: 2 });
    // The metric the BackupFailing rule watches.
    const registry = createRegistry({ processMetrics: false });
    registerBackupMetrics(registry, db.run.query);
    expect(await registry.metrics()).toMatch(/^backup_consecutive_failures\{kind="shop"\} [2-9]/m);
    expect(logLines.filter((l) => l.alert === "backup_failed_repeatedly" && l.tenantId === shop.tenantId)).toHaveLength(1);
    expect(await shopsFailingBackups(db.run.query)).toContainEqual({ tenantId: shop.tenantId, failures: 2 });
    const [failed] = await sql<{ error: string }>(db, `SELECT error FROM backup_logs WHERE tenant_id = $1 AND status = 'failed' LIMIT 1`, [shop.tenantId]);
    expect(failed!.error).toMatch(/ENOTDIR|EEXIST|not a directory/);
    expect((await backupShop(deps, shop.tenantId)).ok).toBe(true);
    expect((await shopsFailingBackups(db.run.query)).map((s) => s.tenantId)).not.toContain(shop.tenantId);
  }, 60_000);

  it("prunes by the retention policy: files the policy drops are deleted, their rows marked pruned, the rest kept", async () => {
    const shop = await activeShopWithData();
    const now = new Date();
    const DAY = 86_400_000;
    // Two backups on one day 40 days ago (weekly zone: only the newer stays) and one yesterday.
    const ages = [40 * DAY + 3_600_000, 40 * DAY, DAY];
    const made = [];
    for (const age of ages) {
      const r = await backupShop({ ...deps, now: () => new Date(now.getTime() - age) }, shop.tenantId);
      if (!r.ok) throw new Error(r.error);
      made.push(r);
    }
    const { pruned } = await pruneBackups({ ...deps, now: () => now });
    expect(pruned).toBeGreaterThanOrEqual(1);
    expect(existsSync(made[0]!.path)).toBe(false);
    expect(existsSync(`${made[0]!.path}.sha256`)).toBe(false);
    expect(existsSync(made[1]!.path)).toBe(true);
    expect(existsSync(made[2]!.path)).toBe(true);
    const rows = await sql<{ path: string; status: string; pruned: boolean }>(db, `SELECT path, status, pruned_at IS NOT NULL AS pruned FROM backup_logs WHERE tenant_id = $1 AND path IS NOT NULL ORDER BY run_at`, [shop.tenantId]);
    expect(rows.slice(0, 3).map((r) => [r.status, r.pruned])).toEqual([["pruned", true], ["ok", false], ["ok", false]]);
    expect((await pruneBackups({ ...deps, now: () => now })).pruned).toBe(0);
  }, 60_000);

  it("refuses an archive carrying another shop's rows, even with a matching checksum, and leaves both shops as they were", async () => {
    const a = await activeShopWithData();
    const b = await activeShopWithData();
    const r = await backupShop(deps, a.tenantId);
    if (!r.ok) throw new Error(r.error);
    const { archive } = await readArchive(r.path);
    const [theirs] = await sql<{ r: string }>(db, `SELECT to_jsonb(t)::text AS r FROM catalog_items t WHERE tenant_id = $1 LIMIT 1`, [b.tenantId]);
    archive.rows.get("catalog_items")!.push(theirs!.r);
    archive.header.tables.catalog_items!.rows++;
    const forged = path.join(dir, "forged.jsonl.gz");
    const bytes = encodeArchive(archive);
    await writeFile(forged, bytes);
    await writeFile(`${forged}.sha256`, `${sha256(bytes)}  forged.jsonl.gz\n`);
    const [aBefore, bBefore] = [await snapshot(a.tenantId), await snapshot(b.tenantId)];
    await expect(restoreShop(db.run, forged, "restore from a forged archive")).rejects.toThrow(/catalog_items has 1 row\(s\) that are not shop/);
    expect(await snapshot(a.tenantId)).toEqual(aBefore);
    expect(await snapshot(b.tenantId)).toEqual(bBefore);
  }, 60_000);
});
