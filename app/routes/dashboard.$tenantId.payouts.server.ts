/** Server side of the Payouts page: the ledger balances, a page of movements, the shop's rails and statement months. */
import type { AppLoadContext } from "@remix-run/node";
import { invariantResponse } from "#app/utils/invariant.ts";
import { addDays, localToday, movementsQuerySchema } from "#server/reports/index.ts";

export async function loadPayouts(context: AppLoadContext, tenantId: string, url: URL) {
  const q = movementsQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  invariantResponse(q.success, "Invalid filter: dates are YYYY-MM-DD.", { status: 400 });
  const { reports, prisma } = context.services;
  const [balances, page, policy] = await Promise.all([
    reports.balances(tenantId),
    reports.movements(tenantId, { ...q.data, limit: q.data.limit }),
    prisma.tenantPaymentPolicy.findUnique({ where: { tenantId }, select: { allowedRails: true } }),
  ]);
  // The last 12 months in the shop's zone, newest first, for the statement picker.
  const today = localToday(new Date(), page.range.timeZone);
  const months: string[] = [];
  for (let d = `${today.slice(0, 7)}-01`; months.length < 12; d = addDays(d, -1).slice(0, 8) + "01") months.push(d.slice(0, 7));
  return {
    balances, rails: policy?.allowedRails ?? [], months,
    range: { from: page.range.fromDay, to: page.range.toDay, timeZone: page.range.timeZone },
    movements: page.items, nextAfter: page.nextAfter, after: q.data.after ?? null,
  };
}
