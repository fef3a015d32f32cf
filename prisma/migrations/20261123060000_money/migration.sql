-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('draft', 'pending_payment', 'escrow_funded', 'paid', 'fulfilling', 'delivered', 'completed', 'expired', 'cancelled', 'disputed', 'refunded');

-- CreateEnum
CREATE TYPE "PaymentIntentStatus" AS ENUM ('requires_payment', 'succeeded', 'cancelled');

-- CreateEnum
CREATE TYPE "EscrowStatus" AS ENUM ('held', 'released', 'refunded');

-- CreateEnum
CREATE TYPE "DisputeStatus" AS ENUM ('open', 'resolved');

-- CreateEnum
CREATE TYPE "DisputeResolution" AS ENUM ('release', 'refund');

-- CreateEnum
CREATE TYPE "LedgerAccountKind" AS ENUM ('buyer_clearing', 'escrow', 'merchant_payable', 'platform_fees', 'external');

-- CreateTable
CREATE TABLE "tenant_money_settings" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "platform_fee_bps" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "tenant_money_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kill_switches" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "engaged" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT,
    "updated_by" UUID,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kill_switches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" "OrderStatus" NOT NULL DEFAULT 'pending_payment',
    "rail" "PaymentRail" NOT NULL,
    "currency" TEXT NOT NULL,
    "subtotal" DECIMAL(38,18) NOT NULL,
    "total" DECIMAL(38,18) NOT NULL,
    "fee_bps" INTEGER NOT NULL,
    "fee_amount" DECIMAL(38,18) NOT NULL,
    "guest_email" TEXT NOT NULL,
    "shipping_address" JSONB,
    "requires_shipping" BOOLEAN NOT NULL,
    "acknowledged_no_escrow" BOOLEAN NOT NULL DEFAULT false,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "paid_at" TIMESTAMPTZ(6),
    "shipped_at" TIMESTAMPTZ(6),
    "delivered_at" TIMESTAMPTZ(6),
    "release_after" TIMESTAMPTZ(6),
    "closed_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_lines" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "category" TEXT,
    "kind" "CatalogItemKind" NOT NULL,
    "unit_price" DECIMAL(38,18) NOT NULL,
    "quantity" INTEGER NOT NULL,
    "line_total" DECIMAL(38,18) NOT NULL,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_intents" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "rail" "PaymentRail" NOT NULL,
    "amount" DECIMAL(38,18) NOT NULL,
    "currency" TEXT NOT NULL,
    "status" "PaymentIntentStatus" NOT NULL DEFAULT 'requires_payment',
    "external_ref" TEXT,
    "evidence_note" TEXT,
    "confirmed_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_intents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_accounts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "LedgerAccountKind" NOT NULL,
    "currency" TEXT NOT NULL,
    "balance" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_postings" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "order_id" UUID,
    "memo" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_postings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "posting_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "amount" DECIMAL(38,18) NOT NULL,
    "currency" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escrows" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "status" "EscrowStatus" NOT NULL DEFAULT 'held',
    "amount" DECIMAL(38,18) NOT NULL,
    "released_amount" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "refunded_amount" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "fee_amount" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL,
    "held_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(6),

    CONSTRAINT "escrows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery_codes" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "nonce" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL,
    "consumed_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delivery_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "disputes" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "status" "DisputeStatus" NOT NULL DEFAULT 'open',
    "reason" TEXT NOT NULL,
    "from_status" "OrderStatus" NOT NULL,
    "resolution" "DisputeResolution",
    "resolution_note" TEXT,
    "resolved_by" UUID,
    "opened_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(6),

    CONSTRAINT "disputes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sandbox_transfers" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amount" DECIMAL(38,18) NOT NULL,
    "currency" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sandbox_transfers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_reports" (
    "id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),
    "violations" INTEGER NOT NULL,
    "checks" JSONB NOT NULL DEFAULT '{}',
    "details" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "reconciliation_reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenant_money_settings_tenant_id_key" ON "tenant_money_settings"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "kill_switches_tenant_id_key" ON "kill_switches"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_token_hash_key" ON "orders"("token_hash");

