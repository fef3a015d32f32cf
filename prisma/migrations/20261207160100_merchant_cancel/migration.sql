-- Issue 22 point 5 (ADR 036): a merchant may cancel a paid order before it ships (escrow_funded | paid → cancelled);
-- the refund and the stock return are written in the same transaction. Everything else is as before.
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
  IF NEW."rail" = 'external_provider' AND (OLD."status", NEW."status") IN (
    ('paid', 'refunded'), ('fulfilling', 'refunded'), ('delivered', 'refunded'), ('completed', 'refunded'),
    ('paid', 'disputed'), ('completed', 'disputed')
  ) THEN RETURN NEW; END IF;
  RAISE EXCEPTION 'illegal order transition % -> %', OLD."status", NEW."status" USING ERRCODE = 'check_violation';
END $$;
