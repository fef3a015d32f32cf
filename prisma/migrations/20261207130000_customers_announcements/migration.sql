-- Customers and announcements (issue 16 points 5 and 6, ADR 033).

-- A shop's customer: one per (tenant, lower(email)), kept by a trigger on orders so every checkout path (JSON, page,
-- Mini App, chain) is covered without touching money_checkout. Aggregates are recomputed from the customer's own
-- orders on each event (no increments that could drift).
CREATE TABLE "customers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "email_key" TEXT NOT NULL,
    "telegram_user_id" TEXT,
    "first_order_at" TIMESTAMPTZ(6) NOT NULL,
    "last_order_at" TIMESTAMPTZ(6) NOT NULL,
    "orders_count" INTEGER NOT NULL DEFAULT 0,
    "paid_orders_count" INTEGER NOT NULL DEFAULT 0,
    "total_spent" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "marketing_opt_in" BOOLEAN NOT NULL DEFAULT false,
    "opted_in_at" TIMESTAMPTZ(6),
    "opted_out_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "customers_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "customers_email_key_lower" CHECK ("email_key" = lower("email")),
    CONSTRAINT "customers_counts" CHECK ("orders_count" >= 0 AND "paid_orders_count" >= 0 AND "paid_orders_count" <= "orders_count" AND "total_spent" >= 0),
    CONSTRAINT "customers_telegram_digits" CHECK ("telegram_user_id" ~ '^[1-9][0-9]{0,19}$')
);
CREATE UNIQUE INDEX "customers_tenant_id_email_key_key" ON "customers"("tenant_id", "email_key");
CREATE UNIQUE INDEX "customers_tenant_id_id_key" ON "customers"("tenant_id", "id");
CREATE INDEX "customers_tenant_id_last_order_at_idx" ON "customers"("tenant_id", "last_order_at");
CREATE INDEX "customers_tenant_id_telegram_user_id_idx" ON "customers"("tenant_id", "telegram_user_id") WHERE "telegram_user_id" IS NOT NULL;
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The trigger's lookup of one customer's orders.
CREATE INDEX "orders_tenant_id_lower_guest_email_idx" ON "orders"("tenant_id", lower("guest_email"));

