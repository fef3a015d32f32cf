-- CreateEnum
CREATE TYPE "CatalogItemKind" AS ENUM ('physical', 'digital');

-- CreateEnum
CREATE TYPE "UploadPurpose" AS ENUM ('item_image', 'logo', 'favicon');

-- CreateTable
CREATE TABLE "catalog_items" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "price" DECIMAL(38,18) NOT NULL,
    "category" TEXT,
    "kind" "CatalogItemKind" NOT NULL DEFAULT 'physical',
    "stock" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "archived_at" TIMESTAMPTZ(6),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "catalog_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "uploads" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "purpose" "UploadPurpose" NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog_item_images" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "upload_id" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "alt" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_item_images_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "catalog_items_tenant_id_created_at_id_idx" ON "catalog_items"("tenant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "catalog_items_tenant_id_category_idx" ON "catalog_items"("tenant_id", "category");

-- CreateIndex
CREATE UNIQUE INDEX "catalog_items_tenant_id_id_key" ON "catalog_items"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "uploads_key_key" ON "uploads"("key");

-- CreateIndex
CREATE INDEX "uploads_tenant_id_created_at_idx" ON "uploads"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "uploads_tenant_id_id_key" ON "uploads"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "catalog_item_images_tenant_id_item_id_position_idx" ON "catalog_item_images"("tenant_id", "item_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "catalog_item_images_item_id_upload_id_key" ON "catalog_item_images"("item_id", "upload_id");

-- AddForeignKey
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog_item_images" ADD CONSTRAINT "catalog_item_images_tenant_id_item_id_fkey" FOREIGN KEY ("tenant_id", "item_id") REFERENCES "catalog_items"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog_item_images" ADD CONSTRAINT "catalog_item_images_tenant_id_upload_id_fkey" FOREIGN KEY ("tenant_id", "upload_id") REFERENCES "uploads"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;



-- ---------------------------------------------------------------------------
-- Hand-written: catalog and upload invariants.
-- ---------------------------------------------------------------------------

ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_price_ck" CHECK ("price" >= 0);
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_stock_ck" CHECK ("stock" IS NULL OR "stock" >= 0);
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_title_ck" CHECK (char_length(btrim("title")) BETWEEN 1 AND 200);
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_description_ck" CHECK (char_length("description") <= 10000);
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_archived_inactive_ck" CHECK ("archived_at" IS NULL OR NOT "active");
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_version_ck" CHECK ("version" > 0);

-- Stored files live under their tenant's prefix, with a type the magic-byte check produced; SVG is never stored.
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_key_prefix_ck" CHECK ("key" LIKE ("tenant_id"::text || '/%'));
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_content_type_ck"
  CHECK ("content_type" IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/x-icon'));
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_size_ck" CHECK ("size" > 0 AND "size" <= 5242880);
ALTER TABLE "catalog_item_images" ADD CONSTRAINT "catalog_item_images_position_ck" CHECK ("position" >= 0);
