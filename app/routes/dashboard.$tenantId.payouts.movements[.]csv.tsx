import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { invariantResponse } from "#app/utils/invariant.ts";
import { movementsQuerySchema } from "#server/reports/shared.ts";

/** One row per ledger movement in the chosen local days (ADR 031), streamed. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "payouts.read", operator: false });
  const q = movementsQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  invariantResponse(q.success, "Invalid filter: dates are YYYY-MM-DD.", { status: 400 });
  const { range, body } = await context.services.reports.movementsCsv(tenantId, q.data);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="movements-${range.fromDay}-to-${range.toDay}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
