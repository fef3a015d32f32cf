import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { buttonClass, Card, EmptyState, PageHeader } from "#app/components/ops/layout.tsx";
import { ReasonForm } from "#app/components/orders/reason-form.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { loadFeeStatements, settleFromConsole } from "./ops.fees.server.ts";

export const meta: MetaFunction = () => [{ title: "Platform fees · Operator console" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  return loadFeeStatements(context, new URL(request.url));
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireOperator(request, context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const { status, ...reply } = await settleFromConsole(context, formData);
  return json(reply, { status });
}

export default function FeeStatementsPage() {
  const { items } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Platform fees"
        description="Monthly statements of the fee each shop owes on manual-invoice and card orders (not deducted at checkout). Mark one settled when the shop has paid: it is audited and posted in the ledger."
      />
      <Card title="Statements">
        {items.length === 0 ? (
          <EmptyState title="No statements yet">They are generated daily for the month that just ended, or with npm run fees:statements.</EmptyState>
        ) : (
          <ul className="divide-y divide-gray-100" data-testid="ops-fee-statements">
            {items.map((s) => (
              <li key={s.id} className="flex flex-wrap items-start justify-between gap-4 px-4 py-3">
                <div className="min-w-0 text-sm">
                  <Link to={`/ops/tenants/${s.tenantId}`} className="font-medium text-gray-900 underline underline-offset-2">{s.displayName}</Link>
                  <span className="ml-2 text-gray-500">{s.slug}</span>
                  <p className="mt-1 text-gray-700">{s.month} · {s.orderCount} orders · <span className="font-mono">{s.total} {s.currency}</span></p>
                </div>
                {s.status === "settled" ? (
                  <Badge tone="green">Settled</Badge>
                ) : (
                  <ReasonForm
                    id={`settle-${s.id}`} className="flex flex-wrap items-end gap-2"
                    lastResult={reply?.form === `settle-${s.id}` ? (reply.result as never) : undefined}
                    hidden={{ statementId: s.id }}
                    reason={{ name: "note", label: "How the shop paid", placeholder: "Bank transfer ref …" }}
                  >
                    {(busy) => <button type="submit" disabled={busy} className={buttonClass.primary}>{busy ? "Settling…" : "Mark settled"}</button>}
                  </ReasonForm>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
