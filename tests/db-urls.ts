import { createHash } from "node:crypto";
import path from "node:path";

export const PG_BASE = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
export const ADMIN_URL = `${PG_BASE}/postgres`;
// One template per checkout, so two checkouts (a working copy and a fresh clone under CI) can run their suites on
// one Postgres at once: each run's global setup rebuilds only its own. Overridable.
const checkout = createHash("sha256").update(path.resolve(import.meta.dirname, "..")).digest("hex").slice(0, 10);
export const TEMPLATE_DB = process.env.TEST_TEMPLATE_DB ?? `sf_test_template_${checkout}`;
export const dbUrl = (name: string) => `${PG_BASE}/${name}`;
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
