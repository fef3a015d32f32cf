/** The CSV import's columns (server/catalog/csv.ts), as the import page explains them and the example file shows them. */
export const CSV_COLUMNS = [
  { name: "title", required: true, text: "Up to 200 characters." },
  { name: "description", required: false, text: "Plain text; quote it if it contains commas." },
  { name: "price", required: true, text: "A plain amount such as 12 or 12.50, without a currency sign." },
  { name: "category", required: false, text: "Up to 60 characters; empty for none." },
  { name: "stock", required: false, text: "A whole number; empty or “unlimited” for unlimited." },
  { name: "kind", required: false, text: "physical (the default) or digital." },
  { name: "active", required: false, text: "true (the default) or false to keep it hidden from buyers." },
  { name: "sku", required: false, text: "Your own code, up to 64 characters; unique in your shop (any case)." },
  { name: "compare_at_price", required: false, text: "The “was” price shown struck through; above the price." },
  { name: "weight_grams", required: false, text: "Shipping weight in whole grams." },
  { name: "seo_title", required: false, text: "Page title for search engines, up to 70 characters." },
  { name: "seo_description", required: false, text: "Meta description, up to 160 characters." },
  { name: "slug", required: false, text: "The item's address, /items/<slug>; made from the title when empty." },
  { name: "image_url", required: false, text: "An http(s) link to a PNG, JPEG, GIF or WebP up to 5 MB on a public host; downloaded once, on import." },
] as const;

export const CSV_EXAMPLE = [
  "title,description,price,category,stock,kind,active,sku,compare_at_price,weight_grams,image_url",
  'Beeswax pillar candle,"Hand-poured, burns for 40 hours",12.50,candles,25,physical,true,CND-001,15.00,450,',
  "Lavender tealights (12),Soft scent for small rooms,8,candles,unlimited,physical,true,CND-002,,120,",
  "Gift card,Delivered by email,25.00,gift-cards,,digital,true,GIFT-25,,,",
  "Winter collection,Back in November,34.90,candles,0,physical,false,CND-100,,900,",
  "",
].join("\n");
