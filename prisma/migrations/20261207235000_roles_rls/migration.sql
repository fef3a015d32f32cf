-- Database roles and row-level security (issue 17 point 1, ADR 044).
--
-- Three NOLOGIN group roles; production creates LOGIN users in them (README, Production):
--   storefront_app       web instances: read/write the app's tables, but never UPDATE/DELETE money history
--   storefront_money     money writers: storefront_app plus UPDATE/DELETE on ledger, escrow and payout tables
--   storefront_platform  platform jobs: storefront_money plus BYPASSRLS (sweeps and reconciles span every shop)
-- Roles are cluster-wide while this migration runs once per database, and test databases migrate concurrently: a
-- role that exists already (another database, or created by a DBA beforehand) is kept as it is. Attributes and
-- memberships are given in CREATE ROLE itself, because a concurrent ALTER/GRANT on the same role fails with "tuple
-- concurrently updated"; two concurrent CREATEs end in duplicate_object or unique_violation, both caught.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'storefront_app') THEN
    CREATE ROLE storefront_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'storefront_money') THEN
    CREATE ROLE storefront_money NOLOGIN IN ROLE storefront_app;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'storefront_platform') THEN
    CREATE ROLE storefront_platform NOLOGIN BYPASSRLS IN ROLE storefront_money;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

-- Grants (per database). The web role gets ordinary DML on every table; money history is append-only for it.
GRANT USAGE ON SCHEMA public TO storefront_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO storefront_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO storefront_app;
REVOKE ALL ON "_prisma_migrations" FROM storefront_app;
-- ledger_accounts keeps UPDATE: its cached balance is maintained by the trigger on ledger_entries, which runs as the
-- inserting role; the entries themselves (and the refuse_mutation triggers) are the history.
REVOKE UPDATE, DELETE ON ledger_postings, ledger_entries, escrows, chain_payouts FROM storefront_app;
GRANT UPDATE, DELETE ON ledger_postings, ledger_entries, escrows, chain_payouts TO storefront_money;
-- Tables and sequences that later migrations create (as this same migration role) get the web grants too; a later
-- money table must REVOKE from storefront_app in its own migration, as above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO storefront_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO storefront_app;

-- The tenant a transaction is confined to: `SELECT set_config('app.tenant_id', <uuid>, true)` (server/db/rls.ts).
-- NULL when unset or empty. An inlinable SQL function, so the planner sees the expression itself.
CREATE FUNCTION app_current_tenant() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(current_setting('app.tenant_id', true), '')::uuid
$$;

-- Row-level security on every table with a tenant_id column. Not FORCEd: the owner (the migration role) and
-- storefront_platform (BYPASSRLS) see every row. For the app roles: with app.tenant_id set, only that tenant's rows
-- (read and write); unset, every row (host resolution, sign-in and webhooks read before a tenant is known; ADR 044).
-- Any other non-owner role has no policy and sees nothing.
-- kill_switches: the global switch (tenant_id NULL) must stay visible inside a shop's scope, or a scoped money check
-- would not see it.
DO $$
DECLARE
  t text;
  -- The sub-SELECT makes the setting an InitPlan: read once per query, not once per row (bench P10).
  scoped constant text := '(SELECT app_current_tenant()) IS NULL OR tenant_id = (SELECT app_current_tenant())';
BEGIN
  FOR t IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_scope ON %I TO storefront_app USING (%s) WITH CHECK (%s)', t,
      CASE WHEN t = 'kill_switches' THEN 'tenant_id IS NULL OR ' ELSE '' END || scoped, scoped);
  END LOOP;
END $$;
