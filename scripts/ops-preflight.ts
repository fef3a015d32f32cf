/**
 * `npm run ops:preflight [-- --app-url http://10.0.0.5:3000] [--json]`: the launch-readiness gates (ADR 038) against
 * this environment, its database and Caddy; with --app-url also a running instance's /metrics. Prints each gate as
 * PASS or FAIL with its reason and exits 1 when any fails, naming them, so a deploy pipeline can stop on it.
 */
import { parseArgs } from "node:util";
import { openDatabase } from "#server/db/client.ts";
import { formatPreflight, preflightEnv, runPreflight } from "#server/ops/index.ts";

const { values } = parseArgs({ options: { "app-url": { type: "string" }, json: { type: "boolean", default: false } } });
// The one place this entry reads the process environment; preflightEnv validates it like server/env.ts getEnv.
const { env, envProblems } = preflightEnv(process.env);
const db = env && !env.DATABASE_URL.startsWith("pglite:") ? await openDatabase(env.DATABASE_URL, { poolSize: 2 }) : null;
try {
  const report = await runPreflight({ env, envProblems, query: db ? db.run.query : null, appUrl: values["app-url"] });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatPreflight(report));
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await db?.close();
}
