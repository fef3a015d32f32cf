-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "PlatformRole" AS ENUM ('user', 'admin');

-- CreateEnum
CREATE TYPE "TenantType" AS ENUM ('hosted_seller', 'white_label', 'isolated', 'enterprise');

-- CreateEnum
CREATE TYPE "TenantStatus" AS ENUM ('pending', 'active', 'suspended', 'closed');

-- CreateEnum
CREATE TYPE "TenantIsolationMode" AS ENUM ('shared', 'schema', 'database', 'stack');

-- CreateEnum
CREATE TYPE "TenantDomainMode" AS ENUM ('cname', 'apex');

-- CreateEnum
CREATE TYPE "TenantDomainStatus" AS ENUM ('pending', 'active', 'degraded', 'failed', 'suspended', 'removed');

-- CreateEnum
CREATE TYPE "TenantTlsStatus" AS ENUM ('pending', 'issued', 'failed', 'expired');

-- CreateEnum
CREATE TYPE "TenantBotStatus" AS ENUM ('pending', 'active', 'suspended', 'revoked');

-- CreateEnum
CREATE TYPE "TenantIntegrationKind" AS ENUM ('catalog', 'delivery', 'payment', 'accounting', 'notification');

-- CreateEnum
CREATE TYPE "TenantIntegrationStatus" AS ENUM ('draft', 'active', 'error', 'disabled');

-- CreateEnum
CREATE TYPE "PaymentRail" AS ENUM ('escrow', 'direct', 'external_provider', 'manual_invoice');

-- CreateEnum
CREATE TYPE "BuyerDisclosureMode" AS ENUM ('strict', 'plain');

-- CreateEnum
CREATE TYPE "TenantRole" AS ENUM ('owner', 'manager', 'finance', 'support', 'developer');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT,
    "display_name" TEXT,
    "platform_role" "PlatformRole" NOT NULL DEFAULT 'user',
    "telegram_user_id" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "revoked_at" TIMESTAMPTZ(6),
    "ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "owner_user_id" UUID,
    "slug" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "type" "TenantType" NOT NULL DEFAULT 'hosted_seller',
    "status" "TenantStatus" NOT NULL DEFAULT 'pending',
    "isolation_mode" "TenantIsolationMode" NOT NULL DEFAULT 'shared',
    "brand" JSONB NOT NULL DEFAULT '{}',
    "features" JSONB NOT NULL DEFAULT '{}',
    "locale_defaults" TEXT[] DEFAULT ARRAY['en']::TEXT[],
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "version" INTEGER NOT NULL DEFAULT 1,
    "status_reason" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_domains" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "hostname" TEXT NOT NULL,
    "mode" "TenantDomainMode" NOT NULL DEFAULT 'cname',
    "status" "TenantDomainStatus" NOT NULL DEFAULT 'pending',
    "is_primary" BOOLEAN NOT NULL DEFAULT false,
    "verification_token" TEXT NOT NULL,
    "tls_status" "TenantTlsStatus" NOT NULL DEFAULT 'pending',
    "tls_issuer" TEXT,
    "tls_not_after" TIMESTAMPTZ(6),
    "last_checked_at" TIMESTAMPTZ(6),
    "next_check_at" TIMESTAMPTZ(6),
    "verified_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "tenant_domains_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_domain_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "domain_id" UUID NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_domain_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_bots" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "telegram_bot_id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "encrypted_token" TEXT NOT NULL,
    "encrypted_webhook_secret" TEXT NOT NULL,
    "status" "TenantBotStatus" NOT NULL DEFAULT 'pending',
    "mini_app_url" TEXT,
    "claim_token_hash" TEXT,
    "admin_telegram_user_id" TEXT,
    "last_webhook_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "tenant_bots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_integrations" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" "TenantIntegrationKind" NOT NULL,
    "provider" TEXT NOT NULL,
    "status" "TenantIntegrationStatus" NOT NULL DEFAULT 'draft',
    "config" JSONB NOT NULL DEFAULT '{}',
    "encrypted_config" TEXT,
    "last_sync_at" TIMESTAMPTZ(6),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "tenant_integrations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_payment_policies" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "allowed_rails" "PaymentRail"[] DEFAULT ARRAY['escrow']::"PaymentRail"[],
    "default_rail" "PaymentRail" NOT NULL DEFAULT 'escrow',
    "escrow_required_above_amount" DECIMAL(38,18),
    "escrow_required_for_categories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "buyer_disclosure_mode" "BuyerDisclosureMode" NOT NULL DEFAULT 'strict',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "tenant_payment_policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_user_roles" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "TenantRole" NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "tenant_user_roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL,
    "actor_id" UUID,
    "actor_kind" TEXT NOT NULL DEFAULT 'user',
    "tenant_id" UUID,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "reason" TEXT,
    "ip" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "users_telegram_user_id_key" ON "users"("telegram_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");

