/** The CSV import as the dashboard uses it; a .server module so csv-parse (Node-only) stays out of the browser bundle. */
export { MAX_IMPORT_ROWS, parseCatalogCsv } from "#server/catalog/index.ts";
