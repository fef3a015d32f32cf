import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReconcileReport } from "#server/edge/index.ts";
import { requireOperator } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Pill } from "#app/components/ops/badges.tsx";
import { formatDateTime, humanize } from "#app/components/ops/format.ts";
import { buttonClass, Card, EmptyState, inputClass, PageHeader } from "#app/components/ops/layout.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { relativeTime } from "#app/components/ui/timestamp.tsx";
import { daysLeftText, DOMAIN_STATES, DomainStatusBadge, TlsBadge } from "#app/components/ui/domain-status.tsx";
import { loadDomainHealth, reconcileEdge } from "./ops.domains.server.ts";

export const meta: MetaFunction = () => [{ title: "Domains · Operator console" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  return loadDomainHealth(context, new URL(request.url).searchParams);
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireOperator(request, context);
  requireCsrf(await request.formData(), context);
  const outcome = await reconcileEdge(context);
  // 200 either way: the page reloads the stored report, which records a failure too.
  return json(outcome);
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["domains"][number];

function Stat({ label, value, warn = false, title }: { label: string; value: React.ReactNode; warn?: boolean; title?: string }) {
  return (
    <div className={`rounded-md px-3 py-2 ring-1 ring-inset ${warn ? "bg-amber-50 ring-amber-200" : "bg-gray-50 ring-gray-200"}`} title={title}>
      <dt className="text-xs text-gray-500">{label}</dt>
      <dd className={`text-lg font-semibold tabular-nums ${warn ? "text-amber-900" : "text-gray-900"}`}>{value}</dd>
    </div>
  );
}

function DriftStats({ report }: { report: ReconcileReport }) {
  const d = report.drift;
  if (!d) return <p className="text-sm text-gray-500">No drift measured: the reconcile failed before Caddy's routes were read.</p>;
  const stat = (label: string, items: string[]) => <Stat label={label} value={items.length} warn={items.length > 0} title={items.join("\n") || undefined} />;
  return (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-5" data-testid="edge-drift">
      {stat("Routes missing", d.missing)}
      {stat("Routes stray", d.stray)}
      {stat("Routes changed", d.changed)}
      {stat("Hosts missing", d.hostsMissing)}
      {stat("Hosts stray", d.hostsStray)}
    </dl>
  );
}

function EdgePanel({ edge, now }: { edge: ReturnType<typeof useLoaderData<typeof loader>>["edge"]; now: string }) {
  const navigation = useNavigation();
  const outcome = useActionData<typeof action>();
  const busy = navigation.state === "submitting" && navigation.formMethod === "POST";
  const report = edge.report;
  return (
    <Card
      title="Edge (Caddy)"
      actions={
        edge.managed ? (
          <Form method="post">
            <CsrfInput />
            <button type="submit" className={buttonClass.primary} disabled={busy}>{busy ? "Reconciling…" : "Reconcile now"}</button>
          </Form>
        ) : null
      }
    >
      {!edge.managed ? (
        <EmptyState title="Edge not managed (CADDY_ADMIN_URL unset)">Routes for custom domains are not written by this platform.</EmptyState>
      ) : !report ? (
        <EmptyState title="No reconcile recorded yet">Press “Reconcile now” to compare Caddy's routes with the database.</EmptyState>
      ) : (
        <div className="space-y-4 p-4" data-testid="edge-panel">
          {outcome && !busy ? (
            <p role={outcome.ok ? "status" : "alert"} className={`rounded-md px-3 py-2 text-sm ring-1 ring-inset ${outcome.ok ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-rose-50 text-rose-700 ring-rose-200"}`}>
              {outcome.ok ? (outcome.changed ? "Reconciled: Caddy's routes were updated." : "Reconciled: Caddy already matched the database.") : `Reconcile failed: ${outcome.error}`}
            </p>
          ) : null}
          <div className="flex flex-wrap items-start gap-x-8 gap-y-2 text-sm">
            <div>
              <p className="text-xs text-gray-500">Last reconcile</p>
              <p className="text-gray-900">
                {relativeTime(report.at, now)} <span className="text-xs text-gray-500">· {formatDateTime(report.at)} · {report.durationMs} ms</span>
              </p>
              <p className="text-xs text-gray-500">Reason: {report.reason}</p>
            </div>
            <div>
              <p className="text-xs text-gray-500">Result</p>
              {report.ok ? <Badge tone="green">OK{report.changed ? " · routes written" : " · no change"}</Badge> : <Badge tone="red">Failed</Badge>}
              {report.restoredBase ? <p className="text-xs text-amber-800">Caddy had restarted empty: the base config was loaded again.</p> : null}
            </div>
            <div>
              <p className="text-xs text-gray-500">Hosts routed</p>
              <p className="text-gray-900">
                <span className="font-semibold tabular-nums" data-testid="edge-routed">{report.hosts.routed}</span>{" "}
                <span className="text-xs text-gray-500">· {report.hosts.unavailable} unavailable (suspended shops) · {report.hosts.gone} gone (closed shops)</span>
              </p>
            </div>
          </div>
          {report.error ? <p className="rounded-md bg-rose-50 px-3 py-2 font-mono text-xs text-rose-700 ring-1 ring-inset ring-rose-200">{report.error}</p> : null}
          <DriftStats report={report} />
          <p className="text-xs text-gray-500">
            After a tenancy change the difference is the change itself. Drift on a start-up, periodic or on-demand reconcile means Caddy was changed outside the platform; the reconcile has already put it back.
          </p>
        </div>
      )}
    </Card>
  );
}

const th = "px-4 py-2.5 text-left text-xs font-medium uppercase tracking-wide text-gray-500 whitespace-nowrap";

function DomainRow({ d, now }: { d: Row; now: string }) {
  const problem = d.status !== "active" || Boolean(d.headline) || Boolean(d.tls.warning);
  return (
    <tr data-testid="domain-row" className={`align-top ${problem ? "bg-amber-50/30" : ""}`}>
      <td className="px-4 py-2.5">
        <Link to={`/ops/domains/${d.id}`} className="font-mono text-gray-900 hover:underline">{d.hostname}</Link>
        <div className="text-xs text-gray-500">{d.mode === "apex" ? "A records" : "CNAME"}</div>
      </td>
      <td className="px-4 py-2.5">
        <Link to={`/ops/tenants/${d.tenant.id}`} className="font-mono text-gray-900 hover:underline">{d.tenant.slug}</Link>
        <div className="max-w-48 truncate text-xs text-gray-500">{d.tenant.displayName}{d.tenant.status !== "active" ? ` · ${d.tenant.status}` : ""}</div>
      </td>
      <td className="whitespace-nowrap px-4 py-2.5"><DomainStatusBadge status={d.status} /></td>
      <td className="px-4 py-2.5">{d.isPrimary ? <Pill tone="indigo">primary</Pill> : <span className="text-gray-500">—</span>}</td>
      <td className="whitespace-nowrap px-4 py-2.5">
        <TlsBadge status={d.tls.status} />
        {d.tls.notAfter ? <div className="text-xs text-gray-500">{daysLeftText(d.tls.daysLeft)}</div> : null}
      </td>
      <td className="whitespace-nowrap px-4 py-2.5 text-gray-700">
        {d.lastCheckedAt ? (
          <span title={formatDateTime(d.lastCheckedAt)}>{relativeTime(d.lastCheckedAt, now)}</span>
        ) : (
          <span className="text-gray-500">Never</span>
        )}
        <div className="text-xs text-gray-500">{d.checkAttempts ? `${d.checkAttempts} failed ${d.checkAttempts === 1 ? "attempt" : "attempts"}` : ""}</div>
      </td>
      <td className="max-w-sm px-4 py-2.5">
        {d.headline ? <p className="text-rose-700">{d.headline}</p> : null}
        {d.tls.warning ? <p className="text-amber-800">{d.tls.warning}</p> : null}
        {!d.headline && !d.tls.warning ? <span className="text-gray-500">—</span> : null}
      </td>
    </tr>
  );
}

export default function OpsDomains() {
  const { filters, domains, limit, edge, now } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  // Dimmed while a filter change loads, not while an action (Reconcile now) revalidates the same list.
  const loading = navigation.state === "loading" && navigation.location.pathname === "/ops/domains" && (!navigation.formMethod || navigation.formMethod.toUpperCase() === "GET");
  const filtered = Boolean(filters.status || filters.q);
  return (
    <div className="space-y-5">
      <PageHeader title="Domains" description="Custom domains across shops, their verification and HTTPS state, and the edge that routes them." />
      <EdgePanel edge={edge} now={now} />
      <Form key={`${filters.status}|${filters.q}`} method="get" className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter domains">
        <div className="w-full sm:w-72">
          <label htmlFor="q" className="block text-xs font-medium text-gray-600">Search</label>
          <input id="q" name="q" type="search" defaultValue={filters.q} placeholder="Hostname" maxLength={253} className={`mt-1 h-9 ${inputClass}`} />
        </div>
        <div>
          <label htmlFor="status" className="block text-xs font-medium text-gray-600">State</label>
          <select id="status" name="status" defaultValue={filters.status} className={`mt-1 h-9 ${inputClass} pr-8`}>
            <option value="">All states</option>
            {DOMAIN_STATES.map((s) => <option key={s} value={s}>{humanize(s)}</option>)}
          </select>
        </div>
        <button type="submit" className={buttonClass.primary}>Apply filters</button>
        {filtered ? <Link to="/ops/domains" className="px-1 py-1.5 text-sm font-medium text-gray-600 hover:text-gray-900">Clear</Link> : null}
        <p className="ml-auto text-sm text-gray-500">
          {domains.length} {domains.length === 1 ? "domain" : "domains"}
          {domains.length >= limit ? ` · showing the first ${limit}` : ""}
        </p>
      </Form>
      <Card className={loading ? "opacity-60 transition-opacity" : "transition-opacity"}>
        {domains.length === 0 ? (
          <EmptyState title={filtered ? "No domains match these filters" : "No custom domains yet"}>
            {filtered ? "Try a different search or clear the filters." : "Domains appear here when shops add them in their dashboard."}
          </EmptyState>
        ) : (
          <div className="relative overflow-x-auto">
            <table className="min-w-full divide-y divide-gray-200 text-sm">
              <thead className="bg-gray-50">
                <tr>
                  <th scope="col" className={th}>Domain</th>
                  <th scope="col" className={th}>Shop</th>
                  <th scope="col" className={th}>State</th>
                  <th scope="col" className={th}>Primary</th>
                  <th scope="col" className={th}>TLS</th>
                  <th scope="col" className={th}>Last check</th>
                  <th scope="col" className={th}>Last error</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100 bg-white">
                {domains.map((d) => <DomainRow key={d.id} d={d} now={now} />)}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