-- CreateIndex
CREATE INDEX "orders_tenant_id_created_at_id_idx" ON "orders"("tenant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "orders_tenant_id_status_idx" ON "orders"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "orders_status_expires_at_idx" ON "orders"("status", "expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "orders_tenant_id_idempotency_key_key" ON "orders"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "orders_tenant_id_id_key" ON "orders"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "order_lines_tenant_id_order_id_idx" ON "order_lines"("tenant_id", "order_id");

-- CreateIndex
CREATE INDEX "order_events_tenant_id_order_id_created_at_idx" ON "order_events"("tenant_id", "order_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "payment_intents_order_id_key" ON "payment_intents"("order_id");

-- CreateIndex
CREATE INDEX "payment_intents_tenant_id_idx" ON "payment_intents"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_intents_tenant_id_order_id_key" ON "payment_intents"("tenant_id", "order_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_accounts_key_key" ON "ledger_accounts"("key");

-- CreateIndex
CREATE INDEX "ledger_accounts_tenant_id_kind_idx" ON "ledger_accounts"("tenant_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_postings_idempotency_key_key" ON "ledger_postings"("idempotency_key");

-- CreateIndex
CREATE INDEX "ledger_postings_tenant_id_order_id_idx" ON "ledger_postings"("tenant_id", "order_id");

-- CreateIndex
CREATE INDEX "ledger_entries_account_id_idx" ON "ledger_entries"("account_id");

-- CreateIndex
CREATE INDEX "ledger_entries_posting_id_idx" ON "ledger_entries"("posting_id");

-- CreateIndex
CREATE UNIQUE INDEX "escrows_order_id_key" ON "escrows"("order_id");

-- CreateIndex
CREATE INDEX "escrows_tenant_id_status_idx" ON "escrows"("tenant_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "escrows_tenant_id_order_id_key" ON "escrows"("tenant_id", "order_id");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_codes_order_id_key" ON "delivery_codes"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_codes_tenant_id_order_id_key" ON "delivery_codes"("tenant_id", "order_id");

-- CreateIndex
CREATE INDEX "disputes_status_opened_at_idx" ON "disputes"("status", "opened_at");

-- CreateIndex
CREATE INDEX "disputes_tenant_id_order_id_idx" ON "disputes"("tenant_id", "order_id");

-- CreateIndex
CREATE UNIQUE INDEX "sandbox_transfers_idempotency_key_key" ON "sandbox_transfers"("idempotency_key");

-- CreateIndex
CREATE INDEX "sandbox_transfers_tenant_id_order_id_idx" ON "sandbox_transfers"("tenant_id", "order_id");

-- CreateIndex
CREATE INDEX "reconciliation_reports_started_at_idx" ON "reconciliation_reports"("started_at");

-- AddForeignKey
ALTER TABLE "tenant_money_settings" ADD CONSTRAINT "tenant_money_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kill_switches" ADD CONSTRAINT "kill_switches_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_tenant_id_order_id_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_tenant_id_item_id_fkey" FOREIGN KEY ("tenant_id", "item_id") REFERENCES "catalog_items"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_tenant_id_order_id_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_tenant_id_order_id_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_posting_id_fkey" FOREIGN KEY ("posting_id") REFERENCES "ledger_postings"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "ledger_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escrows" ADD CONSTRAINT "escrows_tenant_id_order_id_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery_codes" ADD CONSTRAINT "delivery_codes_tenant_id_order_id_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_tenant_id_order_id_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------
-- Hand-written: money invariants (MONEY.md). The database enforces them whatever the application does.
-- ---------------------------------------------------------------------------

ALTER TABLE "tenant_money_settings" ADD CONSTRAINT "tenant_money_settings_fee_ck" CHECK ("platform_fee_bps" BETWEEN 0 AND 10000);

-- One global kill switch row, seeded here; per-tenant rows are created on first toggle.
CREATE UNIQUE INDEX "kill_switches_one_global" ON "kill_switches" ((true)) WHERE "tenant_id" IS NULL;
INSERT INTO "kill_switches" ("id", "tenant_id", "engaged") VALUES (gen_random_uuid(), NULL, false);

-- Orders: amounts are non-negative decimals; the fee never exceeds the total; physical goods have an address.
ALTER TABLE "orders" ADD CONSTRAINT "orders_amounts_ck"
  CHECK ("subtotal" >= 0 AND "total" = "subtotal" AND "fee_amount" >= 0 AND "fee_amount" <= "total");
ALTER TABLE "orders" ADD CONSTRAINT "orders_fee_bps_ck" CHECK ("fee_bps" BETWEEN 0 AND 10000);
ALTER TABLE "orders" ADD CONSTRAINT "orders_token_hash_ck" CHECK ("token_hash" ~ '^[0-9a-f]{64}$');
ALTER TABLE "orders" ADD CONSTRAINT "orders_idempotency_key_ck" CHECK (char_length("idempotency_key") BETWEEN 8 AND 200);
ALTER TABLE "orders" ADD CONSTRAINT "orders_shipping_ck" CHECK (NOT "requires_shipping" OR "shipping_address" IS NOT NULL);
ALTER TABLE "orders" ADD CONSTRAINT "orders_paid_at_ck"
  CHECK ("status" IN ('draft', 'pending_payment', 'expired', 'cancelled') OR "paid_at" IS NOT NULL);
ALTER TABLE "orders" ADD CONSTRAINT "orders_currency_ck" CHECK ("currency" ~ '^[A-Z0-9]{3,10}$');

-- The order state machine, as a backstop to the application's compare-and-swap transitions.
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
  RAISE EXCEPTION 'illegal order transition % -> %', OLD."status", NEW."status" USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER "orders_transition" BEFORE UPDATE OF "status" ON "orders"
  FOR EACH ROW EXECUTE FUNCTION order_transition_allowed();

ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_amounts_ck"
  CHECK ("quantity" > 0 AND "unit_price" >= 0 AND "line_total" = "unit_price" * "quantity");
CREATE TRIGGER "order_events_append_only" BEFORE UPDATE OR DELETE ON "order_events"
  FOR EACH ROW EXECUTE FUNCTION refuse_mutation();

ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_amount_ck" CHECK ("amount" >= 0);
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_evidence_ck"
  CHECK ("rail" <> 'manual_invoice' OR "status" <> 'succeeded' OR char_length(btrim("evidence_note")) > 0);

-- Ledger: accounts belong to a tenant and hold one currency; only external accounts (money outside the
-- platform) may go negative. Entries reference their account AND its tenant and currency.
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT;
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_balance_ck" CHECK ("kind" = 'external' OR "balance" >= 0);
CREATE UNIQUE INDEX "ledger_accounts_id_tenant_currency_key" ON "ledger_accounts" ("id", "tenant_id", "currency");
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT;
CREATE UNIQUE INDEX "ledger_postings_id_tenant_key" ON "ledger_postings" ("id", "tenant_id");
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_tenant_currency_fkey"
  FOREIGN KEY ("account_id", "tenant_id", "currency") REFERENCES "ledger_accounts" ("id", "tenant_id", "currency");
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_posting_tenant_fkey"
  FOREIGN KEY ("posting_id", "tenant_id") REFERENCES "ledger_postings" ("id", "tenant_id");
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_amount_ck" CHECK ("amount" <> 0);

-- Append-only: corrections are new postings, never edits.
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION refuse_mutation();
CREATE TRIGGER "ledger_postings_append_only" BEFORE UPDATE OR DELETE ON "ledger_postings"
  FOR EACH ROW EXECUTE FUNCTION refuse_mutation();

-- The cached balance moves with every entry, in the same transaction; the CHECK above then refuses overdrafts.
CREATE OR REPLACE FUNCTION ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "ledger_accounts" SET "balance" = "balance" + NEW."amount" WHERE "id" = NEW."account_id";
  RETURN NULL;
END $$;
CREATE TRIGGER "ledger_entries_apply" AFTER INSERT ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION ledger_apply_entry();

-- Every posting sums to zero per currency, checked at commit (entries are inserted one by one).
CREATE OR REPLACE FUNCTION ledger_posting_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM "ledger_entries" WHERE "posting_id" = NEW."posting_id" GROUP BY "currency" HAVING sum("amount") <> 0
  ) THEN
    RAISE EXCEPTION 'ledger posting % does not sum to zero', NEW."posting_id" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER "ledger_entries_balanced" AFTER INSERT ON "ledger_entries"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_posting_balanced();

-- Escrow: HELD → RELEASED | REFUNDED, exactly once; the amounts always add up (held = released + refunded).
ALTER TABLE "escrows" ADD CONSTRAINT "escrows_amounts_ck" CHECK (
  "amount" > 0 AND "released_amount" >= 0 AND "refunded_amount" >= 0 AND "fee_amount" >= 0 AND "fee_amount" <= "released_amount"
  AND CASE "status"
    WHEN 'held' THEN "released_amount" = 0 AND "refunded_amount" = 0 AND "settled_at" IS NULL
    WHEN 'released' THEN "released_amount" = "amount" AND "refunded_amount" = 0 AND "settled_at" IS NOT NULL
    WHEN 'refunded' THEN "refunded_amount" = "amount" AND "released_amount" = 0 AND "settled_at" IS NOT NULL
  END);
CREATE OR REPLACE FUNCTION escrow_settle_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'escrows are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD."status" <> 'held' THEN
    RAISE EXCEPTION 'escrow % is already %', OLD."id", OLD."status" USING ERRCODE = 'check_violation';
  END IF;
  IF NEW."amount" <> OLD."amount" OR NEW."order_id" <> OLD."order_id" OR NEW."tenant_id" <> OLD."tenant_id" THEN
    RAISE EXCEPTION 'escrow % amount and order are fixed', OLD."id" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "escrows_settle_once" BEFORE UPDATE OR DELETE ON "escrows"
  FOR EACH ROW EXECUTE FUNCTION escrow_settle_once();

ALTER TABLE "delivery_codes" ADD CONSTRAINT "delivery_codes_attempts_ck" CHECK ("attempts" >= 0 AND "attempts" <= "max_attempts");
ALTER TABLE "delivery_codes" ADD CONSTRAINT "delivery_codes_hash_ck" CHECK ("code_hash" ~ '^[0-9a-f]{64}$');

-- At most one open dispute per order; a resolved dispute has its resolution.
CREATE UNIQUE INDEX "disputes_one_open_per_order" ON "disputes" ("order_id") WHERE "status" = 'open';
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_resolution_ck" CHECK (("status" = 'open') = ("resolution" IS NULL));

ALTER TABLE "sandbox_transfers" ADD CONSTRAINT "sandbox_transfers_amount_ck" CHECK ("amount" > 0);
CREATE TRIGGER "reconciliation_reports_append_only" BEFORE UPDATE OR DELETE ON "reconciliation_reports"
  FOR EACH ROW EXECUTE FUNCTION refuse_mutation();
