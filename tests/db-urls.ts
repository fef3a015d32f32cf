export const PG_BASE = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
export const ADMIN_URL = `${PG_BASE}/postgres`;
export const TEMPLATE_DB = "sf_test_template";
export const dbUrl = (name: string) => `${PG_BASE}/${name}`;
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
