/** Digital delivery (ADR 039): files, licence keys and links of digital items, and their signed downloads. */
export { DigitalService, DOWNLOAD_LINK_TTL_MS, type DigitalDeps } from "./service.ts";
export { digitalSettingsSchema, licenceKeysSchema, cleanFileName, DIGITAL_FILE_MAX_BYTES, DEFAULT_DOWNLOAD_LIMIT } from "./schemas.ts";
export { signDownload, verifyDownload } from "./links.ts";
