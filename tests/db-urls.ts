export const PG_BASE = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
export const ADMIN_URL = `${PG_BASE}/postgres`;
// Overridable so two checkouts (with different migrations) can run their suites on one Postgres at once.
export const TEMPLATE_DB = process.env.TEST_TEMPLATE_DB ?? "sf_test_template";
export const dbUrl = (name: string) => `${PG_BASE}/${name}`;
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
