import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { Card, EmptyState, PageHeader } from "#app/components/ops/layout.tsx";
import { loadEmailHealth } from "./ops.email.server.ts";

export const meta: MetaFunction = () => [{ title: "Email · Operator console" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  return loadEmailHealth(context.services.prisma);
}

function age(sec: number) {
  if (sec < 60) return `${sec} s`;
  if (sec < 3600) return `${Math.floor(sec / 60)} min`;
  if (sec < 86_400) return `${Math.floor(sec / 3600)} h ${Math.floor((sec % 3600) / 60)} min`;
  return `${Math.floor(sec / 86_400)} d`;
}

const STATUSES = [
  ["queued", "Queued"],
  ["sending", "Sending"],
  ["sent", "Sent"],
  ["failed", "Failed"],
  ["cancelled", "Cancelled"],
] as const;

export default function EmailHealth() {
  const { depth, oldestQueuedSec, failures } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-5">
      <PageHeader title="Email" description="The mail outbox across all shops: what is waiting, how long the oldest message has waited, and which shops' mail fails." />
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="outbox-depth">
        {STATUSES.map(([key, label]) => (
          <div key={key} className="rounded-lg border border-gray-200 bg-white px-4 py-3">
            <dt className="text-xs font-medium text-gray-500">{label}</dt>
            <dd className={`mt-1 text-xl font-semibold ${key === "failed" && depth[key] ? "text-rose-700" : "text-gray-900"}`} data-status={key}>{depth[key]}</dd>
          </div>
        ))}
        <div className="rounded-lg border border-gray-200 bg-white px-4 py-3">
          <dt className="text-xs font-medium text-gray-500">Oldest queued</dt>
          <dd className="mt-1 text-xl font-semibold text-gray-900" data-testid="oldest-queued">{oldestQueuedSec === null ? "—" : age(oldestQueuedSec)}</dd>
        </div>
      </dl>
      <Card title="Failures by shop">
        {failures.length === 0 ? (
          <EmptyState title="No failed mail">No message failed in the last 7 days.</EmptyState>
        ) : (
          <div className="overflow-x-auto px-4 pb-2">
            <table className="min-w-full text-sm" data-testid="failures">
              <thead className="text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                <tr>
                  <th scope="col" className="py-2 pr-4">Shop</th>
                  <th scope="col" className="py-2 pr-4 text-right">24 h</th>
                  <th scope="col" className="py-2 pr-4 text-right">7 days</th>
                  <th scope="col" className="py-2">Last error</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {failures.map((f) => (
                  <tr key={f.tenantId ?? "platform"} className="align-top">
                    <td className="py-2 pr-4 whitespace-nowrap">
                      {f.tenantId ? <Link to={`/ops/tenants/${f.tenantId}`} className="font-medium text-indigo-700 hover:text-indigo-600">{f.name}</Link> : <span className="font-medium text-gray-700">{f.name}</span>}
                      {f.slug ? <span className="ml-1 font-mono text-xs text-gray-500">{f.slug}</span> : null}
                    </td>
                    <td className="py-2 pr-4 text-right tabular-nums">{f.day}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{f.week}</td>
                    <td className="py-2 text-xs break-words text-gray-600">{f.lastError}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
