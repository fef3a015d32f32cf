-- DropIndex
DROP INDEX "tenant_domains_status_idx";

-- AlterTable
ALTER TABLE "tenant_domains" ADD COLUMN     "check_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "degraded_since" TIMESTAMPTZ(6),
ADD COLUMN     "last_error" TEXT,
ADD COLUMN     "last_error_at" TIMESTAMPTZ(6),
ADD COLUMN     "last_problems" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "removed_at" TIMESTAMPTZ(6),
ADD COLUMN     "tls_checked_at" TIMESTAMPTZ(6),
ADD COLUMN     "tls_error" TEXT,
ADD COLUMN     "tls_san_match" BOOLEAN;

-- CreateIndex
CREATE INDEX "tenant_domains_status_next_check_at_idx" ON "tenant_domains"("status", "next_check_at");


-- ---------------------------------------------------------------------------
-- Hand-written (issue 4: custom domains).
-- ---------------------------------------------------------------------------

-- DOM-1: a hostname belongs to at most one tenant, case-insensitively, among domains that are not removed. A removed
-- domain keeps its row (and its event log) but no longer holds the name, so its owner or another tenant can add it
-- again and must prove ownership again with a fresh token.
DROP INDEX "tenant_domains_hostname_lower_uq";
CREATE UNIQUE INDEX "tenant_domains_hostname_lower_uq" ON "tenant_domains" (lower("hostname")) WHERE "status" <> 'removed';

-- TEN-6: only a domain that serves traffic can be the primary host; demoting it must clear the flag in the same write.
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_primary_routable_ck"
  CHECK (NOT "is_primary" OR "status" IN ('active', 'degraded'));
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_check_attempts_ck" CHECK ("check_attempts" >= 0);
-- The ownership token is a random secret of at least 128 bits (base64url): never guessable, never empty.
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_token_ck"
  CHECK ("verification_token" ~ '^[A-Za-z0-9_-]{22,}$');
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_degraded_since_ck"
  CHECK (("status" = 'degraded') = ("degraded_since" IS NOT NULL));
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_removed_at_ck"
  CHECK (("status" = 'removed') = ("removed_at" IS NOT NULL));
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_mode_apex_ck" CHECK ("hostname" LIKE '%.%');

