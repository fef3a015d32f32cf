-- Issue 22 point 5 (ADR 040): merchant refunds after delivery, full or partial, by line or by amount.
-- One row per refund, append-only, UNIQUE by its idempotency key; the order carries the running total, which the
-- database keeps within what was paid; an escrow hold can be partly refunded while it is still held.

ALTER TABLE "orders" ADD COLUMN "refunded_amount" DECIMAL(38,18) NOT NULL DEFAULT 0;
-- Cumulative refunds never exceed what was paid: concurrent refunds serialise on the order row and the loser fails here.
ALTER TABLE "orders" ADD CONSTRAINT "orders_refunded_amount_ck" CHECK ("refunded_amount" >= 0 AND "refunded_amount" <= "total");

CREATE TABLE "order_refunds" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "amount" DECIMAL(38,18) NOT NULL,
    "currency" TEXT NOT NULL,
    -- [{lineId, quantity, amount}] for a refund by line; NULL for a refund by amount.
    "lines" JSONB,
    "reason" TEXT NOT NULL,
    -- 'hold': out of the escrow still held; 'merchant': funded by the merchant (after release, or the direct rail).
    "source" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    -- sha256 of the canonical request: the same key with a different refund is refused.
    "request_hash" TEXT NOT NULL,
    "actor_user_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_refunds_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "order_refunds_tenant_id_idempotency_key_key" ON "order_refunds"("tenant_id", "idempotency_key");
CREATE INDEX "order_refunds_tenant_id_order_id_created_at_idx" ON "order_refunds"("tenant_id", "order_id", "created_at");
ALTER TABLE "order_refunds" ADD CONSTRAINT "order_refunds_tenant_id_order_id_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "order_refunds" ADD CONSTRAINT "order_refunds_ck" CHECK (
  "amount" > 0 AND "source" IN ('hold', 'merchant') AND char_length("reason") BETWEEN 3 AND 500
  AND char_length("idempotency_key") BETWEEN 8 AND 200 AND "request_hash" ~ '^[0-9a-f]{64}$'
  AND ("lines" IS NULL OR jsonb_typeof("lines") = 'array'));
CREATE TRIGGER "order_refunds_append_only" BEFORE UPDATE OR DELETE ON "order_refunds"
  FOR EACH ROW EXECUTE FUNCTION refuse_mutation();

-- Escrow: a hold may be partly refunded while HELD (refunded_amount grows, never shrinks); the release then pays out
-- the rest. held = released + refunded stays true for every settled row (matrix E3).
ALTER TABLE "escrows" DROP CONSTRAINT "escrows_amounts_ck";
ALTER TABLE "escrows" ADD CONSTRAINT "escrows_amounts_ck" CHECK (
  "amount" > 0 AND "released_amount" >= 0 AND "refunded_amount" >= 0 AND "fee_amount" >= 0 AND "fee_amount" <= "released_amount"
  AND "released_amount" + "refunded_amount" <= "amount"
  AND CASE "status"
    WHEN 'held' THEN "released_amount" = 0 AND "refunded_amount" < "amount" AND "settled_at" IS NULL
    WHEN 'released' THEN "released_amount" > 0 AND "released_amount" + "refunded_amount" = "amount" AND "settled_at" IS NOT NULL
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
  IF NEW."refunded_amount" < OLD."refunded_amount" THEN
    RAISE EXCEPTION 'escrow % refunds are never taken back', OLD."id" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

-- A refund of everything that was paid closes the order as refunded, after delivery too (ADR 040).
CREATE OR REPLACE FUNCTION order_transition_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" = OLD."status" THEN RETURN NEW; END IF;
  IF (OLD."status", NEW."status") IN (
    ('draft', 'pending_payment'), ('draft', 'cancelled'),
    ('pending_payment', 'escrow_funded'), ('pending_payment', 'paid'), ('pending_payment', 'expired'), ('pending_payment', 'cancelled'),
    ('escrow_funded', 'fulfilling'), ('paid', 'fulfilling'),
    ('escrow_funded', 'cancelled'), ('paid', 'cancelled'),
    ('fulfilling', 'delivered'), ('delivered', 'completed'),
    ('escrow_funded', 'disputed'), ('fulfilling', 'disputed'), ('delivered', 'disputed'),
    ('disputed', 'completed'), ('disputed', 'refunded')
  ) THEN RETURN NEW; END IF;
  IF (OLD."status", NEW."status") IN (('delivered', 'refunded'), ('completed', 'refunded'))
     AND NEW."refunded_amount" = NEW."total" THEN RETURN NEW; END IF;
  IF NEW."rail" = 'external_provider' AND (OLD."status", NEW."status") IN (
    ('paid', 'refunded'), ('fulfilling', 'refunded'), ('delivered', 'refunded'), ('completed', 'refunded'),
    ('paid', 'disputed'), ('completed', 'disputed')
  ) THEN RETURN NEW; END IF;
  RAISE EXCEPTION 'illegal order transition % -> %', OLD."status", NEW."status" USING ERRCODE = 'check_violation';
END $$;
