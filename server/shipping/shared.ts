/** The browser-safe part of shipping and tax settings (ADR 035): schemas and the country list. */
export * from "./schemas.ts";
export * from "./countries.ts";
