/** Server side of the Customers pages (ADR 033): the list with its filter, a profile, an announcement's progress. */
import type { AppLoadContext } from "@remix-run/node";
import type { TenantRole } from "@prisma/client";
import { z } from "zod";
import { can } from "#server/auth/index.ts";
import { ANNOUNCEMENT_MAX_CHARS, customerFilterSchema, customerListQuerySchema, type CustomerFilter } from "#server/customers/index.ts";
import { invariantResponse } from "#app/utils/invariant.ts";

/** The composer: the message and the audience; "filter" takes the list's filter from the page's query string. */
export const composeSchema = z.object({
  body: z.string({ error: "Write the message." }).trim().min(1, "Write the message.").max(ANNOUNCEMENT_MAX_CHARS, `At most ${ANNOUNCEMENT_MAX_CHARS} characters.`),
  audience: z.enum(["all", "filter"]).default("all"),
  filterQuery: z.string().max(2_000).default(""),
});

/** The list's filter as the query string has it (sort and page left out): an announcement's "current filter". */
export function filterFromQuery(query: string): CustomerFilter {
  const parsed = customerFilterSchema.safeParse(Object.fromEntries(new URLSearchParams(query)));
  invariantResponse(parsed.success, "Invalid filter.", { status: 400 });
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined && v !== "")) as CustomerFilter;
}

export async function loadCustomers(context: AppLoadContext, tenantId: string, roles: readonly TenantRole[], url: URL) {
  const raw = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ""));
  const q = customerListQuerySchema.safeParse(raw);
  invariantResponse(q.success, "Invalid filter.", { status: 400 });
  const scope = { tenantId };
  const [list, log] = await Promise.all([
    context.services.customers.list(scope, q.data, can(roles, "customers.contact")),
    context.services.customers.log(scope, { limit: 10 }),
  ]);
  return { ...list, query: q.data, filter: filterFromQuery(url.search), log, canAnnounce: can(roles, "customers.announce") };
}

export async function loadCustomer(context: AppLoadContext, tenantId: string, roles: readonly TenantRole[], customerId: string) {
  invariantResponse(z.uuid().safeParse(customerId).success, "No such customer.", { status: 404 });
  const profile = await context.services.customers.profile({ tenantId }, customerId, can(roles, "customers.contact"));
  invariantResponse(profile, "No such customer.", { status: 404 });
  return profile;
}

export async function loadAnnouncement(context: AppLoadContext, tenantId: string, announcementId: string) {
  invariantResponse(z.uuid().safeParse(announcementId).success, "No such announcement.", { status: 404 });
  const [a] = await context.services.customers.log({ tenantId }, { id: announcementId });
  invariantResponse(a, "No such announcement.", { status: 404 });
  return a;
}