-- Total spent = totals of orders that were paid (paid_at set) and are not refunded or cancelled, in the shop's
-- currency; orders count = every order placed (any status).
-- Concurrency: two checkouts by one email at once must both be counted. The customer's row is locked first and the
-- figures aggregated by a later statement, which under READ COMMITTED takes a fresh snapshot: whichever transaction
-- recomputes second waits for the first's commit and sees its order. (Aggregating before the lock would let the second
-- upsert overwrite the row with figures that miss the first order.)
CREATE FUNCTION refresh_customer(p_tenant UUID, p_email TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customers (tenant_id, email, email_key, first_order_at, last_order_at)
  VALUES (p_tenant, p_email, lower(p_email), now(), now())
  ON CONFLICT (tenant_id, email_key) DO NOTHING;
  PERFORM 1 FROM customers WHERE tenant_id = p_tenant AND email_key = lower(p_email) FOR UPDATE;
  UPDATE customers c SET
    telegram_user_id = coalesce(a.tg, c.telegram_user_id),
    first_order_at = a.first_at, last_order_at = a.last_at,
    orders_count = a.n, paid_orders_count = a.paid, total_spent = a.spent, updated_at = now()
  FROM (
    SELECT (array_agg(o.buyer_telegram_user_id ORDER BY o.created_at DESC) FILTER (WHERE o.buyer_telegram_user_id IS NOT NULL))[1] AS tg,
           min(o.created_at) AS first_at, max(o.created_at) AS last_at, count(*)::int AS n,
           count(*) FILTER (WHERE o.paid_at IS NOT NULL AND o.status NOT IN ('refunded', 'cancelled'))::int AS paid,
           coalesce(sum(o.total) FILTER (WHERE o.paid_at IS NOT NULL AND o.status NOT IN ('refunded', 'cancelled') AND o.currency = t.currency), 0) AS spent
    FROM orders o JOIN tenants t ON t.id = o.tenant_id
    WHERE o.tenant_id = p_tenant AND lower(o.guest_email) = lower(p_email)
    HAVING count(*) > 0
  ) a
  WHERE c.tenant_id = p_tenant AND c.email_key = lower(p_email);
END $$;

-- Statement-level, so a bulk insert or update recomputes each customer it touches once (not once per order, which
-- made a 20,000-order import quadratic), in key order so two statements lock customers in the same order.
CREATE FUNCTION orders_refresh_customers_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_customer(k.tenant_id, k.email)
  FROM (SELECT tenant_id, min(guest_email) AS email FROM new_rows GROUP BY tenant_id, lower(guest_email) ORDER BY tenant_id, lower(guest_email)) k;
  RETURN NULL;
END $$;

CREATE FUNCTION orders_refresh_customers_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_customer(k.tenant_id, k.email)
  FROM (SELECT n.tenant_id, min(n.guest_email) AS email
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE o.status IS DISTINCT FROM n.status OR o.paid_at IS DISTINCT FROM n.paid_at
           OR o.buyer_telegram_user_id IS DISTINCT FROM n.buyer_telegram_user_id
        GROUP BY n.tenant_id, lower(n.guest_email) ORDER BY n.tenant_id, lower(n.guest_email)) k;
  RETURN NULL;
END $$;

CREATE TRIGGER orders_customer_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_refresh_customers_inserted();
-- Transition tables cannot go with a column list (UPDATE OF …): the function keeps only rows whose figures changed.
CREATE TRIGGER orders_customer_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_refresh_customers_updated();

-- Existing orders.
INSERT INTO customers (tenant_id, email, email_key, telegram_user_id, first_order_at, last_order_at, orders_count, paid_orders_count, total_spent)
SELECT o.tenant_id, min(o.guest_email), lower(o.guest_email),
       (array_agg(o.buyer_telegram_user_id ORDER BY o.created_at DESC) FILTER (WHERE o.buyer_telegram_user_id IS NOT NULL))[1],
       min(o.created_at), max(o.created_at), count(*)::int,
       count(*) FILTER (WHERE o.paid_at IS NOT NULL AND o.status NOT IN ('refunded', 'cancelled'))::int,
       coalesce(sum(o.total) FILTER (WHERE o.paid_at IS NOT NULL AND o.status NOT IN ('refunded', 'cancelled') AND o.currency = t.currency), 0)
FROM orders o JOIN tenants t ON t.id = o.tenant_id
GROUP BY o.tenant_id, lower(o.guest_email);

-- Operators can lift the 2-per-24h announcement limit for a shop until a time (audited).
ALTER TABLE "tenants" ADD COLUMN "announcement_limit_lifted_until" TIMESTAMPTZ(6);

CREATE TYPE "AnnouncementRecipientState" AS ENUM ('queued', 'sending', 'sent', 'failed', 'opted_out');
CREATE TYPE "AnnouncementChannel" AS ENUM ('telegram', 'email');

CREATE TABLE "announcements" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "audience" JSONB NOT NULL DEFAULT '{}',
    "created_by" UUID,
    "targets_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "announcements_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "announcements_body_length" CHECK (char_length("body") BETWEEN 1 AND 1000)
);
CREATE UNIQUE INDEX "announcements_tenant_id_id_key" ON "announcements"("tenant_id", "id");
CREATE INDEX "announcements_tenant_id_created_at_idx" ON "announcements"("tenant_id", "created_at");
CREATE INDEX "announcements_created_at_idx" ON "announcements"("created_at");
ALTER TABLE "announcements" ADD CONSTRAINT "announcements_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "announcements" ADD CONSTRAINT "announcements_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- One row per recipient and channel: the unique key is what makes a retried job send each message once.
CREATE TABLE "announcement_recipients" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "announcement_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "channel" "AnnouncementChannel" NOT NULL,
    "state" "AnnouncementRecipientState" NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "announcement_recipients_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "announcement_recipients_announcement_id_customer_id_channel_key" ON "announcement_recipients"("announcement_id", "customer_id", "channel");
CREATE INDEX "announcement_recipients_announcement_id_state_idx" ON "announcement_recipients"("announcement_id", "state");
CREATE INDEX "announcement_recipients_customer_id_idx" ON "announcement_recipients"("customer_id");
ALTER TABLE "announcement_recipients" ADD CONSTRAINT "announcement_recipients_announcement_fkey" FOREIGN KEY ("tenant_id", "announcement_id") REFERENCES "announcements"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "announcement_recipients" ADD CONSTRAINT "announcement_recipients_customer_fkey" FOREIGN KEY ("tenant_id", "customer_id") REFERENCES "customers"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
