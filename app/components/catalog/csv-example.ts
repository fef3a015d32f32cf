/** The CSV import's columns (server/catalog/csv.ts), as the import page explains them and the example file shows them. */
export const CSV_COLUMNS = [
  { name: "title", required: true, text: "Up to 200 characters." },
  { name: "description", required: false, text: "Plain text; quote it if it contains commas." },
  { name: "price", required: true, text: "A plain amount such as 12 or 12.50, without a currency sign." },
  { name: "category", required: false, text: "Up to 60 characters; empty for none." },
  { name: "stock", required: false, text: "A whole number; empty or “unlimited” for unlimited." },
  { name: "kind", required: false, text: "physical (the default) or digital." },
  { name: "active", required: false, text: "true (the default) or false to keep it hidden from buyers." },
] as const;

export const CSV_EXAMPLE = [
  "title,description,price,category,stock,kind,active",
  'Beeswax pillar candle,"Hand-poured, burns for 40 hours",12.50,candles,25,physical,true',
  "Lavender tealights (12),Soft scent for small rooms,8,candles,unlimited,physical,true",
  "Gift card,Delivered by email,25.00,gift-cards,,digital,true",
  "Winter collection,Back in November,34.90,candles,0,physical,false",
  "",
].join("\n");
