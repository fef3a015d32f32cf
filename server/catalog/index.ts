export { CatalogService, presentItem, type PresentedItem } from "./service.ts";
export { itemCreateSchema, itemPatchSchema, itemFieldsSchema, stockAdjustSchema, catalogQuerySchema, priceSchema, MAX_PAGE, type CatalogQuery, type ItemCreateInput, type ItemPatchInput } from "./schemas.ts";
export { parseCatalogCsv, MAX_IMPORT_ROWS, type ImportReport } from "./csv.ts";
export { formatAmount, currencyDigits } from "./money.ts";
