export { DocumentService, type DocumentFile, type OrderDocumentsSummary } from "./service.ts";
export { DocumentStore, documentKey } from "./store.ts";
export { renderDocumentPdf, type DocumentPdfInput } from "./render.ts";
export { documentLocale, DOCUMENT_LOCALES, type DocumentLocale } from "./labels.ts";
