/**
 * The start every operator script shares: the environment validated once (a bad value ends the script with its
 * message and exit 1, never a stack), then the database, closed however the work ends.
 */
import { getEnv, type Env } from "#server/env.ts";
import { openDatabase } from "#server/db/client.ts";

type Database = Awaited<ReturnType<typeof openDatabase>>;

export function scriptEnv(): Env {
  try {
    return getEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}

export async function withDatabase<T>(work: (db: Database, env: Env) => Promise<T>): Promise<T> {
  const env = scriptEnv();
  const db = await openDatabase(env.DATABASE_URL);
  try {
    return await work(db, env);
  } finally {
    await db.close();
  }
}
