import { getEnv } from "#server/env.ts";
import { openDatabase } from "#server/db/client.ts";
import { migrate } from "#server/db/migrate.ts";

const env = getEnv();
const db = await openDatabase(env.DATABASE_URL);
try {
  const applied = await migrate(db.sql, (l) => console.log(l));
  console.log(applied.length ? `migrations: ${applied.length} applied` : "migrations: up to date");
} finally {
  await db.close();
}
