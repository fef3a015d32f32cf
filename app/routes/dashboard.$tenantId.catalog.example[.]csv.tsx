import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { CSV_EXAMPLE } from "#app/components/catalog/csv-example.ts";
import { requireParam } from "#app/utils/params.ts";

/** The example file offered on the import page. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireTenantRole(request, context, requireParam(params, "tenantId"), { action: "catalog.edit", operator: false });
  return new Response(CSV_EXAMPLE, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="catalog-example.csv"',
      "Cache-Control": "private, max-age=3600",
    },
  });
}
