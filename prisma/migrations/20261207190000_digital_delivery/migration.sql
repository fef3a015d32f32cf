-- Issue 22 point 1: digital delivery (docs/decisions/039-digital-delivery.md). A digital item carries a file, a
-- licence-key pool and/or a link; a paid order gets one grant per digital line, with its keys drawn in the same
-- transaction as the payment, whatever rail moved it.

-- What a digital item delivers (one row per item, written by the dashboard/API).
CREATE TABLE "digital_assets" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "file_key" TEXT,
    "file_name" TEXT,
    "file_size" BIGINT,
    "file_sha256" TEXT,
    "link_url" TEXT,
    "download_limit" INTEGER NOT NULL DEFAULT 5,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "digital_assets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "digital_assets_item_fkey" FOREIGN KEY ("tenant_id", "item_id") REFERENCES "catalog_items"("tenant_id", "id") ON DELETE CASCADE,
    CONSTRAINT "digital_assets_limit_ck" CHECK ("download_limit" BETWEEN 1 AND 100),
    CONSTRAINT "digital_assets_file_ck" CHECK (("file_key" IS NULL) = ("file_name" IS NULL) AND ("file_key" IS NULL) = ("file_size" IS NULL)
      AND ("file_size" IS NULL OR "file_size" BETWEEN 1 AND 209715200)),
    CONSTRAINT "digital_assets_link_ck" CHECK ("link_url" IS NULL OR ("link_url" ~ '^https://' AND length("link_url") <= 2000))
);
CREATE UNIQUE INDEX "digital_assets_tenant_id_item_id_key" ON "digital_assets"("tenant_id", "item_id");

-- The merchant's licence keys. A key is free until a paid order draws it (order_id set, never unset).
CREATE TABLE "licence_keys" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "order_id" UUID,
    "order_line_id" UUID,
    "drawn_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "licence_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "licence_keys_item_fkey" FOREIGN KEY ("tenant_id", "item_id") REFERENCES "catalog_items"("tenant_id", "id") ON DELETE RESTRICT,
    CONSTRAINT "licence_keys_order_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE RESTRICT,
    CONSTRAINT "licence_keys_key_ck" CHECK (length("key") BETWEEN 1 AND 500),
    CONSTRAINT "licence_keys_drawn_ck" CHECK (("order_id" IS NULL) = ("drawn_at" IS NULL) AND ("order_id" IS NULL) = ("order_line_id" IS NULL))
);
CREATE UNIQUE INDEX "licence_keys_tenant_id_item_id_key_key" ON "licence_keys"("tenant_id", "item_id", "key");
CREATE INDEX "licence_keys_free_idx" ON "licence_keys"("tenant_id", "item_id", "created_at", "id") WHERE "order_id" IS NULL;
CREATE INDEX "licence_keys_tenant_id_order_id_idx" ON "licence_keys"("tenant_id", "order_id");

-- A key once drawn stays with its order: no UPDATE may free, move or rewrite it.
CREATE FUNCTION licence_keys_keep_drawn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.order_id IS NOT NULL OR NEW.key <> OLD.key OR NEW.item_id <> OLD.item_id OR NEW.tenant_id <> OLD.tenant_id THEN
    RAISE EXCEPTION 'a drawn licence key cannot change' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER licence_keys_keep_drawn BEFORE UPDATE ON "licence_keys" FOR EACH ROW EXECUTE FUNCTION licence_keys_keep_drawn();

-- What one order line delivers: a snapshot of the item's file and link at payment, its download count and limit.
CREATE TABLE "digital_grants" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "order_line_id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "file_key" TEXT,
    "file_name" TEXT,
    "file_size" BIGINT,
    "link_url" TEXT,
    "download_limit" INTEGER NOT NULL,
    "downloads" INTEGER NOT NULL DEFAULT 0,
    "last_download_at" TIMESTAMPTZ(6),
    "opened_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "digital_grants_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "digital_grants_order_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE CASCADE,
    -- The counter never passes the limit: the download's conditional UPDATE and this CHECK both hold it.
    CONSTRAINT "digital_grants_downloads_ck" CHECK ("downloads" BETWEEN 0 AND "download_limit")
);
CREATE UNIQUE INDEX "digital_grants_order_line_id_key" ON "digital_grants"("order_line_id");
CREATE UNIQUE INDEX "digital_grants_tenant_id_id_key" ON "digital_grants"("tenant_id", "id");
CREATE INDEX "digital_grants_tenant_id_order_id_idx" ON "digital_grants"("tenant_id", "order_id");

