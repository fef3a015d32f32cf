
ALTER TYPE "TenantIntegrationStatus" ADD VALUE 'failing';
ALTER TYPE "TenantIntegrationStatus" ADD VALUE 'disconnected';

-- DropIndex
DROP INDEX "tenant_integrations_tenant_id_kind_provider_key";

-- AlterTable
ALTER TABLE "tenant_integrations" ADD COLUMN     "account_id" TEXT,
ADD COLUMN     "business_name" TEXT,
ADD COLUMN     "disconnected_at" TIMESTAMPTZ(6),
ADD COLUMN     "encrypted_secret_key" TEXT,
ADD COLUMN     "encrypted_webhook_secret" TEXT,
ADD COLUMN     "livemode" BOOLEAN;

-- CreateTable
CREATE TABLE "stripe_checkouts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "integration_id" UUID NOT NULL,
    "session_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "payment_intent_id" TEXT,
    "flag_reason" TEXT,
    "refund_id" TEXT,
    "refund_requested_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_checkouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_webhook_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "integration_id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "order_id" UUID,
    "outcome" TEXT NOT NULL DEFAULT 'pending',
    "detail" TEXT,
    "received_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "stripe_checkouts_order_id_key" ON "stripe_checkouts"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "stripe_checkouts_session_id_key" ON "stripe_checkouts"("session_id");

-- CreateIndex
CREATE UNIQUE INDEX "stripe_checkouts_payment_intent_id_key" ON "stripe_checkouts"("payment_intent_id");

-- CreateIndex
CREATE INDEX "stripe_checkouts_tenant_id_status_idx" ON "stripe_checkouts"("tenant_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "stripe_checkouts_tenant_id_order_id_key" ON "stripe_checkouts"("tenant_id", "order_id");

-- CreateIndex
CREATE INDEX "payment_webhook_events_tenant_id_received_at_idx" ON "payment_webhook_events"("tenant_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "payment_webhook_events_integration_id_event_id_key" ON "payment_webhook_events"("integration_id", "event_id");

-- CreateIndex
CREATE INDEX "tenant_integrations_tenant_id_kind_provider_idx" ON "tenant_integrations"("tenant_id", "kind", "provider");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_integrations_tenant_id_id_key" ON "tenant_integrations"("tenant_id", "id");


-- Hand-written (ADR 024) ---------------------------------------------------------------------------------------------
-- One live integration per shop, kind and provider; disconnected rows stay for their orders' history and late webhooks.
CREATE UNIQUE INDEX "tenant_integrations_live_key" ON "tenant_integrations" ("tenant_id", "kind", "provider") WHERE "disconnected_at" IS NULL;
-- A connected Stripe integration always has its account and both sealed secrets.
ALTER TABLE "tenant_integrations" ADD CONSTRAINT "tenant_integrations_stripe_ck"
  CHECK ("provider" <> 'stripe' OR ("account_id" IS NOT NULL AND "livemode" IS NOT NULL
         AND "encrypted_secret_key" IS NOT NULL AND "encrypted_webhook_secret" IS NOT NULL));

-- Each row belongs to its order's and its integration's shop (composite keys: no cross-tenant link can be written).
ALTER TABLE "stripe_checkouts" ADD CONSTRAINT "stripe_checkouts_order_fkey"
  FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders" ("tenant_id", "id") ON DELETE RESTRICT;
ALTER TABLE "stripe_checkouts" ADD CONSTRAINT "stripe_checkouts_integration_fkey"
  FOREIGN KEY ("tenant_id", "integration_id") REFERENCES "tenant_integrations" ("tenant_id", "id") ON DELETE RESTRICT;
ALTER TABLE "stripe_checkouts" ADD CONSTRAINT "stripe_checkouts_amount_ck" CHECK ("amount_minor" > 0);
ALTER TABLE "stripe_checkouts" ADD CONSTRAINT "stripe_checkouts_currency_ck" CHECK ("currency" ~ '^[a-z]{3}$');
ALTER TABLE "stripe_checkouts" ADD CONSTRAINT "stripe_checkouts_status_ck" CHECK ("status" IN ('open', 'paid', 'flagged'));
ALTER TABLE "stripe_checkouts" ADD CONSTRAINT "stripe_checkouts_flag_ck" CHECK (("status" = 'flagged') = ("flag_reason" IS NOT NULL));

ALTER TABLE "payment_webhook_events" ADD CONSTRAINT "payment_webhook_events_integration_fkey"
  FOREIGN KEY ("tenant_id", "integration_id") REFERENCES "tenant_integrations" ("tenant_id", "id") ON DELETE RESTRICT;
ALTER TABLE "payment_webhook_events" ADD CONSTRAINT "payment_webhook_events_outcome_ck"
  CHECK ("outcome" IN ('pending', 'applied', 'ignored', 'flagged'));

-- The state machine backstop, plus what only a card order (external_provider) may do: Stripe reports refunds and
-- disputes at any time after payment, also after the order completed; the money never passed the platform, so there
-- is no hold to settle (ADR 024). Escrow and every other rail keep exactly the transitions they had.
CREATE OR REPLACE FUNCTION order_transition_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" = OLD."status" THEN RETURN NEW; END IF;
  IF (OLD."status", NEW."status") IN (
    ('draft', 'pending_payment'), ('draft', 'cancelled'),
    ('pending_payment', 'escrow_funded'), ('pending_payment', 'paid'), ('pending_payment', 'expired'), ('pending_payment', 'cancelled'),
    ('escrow_funded', 'fulfilling'), ('paid', 'fulfilling'),
    ('fulfilling', 'delivered'), ('delivered', 'completed'),
    ('escrow_funded', 'disputed'), ('fulfilling', 'disputed'), ('delivered', 'disputed'),
    ('disputed', 'completed'), ('disputed', 'refunded')
  ) THEN RETURN NEW; END IF;
  IF NEW."rail" = 'external_provider' AND (OLD."status", NEW."status") IN (
    ('paid', 'refunded'), ('fulfilling', 'refunded'), ('delivered', 'refunded'), ('completed', 'refunded'),
    ('paid', 'disputed'), ('completed', 'disputed')
  ) THEN RETURN NEW; END IF;
  RAISE EXCEPTION 'illegal order transition % -> %', OLD."status", NEW."status" USING ERRCODE = 'check_violation';
END $$;
