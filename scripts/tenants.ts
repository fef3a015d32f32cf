/**
 * npm run tenants:apply -- <files…>   upsert manifests (idempotent); publishes a cache invalidation
 * npm run tenants:export -- <slug>    print one tenant as a manifest
 * npm run tenants:dump -- <slug> <dir> --reason "<why>"
 *                                      every row the tenant owns, one JSON file per table, plus its manifest (audited)
 * npm run tenants:restore -- <archive.jsonl.gz> --reason "<why>"
 *                                      one shop back from its backup archive; its current rows kept aside (ADR 043)
 * npm run tenants:restore -- --rollback <restore id> --reason "<why>"
 *                                      undo that restore: the rows kept aside come back
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { readFile } from "node:fs/promises";
import { getEnv } from "#server/env.ts";
import { openDatabase } from "#server/db/client.ts";
import { createRedis } from "#server/redis.ts";
import { applyManifest, exportManifest, exportTenantData, manifestSchema, publishTenancyChange } from "#server/tenancy/index.ts";
import { writeAudit } from "#server/audit/index.ts";
import { restoreShop, rollbackRestore } from "#server/backups/index.ts";

const [cmd, ...args] = process.argv.slice(2);
const env = getEnv();
const db = await openDatabase(env.DATABASE_URL);
let code = 0;
try {
  if (cmd === "apply") {
    if (!args.length) throw new Error("usage: tenants:apply -- <manifest.json…>");
    let total = 0;
    for (const file of args) {
      const parsed = manifestSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
      if (!parsed.success) {
        console.error(`${file}: invalid manifest\n${parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`).join("\n")}`);
        code = 1;
        continue;
      }
      const r = await applyManifest(db.prisma, parsed.data);
      total += r.changed;
      console.log(`${r.slug}: ${r.changed ? `${r.changed} row(s) written` : "unchanged"}`);
    }
    if (total > 0) {
      const redis = createRedis(env);
      await publishTenancyChange(redis, env.REDIS_PREFIX, "manifests applied").catch(() => console.warn("warning: Redis unreachable, running instances keep their cache until TTL"));
      redis.disconnect();
    }
  } else if (cmd === "export") {
    const m = await exportManifest(db.prisma, args[0] ?? "");
    if (!m) throw new Error(`no tenant with slug ${args[0]}`);
    console.log(JSON.stringify(m, null, 2));
  } else if (cmd === "dump") {
    const [slug, dir] = args;
    const reason = args[args.indexOf("--reason") + 1]?.trim() ?? "";
    if (!slug || !dir || dir === "--reason" || !args.includes("--reason") || reason.length < 5) {
      throw new Error('usage: tenants:dump -- <slug> <dir> --reason "<why, at least 5 characters>"');
    }
    const tenant = await db.prisma.tenant.findUnique({ where: { slug }, select: { id: true } });
    if (!tenant) throw new Error(`no tenant with slug ${slug}`);
    // The export is a read of the shop's customer data: it is in the shop's audit trail before it happens.
    await writeAudit(db.prisma, { userId: null, kind: "system" }, { action: "tenant.data_export", tenantId: tenant.id, target: `tenant:${tenant.id}`, reason });
    const data = await exportTenantData(db.run.query, tenant.id);
    await mkdir(dir, { recursive: true });
    for (const [table, rows] of Object.entries(data.tables)) {
      await writeFile(path.join(dir, `${table}.json`), JSON.stringify(rows, null, 2) + "\n");
      console.log(`${table}: ${rows.length} row(s)${data.withheld[table] ? ` (withheld: ${data.withheld[table].join(", ")})` : ""}`);
    }
    await writeFile(path.join(dir, "manifest.json"), JSON.stringify(await exportManifest(db.prisma, slug), null, 2) + "\n");
  } else if (cmd === "restore") {
    const reason = args.includes("--reason") ? (args[args.indexOf("--reason") + 1]?.trim() ?? "") : "";
    const rollback = args.includes("--rollback") ? args[args.indexOf("--rollback") + 1] : undefined;
    const archive = args[0];
    if (reason.length < 5 || (!rollback && (!archive || archive.startsWith("--")))) {
      throw new Error('usage: tenants:restore -- <archive.jsonl.gz> --reason "<why>"  |  tenants:restore -- --rollback <restore id> --reason "<why>" (a reason of at least 5 characters)');
    }
    const printCounts = (tables: Record<string, number>) => {
      for (const [table, n] of Object.entries(tables)) if (n) console.log(`${table}: ${n} row(s)`);
    };
    if (rollback) {
      const r = await rollbackRestore(db.run, rollback, reason);
      printCounts(r.tables);
      console.log(`rolled back restore ${rollback} of tenant ${r.tenantId}`);
    } else {
      const r = await restoreShop(db.run, path.resolve(archive!), reason);
      printCounts(r.tables);
      console.log(`restore ${r.restoreId} of tenant ${r.tenantId} done; the rows it replaced are in schema ${r.asideSchema} (undo: npm run tenants:restore -- --rollback ${r.restoreId} --reason "…")`);
    }
    // Every instance drops its cached view of the shop (domains, status, brand may all have changed).
    const redis = createRedis(env);
    await publishTenancyChange(redis, env.REDIS_PREFIX, "tenant restored").catch(() => console.warn("warning: Redis unreachable, running instances keep their cache until TTL"));
    redis.disconnect();
  } else throw new Error("usage: tenants.ts apply|export|dump|restore");
} catch (err) {
  console.error((err as Error).message);
  code = 1;
} finally {
  await db.close();
}
process.exit(code);
