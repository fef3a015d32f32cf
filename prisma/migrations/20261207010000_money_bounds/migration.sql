-- Money bounds (issue "Hardening", finding 2; server/catalog/bounds.ts, docs/money.md "Amounts"). Prices of 18 integer
-- digits times quantities overflowed numeric(38,18), and a shop's external account summed itself past it, after which
-- every posting to that account failed. The API refuses past these bounds (400); the database now refuses them too:
--   catalog_items.price <= 1e12, catalog_items.stock <= 1e9, order_lines.quantity <= 10,000 and line_total <= 1e15,
--   orders.total <= 1e15, |ledger_entries.amount| <= 1e15.
-- A balance is a running sum of entries, so its column is widened to 30 integer digits: at most 1e15 per entry, it
-- would take 1e15 postings to overflow it.

-- AlterTable (scripts/migration-diff.sh). Raising a numeric's precision at the same scale rewrites nothing.
ALTER TABLE "ledger_accounts" ALTER COLUMN "balance" SET DATA TYPE DECIMAL(48,18);

-- Existing rows first: a clear message listing what is out of bounds, rather than a bare CHECK failure.
DO $$
DECLARE
  bad text;
  found text := '';
BEGIN
  SELECT string_agg(id::text, ', ') INTO bad FROM (
    SELECT id FROM "catalog_items" WHERE "price" > 1000000000000 OR "stock" > 1000000000 ORDER BY id LIMIT 50) x;
  IF bad IS NOT NULL THEN found := found || E'\n  catalog_items (price > 1e12 or stock > 1e9): ' || bad; END IF;
  SELECT string_agg(id::text, ', ') INTO bad FROM (
    SELECT id FROM "order_lines" WHERE "quantity" > 10000 OR "line_total" > 1000000000000000 ORDER BY id LIMIT 50) x;
  IF bad IS NOT NULL THEN found := found || E'\n  order_lines (quantity > 10000 or line_total > 1e15): ' || bad; END IF;
  SELECT string_agg(id::text, ', ') INTO bad FROM (
    SELECT id FROM "orders" WHERE "total" > 1000000000000000 ORDER BY id LIMIT 50) x;
  IF bad IS NOT NULL THEN found := found || E'\n  orders (total > 1e15): ' || bad; END IF;
  SELECT string_agg(id::text, ', ') INTO bad FROM (
    SELECT id FROM "ledger_entries" WHERE abs("amount") > 1000000000000000 ORDER BY id LIMIT 50) x;
  IF bad IS NOT NULL THEN found := found || E'\n  ledger_entries (|amount| > 1e15): ' || bad; END IF;
  IF found <> '' THEN
    RAISE EXCEPTION 'money_bounds: existing rows are outside the new bounds (first 50 ids per table):%', found
      USING HINT = 'Review these rows with an operator (ledger entries are append-only: correct with new postings), then run the migration again.';
  END IF;
END $$;

-- NOT VALID, then VALIDATE: the check of existing rows runs under a lock that lets reads (and, on a live database where
-- the two steps are run apart, writes) go on. In this migration's single transaction they mainly keep the two steps
-- separate and explicit.
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_price_max_ck" CHECK ("price" <= 1000000000000) NOT VALID;
ALTER TABLE "catalog_items" VALIDATE CONSTRAINT "catalog_items_price_max_ck";
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_stock_max_ck" CHECK ("stock" IS NULL OR "stock" <= 1000000000) NOT VALID;
ALTER TABLE "catalog_items" VALIDATE CONSTRAINT "catalog_items_stock_max_ck";
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_bounds_ck" CHECK ("quantity" <= 10000 AND "line_total" <= 1000000000000000) NOT VALID;
ALTER TABLE "order_lines" VALIDATE CONSTRAINT "order_lines_bounds_ck";
ALTER TABLE "orders" ADD CONSTRAINT "orders_total_max_ck" CHECK ("total" <= 1000000000000000) NOT VALID;
ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_total_max_ck";
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_amount_max_ck" CHECK (abs("amount") <= 1000000000000000) NOT VALID;
ALTER TABLE "ledger_entries" VALIDATE CONSTRAINT "ledger_entries_amount_max_ck";
