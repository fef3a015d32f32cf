-- An item's shipping weight in grams (issue 22): weight-band shipping rates read it, the catalog form and CSV import
-- write it. Null: not set (a weight-band rate treats it as 0 g and the dashboard flags physical items without one).

-- AlterTable
ALTER TABLE "catalog_items" ADD COLUMN     "weight_grams" INTEGER;
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_weight_grams_range" CHECK ("weight_grams" BETWEEN 0 AND 1000000000);
