/**
 * `npm run edge:reconcile`: reconcile Caddy's routes with the database once (EDGE-2) and print the report. Exit 0 when
 * the edge matches the database afterwards, 1 when Caddy could not be reconciled, 2 when no edge is configured.
 * The same reconcile runs at start-up and periodically inside the worker; this is the operator's manual lever.
 */
import { getEnv } from "#server/env.ts";
import { openDatabase } from "#server/db/client.ts";
import { createRedis } from "#server/redis.ts";
import { createLogger } from "#server/observability/logger.ts";
import { createServices } from "#server/services.ts";

let env;
try {
  env = getEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
if (!env.CADDY_ADMIN_URL) {
  console.error("CADDY_ADMIN_URL is not set: there is no edge to reconcile (see README, 'Custom domains and the edge').");
  process.exit(2);
}
const db = await openDatabase(env.DATABASE_URL);
const redis = createRedis(env);
const services = createServices({ prisma: db.prisma, sql: db.run, redis, env, logger: createLogger("warn") });
let code = 1;
try {
  const report = await services.edge!.reconcile("npm run edge:reconcile");
  console.log(JSON.stringify(report, null, 2));
  code = report.ok ? 0 : 1;
} catch (err) {
  console.error(`edge reconcile failed: ${(err as Error).message}`);
} finally {
  await services.close();
  redis.disconnect();
  await db.close();
}
process.exit(code);
