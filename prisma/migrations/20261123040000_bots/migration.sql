-- AlterTable
ALTER TABLE "tenant_bots" ADD COLUMN     "claimed_at" TIMESTAMPTZ(6),
ADD COLUMN     "encrypted_claim_token" TEXT,
ADD COLUMN     "last_error" TEXT,
ADD COLUMN     "last_error_at" TIMESTAMPTZ(6),
ADD COLUMN     "menu_button_set_at" TIMESTAMPTZ(6),
ADD COLUMN     "paused" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "revoked_at" TIMESTAMPTZ(6),
ADD COLUMN     "webhook_set_at" TIMESTAMPTZ(6);

-- CreateTable
CREATE TABLE "buyer_sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "telegram_user_id" TEXT NOT NULL,
    "display_name" TEXT,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "buyer_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "buyer_sessions_token_hash_key" ON "buyer_sessions"("token_hash");

-- CreateIndex
CREATE INDEX "buyer_sessions_tenant_id_telegram_user_id_idx" ON "buyer_sessions"("tenant_id", "telegram_user_id");

-- AddForeignKey
ALTER TABLE "buyer_sessions" ADD CONSTRAINT "buyer_sessions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- ---------------------------------------------------------------------------
-- Hand-written: bot secrets are only ever stored sealed, and the claim is a one-way transition.
-- ---------------------------------------------------------------------------

-- A plaintext token (or anything that is not a secret-box envelope) cannot be stored.
ALTER TABLE "tenant_bots" ADD CONSTRAINT "tenant_bots_token_sealed_ck" CHECK ("encrypted_token" ~ '^v1:[0-9a-f]{12}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$');
ALTER TABLE "tenant_bots" ADD CONSTRAINT "tenant_bots_webhook_secret_sealed_ck" CHECK ("encrypted_webhook_secret" ~ '^v1:[0-9a-f]{12}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$');
ALTER TABLE "tenant_bots" ADD CONSTRAINT "tenant_bots_claim_token_sealed_ck" CHECK ("encrypted_claim_token" IS NULL OR "encrypted_claim_token" ~ '^v1:[0-9a-f]{12}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$');
-- The claim token exists (hash and sealed copy) until the claim, and never again after it.
ALTER TABLE "tenant_bots" ADD CONSTRAINT "tenant_bots_claim_pair_ck" CHECK (("claim_token_hash" IS NULL) = ("encrypted_claim_token" IS NULL));
ALTER TABLE "tenant_bots" ADD CONSTRAINT "tenant_bots_claimed_ck"
  CHECK (("claimed_at" IS NULL) OR ("claim_token_hash" IS NULL AND "admin_telegram_user_id" IS NOT NULL));
ALTER TABLE "tenant_bots" ADD CONSTRAINT "tenant_bots_active_claimed_ck" CHECK ("status" <> 'active' OR "claimed_at" IS NOT NULL);
