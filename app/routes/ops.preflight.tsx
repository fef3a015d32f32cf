import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { Card, PageHeader, buttonClass } from "#app/components/ops/layout.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { loadPreflight } from "./ops.preflight.server.ts";

export const meta: MetaFunction = () => [{ title: "Launch readiness · Operator console" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  return loadPreflight(context.services.prisma);
}

export default function Preflight() {
  const { ok, gates, failed, checkedAt } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-5">
      <PageHeader
        title="Launch readiness"
        description="Each gate a deployment must pass before it opens to shops: the same checks as npm run ops:preflight, for this instance."
        actions={<Link to="." reloadDocument className={buttonClass.secondary}>Check again</Link>}
      />
      <div
        role="status"
        data-testid="preflight-summary"
        className={`rounded-lg border px-4 py-3 text-sm font-medium ${ok ? "border-emerald-200 bg-emerald-50 text-emerald-800" : "border-rose-200 bg-rose-50 text-rose-800"}`}
      >
        {ok ? `All ${gates.length} gates pass.` : `${failed.length} of ${gates.length} gates fail: not ready to open.`}
        <span className="ml-2 font-normal text-gray-500">Checked {new Date(checkedAt).toUTCString()}</span>
      </div>
      <Card title="Gates">
        <ul className="divide-y divide-gray-100" data-testid="preflight-gates">
          {gates.map((g) => (
            <li key={g.id} className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-start sm:gap-4" data-gate={g.id} data-ok={g.ok ? "true" : "false"}>
              <span className="shrink-0 sm:w-16">
                <Badge tone={g.ok ? "green" : "red"}>{g.ok ? "Pass" : "Fail"}</Badge>
              </span>
              <div className="min-w-0">
                <p className="text-sm font-medium text-gray-900">{g.title}</p>
                <p className="break-words text-sm text-gray-600">{g.reason}</p>
              </div>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
