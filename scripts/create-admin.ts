/**
 * `npm run ops:create-admin -- --email <e> --password <p>`: create or update a platform operator, idempotently.
 * The password can also come from OPS_ADMIN_PASSWORD so it stays out of shell history.
 */
import { parseArgs } from "node:util";
import { emailSchema, newPasswordSchema } from "#server/auth/index.ts";
import { AuthService, LoginGuard } from "#server/auth/index.ts";
import { createRedis } from "#server/redis.ts";
import { withDatabase } from "./with-database.ts";

const { values } = parseArgs({ options: { email: { type: "string" }, password: { type: "string" } } });
const email = emailSchema.safeParse(values.email ?? "");
const password = newPasswordSchema.safeParse(values.password ?? process.env.OPS_ADMIN_PASSWORD ?? "");
if (!email.success || !password.success) {
  console.error("usage: npm run ops:create-admin -- --email <email> --password <at least 10 characters>");
  process.exit(2);
}
await withDatabase(async (db, env) => {
  const redis = createRedis(env);
  try {
    const auth = new AuthService({ prisma: db.prisma, guard: new LoginGuard({ redis, prefix: env.REDIS_PREFIX, limit: 1, ipFailures: 1, ipAttempts: 1, windowMs: 1, backoffMaxMs: 0, signupsPerHour: 1, accountMailLimit: 1 }), sessionTtlMs: 1 });
    const user = await auth.upsertOperator(email.data, password.data);
    console.log(`operator ready: ${user.email} (${user.id})`);
  } finally {
    redis.disconnect();
  }
});
