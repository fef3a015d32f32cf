/** Customers, marketing consent and announcements (issue 16 points 5 and 6, ADR 033). */
export { CustomersService, type CustomersDeps } from "./service.ts";
export { unsubscribePath } from "./consent.ts";
export type { CustomerRow } from "./queries.ts";
export type { AnnouncementSummary, RecipientCounts } from "./announcements.ts";
export * from "./shared.ts";
