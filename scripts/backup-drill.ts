/**
 * npm run backup:drill — the point-in-time restore drill (ADR 043) on a throwaway cluster in a temp directory:
 * base backup + WAL archive restored to a named restore point, checked to hold exactly the rows written before it.
 * Recorded in restore_drills (the launch gate wants a passed one within 7 days); exits 1 when it fails. Run it weekly.
 */
import { runRestoreDrill } from "#server/backups/index.ts";
import { withDatabase } from "./with-database.ts";

process.exitCode = await withDatabase(async (db, env) => {
  const started = Date.now();
  const result = await runRestoreDrill({ pgBin: env.PG_BIN }).catch((err: Error) => ({ passed: false, detail: `the drill did not finish: ${err.message}`, durationMs: Date.now() - started }));
  await db.run.query(`INSERT INTO restore_drills (passed, detail, duration_ms) VALUES ($1, $2, $3)`, [result.passed, result.detail.slice(0, 2000), result.durationMs]);
  console.log(`${result.passed ? "PASSED" : "FAILED"} in ${(result.durationMs / 1000).toFixed(1)} s: ${result.detail}`);
  return result.passed ? 0 : 1;
});
