-- ADR 010: the buyer's hot path (checkout, payment hold, funding) as single calls to database functions, and the
-- ledger posting as one function every posting uses. The functions write to the same tables under the same
-- CHECKs, triggers and UNIQUE keys as before; they only save round trips. No table changes.
--
-- Balances now move at COMMIT (a deferred constraint trigger) instead of at each entry insert. Every funding of a
-- shop credits the same escrow and external accounts: updating those rows early held their row locks across the
-- rest of the transaction and its client round trips, and the shop's payments queued behind each other. At commit
-- the lock is held only for the commit itself. The balance CHECK still refuses an overdraft (the COMMIT fails and
-- nothing is written); the balance is exact for every committed transaction.
DROP TRIGGER "ledger_entries_apply" ON "ledger_entries";
CREATE CONSTRAINT TRIGGER "ledger_entries_apply" AFTER INSERT ON "ledger_entries"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_apply_entry();
--
-- Errors they raise for the application to map (server/money/db-errors.ts):
--   SFKIL kill switch on (DETAIL: global | tenant)     SFOOS out of stock (DETAIL: {"itemId","title","available"})
--   SFCAS the order is not in the expected status (DETAIL: its status, or '' when there is no such order)

-- The kill switch, checked inside every money transaction with a share lock on the global row and the tenant's
-- row: flipping a switch waits for in-flight money transactions, and every later one sees it.
CREATE OR REPLACE FUNCTION money_assert_allowed(p_tenant uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_scope text;
BEGIN
  SELECT CASE WHEN bool_or(engaged AND tenant_id IS NULL) THEN 'global' WHEN bool_or(engaged) THEN 'tenant' END INTO v_scope
  FROM (SELECT tenant_id, engaged FROM kill_switches WHERE tenant_id IS NULL OR tenant_id = p_tenant FOR SHARE) k;
  IF v_scope IS NOT NULL THEN
    RAISE EXCEPTION 'kill switch on (%)', v_scope USING ERRCODE = 'SFKIL', DETAIL = v_scope;
  END IF;
END $$;

-- A posting: written once per idempotency key (a replay returns NULL and writes nothing); accounts are created on
-- first use; entries are inserted in account-id order, so concurrent postings lock balances in one order and
-- never deadlock. Balances move at commit (ledger_entries_apply), entry by entry in insertion order, so within an
-- account credits go first: an account money passes through (buyer clearing) is never read as overdrawn on the
-- way. ledger_entries_balanced checks the sum at commit.
-- p_entries: [{"key": account key, "kind": LedgerAccountKind, "amount": "decimal"}]
CREATE OR REPLACE FUNCTION ledger_post(p_tenant uuid, p_key text, p_kind text, p_currency text, p_order uuid, p_memo text, p_entries jsonb)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
BEGIN
  INSERT INTO ledger_postings (id, tenant_id, idempotency_key, kind, order_id, memo)
  VALUES (gen_random_uuid(), p_tenant, p_key, p_kind, p_order, p_memo)
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING id INTO v_id;
  IF v_id IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO ledger_accounts (id, tenant_id, key, kind, currency)
  SELECT DISTINCT ON (e.key) gen_random_uuid(), p_tenant, e.key, e.kind::"LedgerAccountKind", p_currency
  FROM jsonb_to_recordset(p_entries) AS e(key text, kind text, amount numeric)
  ON CONFLICT (key) DO NOTHING;
  INSERT INTO ledger_entries (id, tenant_id, posting_id, account_id, amount, currency)
  SELECT gen_random_uuid(), p_tenant, v_id, a.id, e.amount, p_currency
  FROM jsonb_to_recordset(p_entries) AS e(key text, kind text, amount numeric)
  JOIN ledger_accounts a ON a.key = e.key AND a.tenant_id = p_tenant
  WHERE e.amount <> 0
  ORDER BY a.id, e.amount DESC;
  RETURN v_id;
END $$;

-- Checkout's write: stock reserved line by line in item order (no deadlocks between carts; NULL stock is unlimited),
-- then the order, its lines, its payment intent and its first event. The caller priced the cart and chose the rail.
-- Returns the order's creation time.
CREATE OR REPLACE FUNCTION money_checkout(p jsonb) RETURNS timestamptz LANGUAGE plpgsql AS $$
DECLARE
  v_tenant uuid := (p->>'tenantId')::uuid;
  v_order uuid := (p->>'id')::uuid;
  l record;
  v_stock integer;
  v_exists boolean;
BEGIN
  PERFORM money_assert_allowed(v_tenant);
  FOR l IN SELECT * FROM jsonb_to_recordset(p->'lines') AS x("itemId" uuid, title text, quantity integer) ORDER BY x."itemId" LOOP
    UPDATE catalog_items SET stock = stock - l.quantity, version = version + 1, updated_at = now()
    WHERE id = l."itemId" AND tenant_id = v_tenant AND stock IS NOT NULL AND stock >= l.quantity;
    IF NOT FOUND THEN
      SELECT stock, true INTO v_stock, v_exists FROM catalog_items WHERE id = l."itemId" AND tenant_id = v_tenant;
      IF v_exists IS NULL OR v_stock IS NOT NULL THEN
        RAISE EXCEPTION 'out of stock' USING ERRCODE = 'SFOOS',
          DETAIL = json_build_object('itemId', l."itemId", 'title', l.title, 'available', coalesce(v_stock, 0))::text;
      END IF;
    END IF;
  END LOOP;
  INSERT INTO orders (id, tenant_id, token_hash, idempotency_key, request_hash, status, rail, currency, subtotal, total, fee_bps,
    fee_amount, guest_email, shipping_address, requires_shipping, acknowledged_no_escrow, expires_at)
  VALUES (v_order, v_tenant, p->>'tokenHash', p->>'idempotencyKey', p->>'requestHash', 'pending_payment', (p->>'rail')::"PaymentRail",
    p->>'currency', (p->>'total')::numeric, (p->>'total')::numeric, (p->>'feeBps')::integer, (p->>'feeAmount')::numeric, p->>'email',
    CASE WHEN jsonb_typeof(p->'shippingAddress') = 'object' THEN p->'shippingAddress' END, (p->>'requiresShipping')::boolean,
    (p->>'acknowledgedNoEscrow')::boolean, (p->>'expiresAt')::timestamptz);
  INSERT INTO order_lines (id, tenant_id, order_id, item_id, title, category, kind, unit_price, quantity, line_total)
  SELECT gen_random_uuid(), v_tenant, v_order, x."itemId", x.title, x.category, x.kind::"CatalogItemKind", x."unitPrice", x.quantity, x."lineTotal"
  FROM jsonb_to_recordset(p->'lines') AS x("itemId" uuid, title text, category text, kind text, "unitPrice" numeric, quantity integer, "lineTotal" numeric);
  INSERT INTO payment_intents (id, tenant_id, order_id, rail, amount, currency)
  VALUES (gen_random_uuid(), v_tenant, v_order, (p->>'rail')::"PaymentRail", (p->>'total')::numeric, p->>'currency');
  INSERT INTO order_events (id, tenant_id, order_id, from_status, to_status, actor)
  VALUES (gen_random_uuid(), v_tenant, v_order, NULL, 'pending_payment', 'buyer');
  RETURN now();
END $$;

-- Before outside money moves: refuse while the kill switch is on, and keep the order from expiring while the
-- payment is on its way. False when the order is no longer awaiting payment.
CREATE OR REPLACE FUNCTION money_hold_for_payment(p_tenant uuid, p_order uuid, p_until timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM money_assert_allowed(p_tenant);
  UPDATE orders SET expires_at = p_until WHERE id = p_order AND tenant_id = p_tenant AND status = 'pending_payment';
  RETURN FOUND;
END $$;

-- The buyer's money arrived: the funding posting, the status compare-and-swap pending_payment → p.to, its event,
-- the intent, and (for holding rails) the escrow row, all or nothing. Returns true for a replay (already recorded),
-- which writes nothing. p: {tenantId, orderId, to, holds, at, actor, externalRef?, note?, confirmedBy?,
-- posting: {key, currency, entries}}
CREATE OR REPLACE FUNCTION money_fund(p jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_tenant uuid := (p->>'tenantId')::uuid;
  v_order uuid := (p->>'orderId')::uuid;
  v_status text;
BEGIN
  PERFORM money_assert_allowed(v_tenant);
  SELECT status::text INTO v_status FROM orders WHERE id = v_order AND tenant_id = v_tenant;
  IF v_status IS DISTINCT FROM 'pending_payment'
     AND EXISTS (SELECT 1 FROM payment_intents WHERE order_id = v_order AND tenant_id = v_tenant AND status = 'succeeded') THEN
    RETURN true;
  END IF;
  IF ledger_post(v_tenant, p->'posting'->>'key', 'fund', p->'posting'->>'currency', v_order, NULL, p->'posting'->'entries') IS NULL THEN
    RETURN true;
  END IF;
  UPDATE orders SET status = (p->>'to')::"OrderStatus", paid_at = (p->>'at')::timestamptz, updated_at = now()
  WHERE id = v_order AND tenant_id = v_tenant AND status = 'pending_payment';
  IF NOT FOUND THEN
    SELECT status::text INTO v_status FROM orders WHERE id = v_order AND tenant_id = v_tenant;
    RAISE EXCEPTION 'order is %', coalesce(v_status, 'missing') USING ERRCODE = 'SFCAS', DETAIL = coalesce(v_status, '');
  END IF;
  INSERT INTO order_events (id, tenant_id, order_id, from_status, to_status, actor)
  VALUES (gen_random_uuid(), v_tenant, v_order, 'pending_payment', p->>'to', p->>'actor');
  UPDATE payment_intents SET status = 'succeeded', external_ref = p->>'externalRef', evidence_note = p->>'note',
    confirmed_by = (p->>'confirmedBy')::uuid, updated_at = (p->>'at')::timestamptz
  WHERE order_id = v_order AND tenant_id = v_tenant AND status = 'requires_payment';
  IF (p->>'holds')::boolean THEN
    INSERT INTO escrows (id, tenant_id, order_id, amount, currency)
    SELECT gen_random_uuid(), tenant_id, id, total, currency FROM orders WHERE id = v_order AND tenant_id = v_tenant;
  END IF;
  RETURN false;
END $$;
