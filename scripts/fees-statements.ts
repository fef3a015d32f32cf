/**
 * `npm run fees:statements -- --month YYYY-MM`: make (or bring up to date) every shop's platform-fee statement for an
 * ended month (ADR 025). Idempotent: a second run changes nothing; settled statements are never touched. Without
 * --month it bills the month that just ended (what the daily job does).
 */
import { parseArgs } from "node:util";
import { FEE_STATEMENT_SYSTEM_ACTOR, generateFeeStatements, previousMonth } from "#server/money/index.ts";
import { withDatabase } from "./with-database.ts";

const { values } = parseArgs({ options: { month: { type: "string" } } });
const month = values.month ?? previousMonth(new Date());

await withDatabase(async (db) => {
  try {
    const result = await generateFeeStatements({ sql: db.run, now: () => new Date() }, month, FEE_STATEMENT_SYSTEM_ACTOR);
    console.log(JSON.stringify(result));
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
});
