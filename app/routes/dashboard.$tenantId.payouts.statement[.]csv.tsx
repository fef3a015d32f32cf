import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { invariantResponse } from "#app/utils/invariant.ts";
import { statementQuerySchema } from "#server/reports/shared.ts";

/** The monthly statement of the shop's accounts (ADR 031), the month in the shop's time zone. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "payouts.read", operator: false });
  const q = statementQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  invariantResponse(q.success, "Choose a month like 2026-11.", { status: 400 });
  return new Response(await context.services.reports.statementCsv(tenantId, q.data.month), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="statement-${q.data.month}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
