/** The storefront URL of an item: its readable slug (old /items/<uuid> links redirect there). Browser-safe. */
export const itemPath = (slug: string) => `/items/${encodeURIComponent(slug)}`;
