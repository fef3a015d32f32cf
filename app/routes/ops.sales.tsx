import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { PageHeader } from "#app/components/ops/layout.tsx";
import { SalesOverview } from "#app/components/reports/sales-overview.tsx";
import { overviewQuerySchema } from "#server/reports/shared.ts";

export const meta: MetaFunction = () => [{ title: "Sales · Operator console" }];

/** Every shop's sales together (ADR 031): days in UTC, one block per currency. Each shop's own is on its page. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  const chart = overviewQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  return { sales: await context.services.reports.platformOverview(chart.success ? chart.data.chart : 30) };
}

export default function OpsSales() {
  const { sales } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <PageHeader title="Sales" description="All shops together, by currency. Open a shop for its own figures in its time zone." />
      <SalesOverview overview={sales} title="Platform" topItems={false} />
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
