export { CatalogService, presentItem, type PresentedItem } from "./service.ts";
export * from "./shared.ts";
export { publicItem } from "./public-item.ts";
export { parseCatalogCsv, MAX_IMPORT_ROWS, type ImportReport } from "./csv.ts";
