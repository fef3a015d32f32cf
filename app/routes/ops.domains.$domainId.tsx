import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { ActorKindBadge, Pill } from "#app/components/ops/badges.tsx";
import { formatDateTime } from "#app/components/ops/format.ts";
import { Card, EmptyState, PageHeader } from "#app/components/ops/layout.tsx";
import { OpsRecordError } from "#app/components/ops/route-error.tsx";
import { DnsRecordsTable } from "#app/components/ui/dns-records-table.tsx";
import { DomainStatusBadge, TlsDetails } from "#app/components/ui/domain-status.tsx";
import { loadDomainDetail } from "./ops.domains.$domainId.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.hostname ?? "Domain"} · Operator console` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  return loadDomainDetail(context, params.domainId);
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const at = (iso: string | null) => (iso ? formatDateTime(iso) : <span className="text-gray-500">—</span>);

function CurrentState({ domain: d }: { domain: NonNullable<Data["domain"]> }) {
  const rows: Array<[string, React.ReactNode]> = [
    [
      "State",
      <span key="state" className="flex flex-wrap items-center gap-2">
        <DomainStatusBadge status={d.status} />
        {d.isPrimary ? <Pill tone="indigo">primary</Pill> : null}
        <span className="text-xs text-gray-500">{d.mode === "apex" ? "A records" : "CNAME"}</span>
      </span>,
    ],
    ["Added", at(d.createdAt)],
    ["Verified", at(d.verifiedAt)],
    ["Last check", at(d.lastCheckedAt)],
    ["Next check", at(d.nextCheckAt)],
    ["Failed attempts", d.checkAttempts],
    ...(d.degradedSince ? [["Degraded since", at(d.degradedSince)] as [string, React.ReactNode]] : []),
    ["TLS", <TlsDetails key="tls" tls={d.tls} />],
    ...(d.lastError ? [["Last error", <span key="err" className="text-rose-700">{d.lastError}</span>] as [string, React.ReactNode]] : []),
    ...(d.problems.length
      ? [["Doctor", <ul key="doc" className="list-disc space-y-1 pl-4 text-rose-700">{d.problems.map((p) => <li key={p}>{p}</li>)}</ul>] as [string, React.ReactNode]]
      : []),
  ];
  return (
    <Card title="Current state">
      <div className="grid grid-cols-1 lg:grid-cols-2">
        <dl className="divide-y divide-gray-100">
          {rows.map(([label, value]) => (
            <div key={label} className="grid grid-cols-[9rem_minmax(0,1fr)] gap-4 px-4 py-2.5 text-sm">
              <dt className="text-gray-500">{label}</dt>
              <dd className="min-w-0 text-gray-900">{value}</dd>
            </div>
          ))}
        </dl>
        <div className="border-t border-gray-200 p-4 lg:border-t-0 lg:border-l">
          <p className="mb-2 text-xs font-medium uppercase tracking-wide text-gray-500">Records the shop must have</p>
          <DnsRecordsTable records={d.records} caption={`DNS records for ${d.hostname}`} />
        </div>
      </div>
    </Card>
  );
}

const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500 whitespace-nowrap";

function EventRow({ e }: { e: Data["events"][number] }) {
  const [kind] = e.actor.split(":");
  return (
    <tr className="align-top" data-testid="domain-event">
      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-gray-700">
        <div>{e.createdAt.slice(0, 10)}</div>
        <div className="text-gray-500">{e.createdAt.slice(11, 19)}</div>
      </td>
      <td className="whitespace-nowrap px-3 py-2">
        <span className="flex items-center gap-1.5">
          {e.from ? <DomainStatusBadge status={e.from} /> : <span className="text-xs text-gray-500">new</span>}
          <span aria-hidden className="text-gray-500">→</span>
          <span className="sr-only">to</span>
          <DomainStatusBadge status={e.to} />
        </span>
      </td>
      <td className="px-3 py-2">
        <span className="flex flex-col items-start gap-1">
          <ActorKindBadge kind={kind ?? e.actor} />
          <span className="max-w-48 truncate text-xs text-gray-600" title={e.actor}>{e.actorEmail ?? e.actor}</span>
        </span>
      </td>
      <td className="min-w-72 px-3 py-2">
        <p className="text-gray-900">{e.summary}</p>
        <details className="mt-1">
          <summary className="cursor-pointer text-xs font-medium text-gray-500 hover:text-gray-900">Evidence{e.dns.length ? ` · ${e.dns.length} DNS answers` : ""}</summary>
          {e.dns.length ? (
            <table className="mt-2 w-full text-xs">
              <thead>
                <tr className="text-left text-gray-500">
                  <th scope="col" className="py-1 pr-3 font-medium">Name</th>
                  <th scope="col" className="py-1 pr-3 font-medium">Type</th>
                  <th scope="col" className="py-1 font-medium">Answer</th>
                </tr>
              </thead>
              <tbody className="font-mono">
                {e.dns.map((a, i) => (
                  <tr key={`${a.name}-${a.type}-${i}`} className="border-t border-gray-100">
                    <td className="py-1 pr-3 break-all text-gray-800">{a.name}</td>
                    <td className="py-1 pr-3 text-gray-800">{a.type}</td>
                    <td className={`py-1 whitespace-pre-wrap break-all ${a.ok ? "text-gray-900" : "text-rose-700"}`}>{a.answer}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <pre tabIndex={0} aria-label="Evidence as JSON" className="mt-2 max-h-96 overflow-auto rounded-md bg-gray-900 p-3 text-xs text-gray-100">{e.json}</pre>
        </details>
      </td>
    </tr>
  );
}

export default function OpsDomainDetail() {
  const { hostname, removedAt, tenant, domain, events } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-gray-500">
        <Link to="/ops/domains" className="hover:text-gray-900">Domains</Link>
        <span className="mx-2 text-gray-300">/</span>
        <span className="font-mono text-gray-700">{hostname}</span>
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span className="font-mono">{hostname}</span>
            <DomainStatusBadge status={domain?.status ?? "removed"} />
          </span>
        }
        description={
          <span>
            Shop <Link to={`/ops/tenants/${tenant.id}`} className="font-mono text-gray-700 hover:underline">{tenant.slug}</Link> · {tenant.displayName}
            {tenant.status !== "active" ? ` (${tenant.status})` : ""}
          </span>
        }
      />
      {domain ? (
        <CurrentState domain={domain} />
      ) : (
        <Card title="Current state">
          <EmptyState title="Removed">The shop removed this domain{removedAt ? ` on ${formatDateTime(removedAt)}` : ""}. It is no longer served.</EmptyState>
        </Card>
      )}
      <Card title={`Event log (${events.length})`}>
        {events.length === 0 ? (
          <EmptyState title="No events" />
        ) : (
          <div className="relative overflow-x-auto">
            <table className="min-w-full divide-y divide-gray-200 text-sm">
              <thead className="bg-gray-50">
                <tr>
                  <th scope="col" className={th}>Time (UTC)</th>
                  <th scope="col" className={th}>Change</th>
                  <th scope="col" className={th}>Actor</th>
                  <th scope="col" className={th}>What happened</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100 bg-white">{events.map((e) => <EventRow key={e.id} e={e} />)}</tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <OpsRecordError subject="domain" notFound="The domain ID is wrong or the domain no longer exists." back={{ to: "/ops/domains", label: "Back to domains" }} />;
}