-- CreateIndex
CREATE INDEX "tenants_status_idx" ON "tenants"("status");

-- CreateIndex
CREATE INDEX "tenants_owner_user_id_idx" ON "tenants"("owner_user_id");

-- CreateIndex
CREATE INDEX "tenant_domains_tenant_id_idx" ON "tenant_domains"("tenant_id");

-- CreateIndex
CREATE INDEX "tenant_domains_status_idx" ON "tenant_domains"("status");

-- CreateIndex
CREATE INDEX "tenant_domain_events_tenant_id_domain_id_created_at_idx" ON "tenant_domain_events"("tenant_id", "domain_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_bots_telegram_bot_id_key" ON "tenant_bots"("telegram_bot_id");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_bots_claim_token_hash_key" ON "tenant_bots"("claim_token_hash");

-- CreateIndex
CREATE INDEX "tenant_bots_tenant_id_idx" ON "tenant_bots"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_integrations_tenant_id_kind_provider_key" ON "tenant_integrations"("tenant_id", "kind", "provider");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_payment_policies_tenant_id_key" ON "tenant_payment_policies"("tenant_id");

-- CreateIndex
CREATE INDEX "tenant_user_roles_user_id_idx" ON "tenant_user_roles"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_user_roles_tenant_id_user_id_role_key" ON "tenant_user_roles"("tenant_id", "user_id", "role");

-- CreateIndex
CREATE INDEX "audit_log_tenant_id_created_at_idx" ON "audit_log"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_action_created_at_idx" ON "audit_log"("action", "created_at");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_owner_user_id_fkey" FOREIGN KEY ("owner_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_domain_events" ADD CONSTRAINT "tenant_domain_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_domain_events" ADD CONSTRAINT "tenant_domain_events_domain_id_fkey" FOREIGN KEY ("domain_id") REFERENCES "tenant_domains"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_bots" ADD CONSTRAINT "tenant_bots_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_integrations" ADD CONSTRAINT "tenant_integrations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_payment_policies" ADD CONSTRAINT "tenant_payment_policies_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_user_roles" ADD CONSTRAINT "tenant_user_roles_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_user_roles" ADD CONSTRAINT "tenant_user_roles_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------
-- Hand-written: invariants Prisma's schema language cannot express.
-- ---------------------------------------------------------------------------

-- TEN-1: slug format is enforced by the database too, so no code path (manifest, SQL console) can store a bad one.
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_slug_format_ck"
  CHECK ("slug" ~ '^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$');
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_version_positive_ck" CHECK ("version" > 0);

ALTER TABLE "users" ADD CONSTRAINT "users_email_lower_ck" CHECK ("email" = lower("email"));

-- Hostname uniqueness is the tenancy security boundary: one host maps to at most one tenant, case-insensitively.
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_hostname_lower_ck" CHECK ("hostname" = lower("hostname"));
CREATE UNIQUE INDEX "tenant_domains_hostname_lower_uq" ON "tenant_domains" (lower("hostname"));
-- At most one primary custom domain per tenant.
CREATE UNIQUE INDEX "tenant_domains_one_primary_uq" ON "tenant_domains" ("tenant_id") WHERE "is_primary";

-- PAY-2: a policy must allow at least one rail and its default must be one of them.
ALTER TABLE "tenant_payment_policies" ADD CONSTRAINT "tenant_payment_policies_rails_nonempty_ck"
  CHECK (cardinality("allowed_rails") > 0);
ALTER TABLE "tenant_payment_policies" ADD CONSTRAINT "tenant_payment_policies_default_in_allowed_ck"
  CHECK ("default_rail" = ANY ("allowed_rails"));
ALTER TABLE "tenant_payment_policies" ADD CONSTRAINT "tenant_payment_policies_threshold_ck"
  CHECK ("escrow_required_above_amount" IS NULL OR "escrow_required_above_amount" >= 0);

-- Append-only history: the audit log and the domain event log refuse UPDATE and DELETE.
CREATE OR REPLACE FUNCTION refuse_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION refuse_mutation();
CREATE TRIGGER "tenant_domain_events_append_only" BEFORE UPDATE ON "tenant_domain_events"
  FOR EACH ROW EXECUTE FUNCTION refuse_mutation();
