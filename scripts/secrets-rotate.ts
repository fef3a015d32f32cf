/**
 * `npm run secrets:rotate`: re-encrypt every stored secret under SECRET_BOX_KEY. Put the previous key in
 * SECRET_BOX_OLD_KEYS first (so rows can still be read), run this, then remove the old key.
 */
import { rotateSecrets, secretBoxFromEnv } from "#server/secrets/index.ts";
import { withDatabase } from "./with-database.ts";

await withDatabase(async (db, env) => {
  const report = await rotateSecrets(db.prisma, secretBoxFromEnv(env));
  console.log(JSON.stringify({ scanned: report.scanned, rotated: report.rotated, alreadyCurrent: report.alreadyCurrent, failed: report.failed.length }));
  for (const f of report.failed) console.error(`could not rotate ${f.table} ${f.id}: ${f.reason}`);
  process.exitCode = report.failed.length ? 1 : 0;
});
