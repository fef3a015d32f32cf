/**
 * npm run tenants:apply -- <files…>   upsert manifests (idempotent); publishes a cache invalidation
 * npm run tenants:export -- <slug>    print one tenant as a manifest
 */
import { readFile } from "node:fs/promises";
import { getEnv } from "#server/env.ts";
import { openDatabase } from "#server/db/client.ts";
import { createRedis } from "#server/redis.ts";
import { applyManifest, exportManifest, manifestSchema, publishTenancyChange } from "#server/tenancy/index.ts";

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
      const redis = createRedis(env.REDIS_URL);
      await publishTenancyChange(redis, env.REDIS_PREFIX, "manifests applied").catch(() => console.warn("warning: Redis unreachable, running instances keep their cache until TTL"));
      redis.disconnect();
    }
  } else if (cmd === "export") {
    const m = await exportManifest(db.prisma, args[0] ?? "");
    if (!m) throw new Error(`no tenant with slug ${args[0]}`);
    console.log(JSON.stringify(m, null, 2));
  } else throw new Error("usage: tenants.ts apply|export");
} catch (err) {
  console.error((err as Error).message);
  code = 1;
} finally {
  await db.close();
}
process.exit(code);