-- Payment (any rail: pending_payment → paid | escrow_funded) grants every digital line and draws its keys, in the
-- payment's own transaction. SKIP LOCKED lets concurrent payments take different keys without waiting; each key
-- row is updated by one of them only (a locked row is skipped, a drawn one no longer matches order_id IS NULL).
-- Checkout already reserved stock, and a keyed item's stock never exceeds its free keys (below), so the pool
-- cannot run dry for a paid order.
CREATE FUNCTION digital_grant_on_payment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE l record;
BEGIN
  FOR l IN SELECT ol.id, ol.item_id, ol.quantity FROM order_lines ol
           WHERE ol.order_id = NEW.id AND ol.tenant_id = NEW.tenant_id AND ol.kind = 'digital' ORDER BY ol.id LOOP
    INSERT INTO digital_grants (id, tenant_id, order_id, order_line_id, item_id, file_key, file_name, file_size, link_url, download_limit)
    SELECT gen_random_uuid(), NEW.tenant_id, NEW.id, l.id, l.item_id, a.file_key, a.file_name, a.file_size, a.link_url, coalesce(a.download_limit, 5)
    FROM (SELECT 1) one LEFT JOIN digital_assets a ON a.tenant_id = NEW.tenant_id AND a.item_id = l.item_id
    ON CONFLICT (order_line_id) DO NOTHING;
    UPDATE licence_keys SET order_id = NEW.id, order_line_id = l.id, drawn_at = now()
    WHERE id IN (SELECT k.id FROM licence_keys k WHERE k.tenant_id = NEW.tenant_id AND k.item_id = l.item_id AND k.order_id IS NULL
                 ORDER BY k.created_at, k.id LIMIT l.quantity FOR UPDATE SKIP LOCKED);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER orders_digital_grant AFTER UPDATE OF status ON "orders" FOR EACH ROW
  WHEN (OLD.status = 'pending_payment' AND NEW.status IN ('paid', 'escrow_funded'))
  EXECUTE FUNCTION digital_grant_on_payment();

-- A keyed item's stock is at most its free keys: more (or unlimited) would sell keys that do not exist. Checkout
-- takes stock, payment takes keys, expiry gives the stock back: all keep stock <= free keys. A rise past the free
-- keys (a merchant's edit, or a cancel returning the stock of a key already handed over) is clamped, not refused,
-- so a cancel still goes through and the key it gave away is not sold again.
CREATE FUNCTION catalog_items_key_stock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v_free integer;
BEGIN
  IF NEW.stock IS NOT DISTINCT FROM OLD.stock OR (NEW.stock IS NOT NULL AND OLD.stock IS NOT NULL AND NEW.stock < OLD.stock) THEN
    RETURN NEW;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM licence_keys WHERE tenant_id = NEW.tenant_id AND item_id = NEW.id) THEN RETURN NEW; END IF;
  SELECT count(*) INTO v_free FROM licence_keys WHERE tenant_id = NEW.tenant_id AND item_id = NEW.id AND order_id IS NULL;
  IF NEW.stock IS NULL OR NEW.stock > v_free THEN
    -- What is really left: the free keys less those promised to unpaid orders.
    NEW.stock := greatest(0, v_free - (SELECT coalesce(sum(ol.quantity), 0)::integer
      FROM order_lines ol JOIN orders o ON o.id = ol.order_id AND o.tenant_id = ol.tenant_id
      WHERE ol.tenant_id = NEW.tenant_id AND ol.item_id = NEW.id AND o.status = 'pending_payment'));
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER catalog_items_key_stock BEFORE UPDATE OF stock ON "catalog_items" FOR EACH ROW EXECUTE FUNCTION catalog_items_key_stock();
