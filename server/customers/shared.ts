/** Customers and announcements (ADR 033): the browser-safe part — filters, the announcement form, masking. */
import { z } from "zod";

export const CUSTOMER_SORTS = ["first_order", "orders", "spent", "last_order"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
export const CUSTOMERS_PER_PAGE = 50;
export const ANNOUNCEMENT_MAX_CHARS = 1_000;
/** Added to every announcement sent by the bot: how to opt out (G14-4). */
export const TELEGRAM_FOOTER = "\n\n— Send /unsubscribe to stop these messages.";
/** At most this many announcements per shop in any 24 hours (G14-5), unless an operator lifted the limit. */
export const ANNOUNCEMENTS_PER_DAY = 2;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-12-07");
const amount = z.string().regex(/^\d{1,20}(\.\d{1,18})?$/, "an amount like 12.50");
const count = z.coerce.number().int().min(0).max(1_000_000_000);

/** The list's filters: also what an announcement's "current filter" audience stores. Dates are UTC days, inclusive. */
export const customerFilterSchema = z.object({
  firstOrderFrom: day.optional(),
  firstOrderTo: day.optional(),
  lastOrderFrom: day.optional(),
  lastOrderTo: day.optional(),
  minOrders: count.optional(),
  maxOrders: count.optional(),
  minSpent: amount.optional(),
  maxSpent: amount.optional(),
  telegram: z.enum(["yes", "no"]).optional(),
  optedIn: z.enum(["yes", "no"]).optional(),
});
export type CustomerFilter = z.infer<typeof customerFilterSchema>;

export const customerListQuerySchema = customerFilterSchema.extend({
  sort: z.enum(CUSTOMER_SORTS).default("last_order"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type CustomerListQuery = z.infer<typeof customerListQuerySchema>;

/** The JSON checkout's optional consent field (unticked = false): parsed next to the money core's own schema. */
export const checkoutConsentSchema = z.object({ marketingOptIn: z.boolean().default(false) });

export const customerParams = z.object({ tenantId: z.uuid(), customerId: z.uuid() });

export const announcementInputSchema = z.object({
  body: z.string().trim().min(1, "Write the message.").max(ANNOUNCEMENT_MAX_CHARS, `At most ${ANNOUNCEMENT_MAX_CHARS} characters.`),
  /** "all": every opted-in customer; "filter": the opted-in customers that match `filter`. */
  audience: z.enum(["all", "filter"]).default("all"),
  filter: customerFilterSchema.default({}),
});
export type AnnouncementInput = z.infer<typeof announcementInputSchema>;

export const liftLimitSchema = z.object({
  hours: z.number().int().min(0).max(24 * 30),
  reason: z.string().trim().min(3).max(500),
});

/** `j***@gmail.com`: the first character of the local part and the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}
