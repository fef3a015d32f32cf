-- Issue 17 / ADR 048: the upstream pool (EDGE_POOLS) whose instances serve a shop's hosts. Operators set it; the
-- reconciler routes the shop's slug host and custom domains through that pool's grouped route (sf-hosts-<pool>).
-- Whether the name is configured is checked by the app (pools live in env); the format is checked here.
ALTER TABLE "tenants" ADD COLUMN "edge_pool" TEXT NOT NULL DEFAULT 'shared';
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_edge_pool_format" CHECK ("edge_pool" ~ '^[a-z0-9][a-z0-9-]{0,30}$' AND "edge_pool" <> 'app');
