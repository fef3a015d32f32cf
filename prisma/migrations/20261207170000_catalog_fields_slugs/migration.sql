-- Issue 22 point 6: SKU, compare-at price, SEO fields, readable item URLs (/items/<slug>) with a history of old slugs
-- so renamed items keep redirecting. docs/decisions/037-catalog-fields-and-item-urls.md.

-- AlterTable
ALTER TABLE "catalog_items" ADD COLUMN     "compare_at_price" DECIMAL(38,18),
ADD COLUMN     "seo_description" TEXT,
ADD COLUMN     "seo_title" TEXT,
ADD COLUMN     "sku" TEXT,
ADD COLUMN     "slug" TEXT NOT NULL DEFAULT '';

-- The fallback slug of a row written without one (manifests, seeds, tests): the title's letters and digits, dashed,
-- suffixed -2, -3, … past the shop's current and former slugs. The service writes its own (Unicode-aware, slug.ts);
-- the unique index below settles any race.
CREATE FUNCTION catalog_item_default_slug() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE base text; candidate text; n int := 1;
BEGIN
  IF NEW.slug = '' THEN
    base := btrim(left(btrim(regexp_replace(lower(NEW.title), '[^[:alnum:]]+', '-', 'g'), '-'), 72), '-');
    IF base = '' THEN base := 'item'; END IF;
    candidate := base;
    WHILE EXISTS (SELECT 1 FROM catalog_items WHERE tenant_id = NEW.tenant_id AND slug = candidate AND id <> NEW.id)
       OR EXISTS (SELECT 1 FROM item_slug_history WHERE tenant_id = NEW.tenant_id AND slug = candidate)
       OR candidate ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' LOOP
      n := n + 1;
      candidate := base || '-' || n;
    END LOOP;
    NEW.slug := candidate;
  END IF;
  RETURN NEW;
END $$;


CREATE TRIGGER catalog_items_default_slug BEFORE INSERT OR UPDATE OF slug ON "catalog_items"
  FOR EACH ROW EXECUTE FUNCTION catalog_item_default_slug();

-- CreateTable
CREATE TABLE "item_slug_history" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "item_slug_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "item_slug_history_tenant_id_item_id_idx" ON "item_slug_history"("tenant_id", "item_id");

-- CreateIndex
CREATE UNIQUE INDEX "item_slug_history_tenant_id_slug_key" ON "item_slug_history"("tenant_id", "slug");

-- AddForeignKey: composite, so a history row can only point at an item of its own tenant.
ALTER TABLE "item_slug_history" ADD CONSTRAINT "item_slug_history_tenant_id_item_id_fkey" FOREIGN KEY ("tenant_id", "item_id") REFERENCES "catalog_items"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill, oldest first so the first of equal titles keeps the plain slug: existing items get the fallback slug (the
-- trigger fires on UPDATE OF slug; each row sees the ones done before it).
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT id FROM "catalog_items" ORDER BY created_at, id LOOP
    UPDATE "catalog_items" SET "slug" = '' WHERE id = r.id;
  END LOOP;
END $$;

-- The slug is a URL path segment: 1..80 characters, no slash, whitespace, '?', '#' or '%', and never UUID-shaped
-- (/items/<uuid> is the old link form, which redirects by id).
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_slug_ck" CHECK (
  char_length("slug") BETWEEN 1 AND 80 AND "slug" !~ '[/\s?#%]'
  AND "slug" !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$');
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_sku_ck" CHECK ("sku" IS NULL OR char_length(btrim("sku")) BETWEEN 1 AND 64);
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_compare_at_price_ck"
  CHECK ("compare_at_price" IS NULL OR ("compare_at_price" > "price" AND "compare_at_price" <= 1000000000000));
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_seo_title_ck" CHECK ("seo_title" IS NULL OR char_length("seo_title") <= 70);
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_seo_description_ck" CHECK ("seo_description" IS NULL OR char_length("seo_description") <= 160);

-- SKU: unique per shop, case-insensitively ("ab-1" and "AB-1" are the same SKU); two shops may share one.
CREATE UNIQUE INDEX "catalog_items_tenant_id_sku_ci_key" ON "catalog_items"("tenant_id", lower("sku")) WHERE "sku" IS NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "catalog_items_tenant_id_slug_key" ON "catalog_items"("tenant_id", "slug");
