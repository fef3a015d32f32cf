export { CatalogService, presentItem, type PresentedItem } from "./service.ts";
export * from "./shared.ts";
export { publicItem } from "./public-item.ts";
export { parseCatalogCsv, MAX_IMPORT_ROWS, MAX_IMAGE_ROWS, type ImportReport, type ParsedCatalog } from "./csv.ts";
