import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { formatDateTime, formatInterval, humanize } from "#app/components/ops/format.ts";
import { buttonClass, Card, EmptyState, PageHeader } from "#app/components/ops/layout.tsx";
import { ReasonForm } from "#app/components/orders/reason-form.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { relativeTime } from "#app/components/ui/timestamp.tsx";
import { loadMoneyOps, runMoneyOpsAction } from "./ops.money.server.ts";

export const meta: MetaFunction = () => [{ title: "Money · Operator console" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  return loadMoneyOps(context);
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireOperator(request, context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const { status, ...reply } = await runMoneyOpsAction(context, formData);
  return json(reply, { status });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function useLastResult(form: string) {
  const reply = useActionData<typeof action>();
  return reply?.form === form ? reply.result : undefined;
}

function GlobalSwitch({ ks, now }: { ks: Data["killSwitch"]; now: string }) {
  const on = ks.global;
  const id = on ? "kill-global-off" : "kill-global-on";
  const lastResult = useLastResult(id);
  return (
    <section
      aria-labelledby="kill-global"
      data-testid="kill-switch-global"
      data-state={on ? "on" : "off"}
      className={`overflow-hidden rounded-lg border shadow-xs ${on ? "border-rose-300 bg-rose-50" : "border-gray-200 bg-white"}`}
    >
      <div className={`flex flex-wrap items-center justify-between gap-3 border-b px-4 py-3 ${on ? "border-rose-200" : "border-gray-200"}`}>
        <h2 id="kill-global" className="text-sm font-semibold text-gray-900">Global kill switch</h2>
        {on ? (
          <span className="inline-flex items-center gap-1.5 rounded-full bg-rose-600 px-2.5 py-0.5 text-xs font-bold tracking-wide text-white">
            <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-white" /> ON
          </span>
        ) : (
          <Badge tone="green">OFF</Badge>
        )}
      </div>
      <div className="grid grid-cols-1 gap-4 p-4 md:grid-cols-2">
        <div className="text-sm">
          {on ? (
            <>
              <p className="font-semibold text-rose-800">No money moves on the platform.</p>
              <p className="mt-1 text-rose-800">
                Checkouts, payments, releases and refunds are refused with <code className="font-mono text-xs">KILL_SWITCH_ON</code>; workers claim no money jobs.
                Reads, shipping and delivery codes keep working.
              </p>
              {ks.globalSince ? (
                <p className="mt-2 text-xs text-rose-700">
                  On since {formatDateTime(ks.globalSince)} ({relativeTime(ks.globalSince, now)}){ks.globalReason ? <> · “{ks.globalReason}”</> : null}
                </p>
              ) : null}
            </>
          ) : (
            <>
              <p className="font-medium text-gray-900">Money flows normally.</p>
              <p className="mt-1 text-gray-600">
                Turning it on stops every money mutation on every shop at once, inside the same database transaction, and pauses the money queue.
                Use it for an incident; then read the latest reconciliation report below.
              </p>
            </>
          )}
        </div>
        <ReasonForm
          key={id}
          id={id}
          lastResult={lastResult}
          hidden={{ intent: "kill_global", engaged: on ? "off" : "on" }}
          reason={{ name: "reason", label: "Reason", placeholder: on ? "e.g. Incident 42 resolved, reconciliation clean" : "e.g. Incident 42: payouts failing" }}
        >
          {(busy) => (
            <button type="submit" disabled={busy} className={on ? buttonClass.primary : buttonClass.danger}>
              {on ? "Turn kill switch off" : "Turn kill switch on"}
            </button>
          )}
        </ReasonForm>
      </div>
    </section>
  );
}

function TenantSwitches({ ks, now }: { ks: Data["killSwitch"]; now: string }) {
  const engageResult = useLastResult("kill-tenant-on");
  const reply = useActionData<typeof action>();
  return (
    <Card title={`Per-shop kill switches (${ks.tenants.length} on)`}>
      {ks.tenants.length === 0 ? (
        <EmptyState title="No shop is paused">Every shop's money flows as long as the global switch is off.</EmptyState>
      ) : (
        <ul className="divide-y divide-rose-100" data-testid="kill-switch-tenants">
          {ks.tenants.map((t) => {
            const id = `kill-tenant-off-${t.slug}`;
            return (
              <li key={t.tenantId} className="grid grid-cols-1 gap-3 bg-rose-50/60 p-4 md:grid-cols-2">
                <div className="text-sm">
                  <p className="flex items-center gap-2">
                    <span className="rounded-full bg-rose-600 px-2 py-0.5 text-xs font-bold text-white">ON</span>
                    <Link to={`/ops/tenants/${t.tenantId}`} className="font-mono font-medium text-gray-900 hover:underline">{t.slug}</Link>
                    <span className="text-gray-600">{t.displayName}</span>
                  </p>
                  <p className="mt-1 text-xs text-gray-600">
                    Since {formatDateTime(t.since)} ({relativeTime(t.since, now)}){t.reason ? <> · “{t.reason}”</> : null}
                  </p>
                </div>
                <ReasonForm
                  id={id}
                  lastResult={reply?.form === id ? reply.result : undefined}
                  hidden={{ intent: "kill_tenant", engaged: "off", shop: t.slug }}
                  reason={{ name: "reason", label: `Reason to turn ${t.slug} back on`, placeholder: "e.g. Merchant verified" }}
                >
                  {(busy) => <button type="submit" disabled={busy} className={buttonClass.secondary}>Turn off for {t.slug}</button>}
                </ReasonForm>
              </li>
            );
          })}
        </ul>
      )}
      <div className="border-t border-gray-200 p-4">
        <h3 className="text-sm font-semibold text-gray-900">Pause one shop</h3>
        <p className="mt-0.5 text-xs text-gray-500">Stops money for that shop only: its checkouts, payments, releases and refunds wait until the switch is off.</p>
        <ReasonForm
          id="kill-tenant-on"
          lastResult={engageResult}
          hidden={{ intent: "kill_tenant", engaged: "on" }}
          extra={{ name: "shop", label: "Shop address (slug)", placeholder: "e.g. acme" }}
          reason={{ name: "reason", label: "Reason", placeholder: "e.g. Suspicious refunds under review" }}
          className="mt-3 max-w-xl space-y-3"
        >
          {(busy) => <button type="submit" disabled={busy} className={buttonClass.danger}>Turn on for this shop</button>}
        </ReasonForm>
      </div>
    </Card>
  );
}

function Reconciliation({ recon, now }: { recon: Data["reconciliation"]; now: string }) {
  const navigation = useNavigation();
  const reply = useActionData<typeof action>();
  const running = navigation.state !== "idle" && navigation.formData?.get("intent") === "reconcile";
  const latest = recon.reports[0];
  const message = reply?.form === "reconcile" && !running ? reply.message : null;
  const clean = message?.endsWith("no violations.") ?? false;
  const warn = recon.violationTotal > 0;
  return (
    <Card
      title="Reconciliation"
      actions={
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="form" value="reconcile" />
          <input type="hidden" name="intent" value="reconcile" />
          <button type="submit" className={buttonClass.primary} disabled={running}>{running ? "Running…" : "Run reconciliation now"}</button>
        </Form>
      }
    >
      <div className="space-y-4 p-4">
        <p className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-inset ring-sky-200">
          Reconciliation checks the ledger invariants and <strong>only reports</strong>. It never fixes anything: drift is corrected by an operator with new, audited postings.
          {` It runs every ${formatInterval(recon.everyMs)} on one worker, and on demand here.`}
        </p>
        {recon.overdue ? (
          <p role="alert" data-testid="reconciliation-overdue" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
            <strong>Reconciliation is overdue.</strong>{" "}
            {latest
              ? `The last run was ${relativeTime(latest.startedAt, now)}, more than twice the ${formatInterval(recon.everyMs)} schedule.`
              : "It has never run."}{" "}
            Check that a worker is running (MODE=worker or all), or run it now.
          </p>
        ) : null}
        {message ? (
          <p role="status" className={`rounded-md px-3 py-2 text-sm font-medium ring-1 ring-inset ${clean ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`}>{message}</p>
        ) : null}
        <dl className="grid grid-cols-1 gap-2 sm:grid-cols-3">
          <div className={`rounded-md px-3 py-2 ring-1 ring-inset ${warn ? "bg-rose-50 ring-rose-200" : "bg-gray-50 ring-gray-200"}`} data-testid="violation-total">
            <dt className="font-mono text-xs text-gray-600">ledger_invariant_violation_total</dt>
            <dd className={`text-lg font-semibold tabular-nums ${warn ? "text-rose-800" : "text-gray-900"}`}>{recon.violationTotal}</dd>
          </div>
          <div className="rounded-md bg-gray-50 px-3 py-2 ring-1 ring-inset ring-gray-200">
            <dt className="text-xs text-gray-600">Last run</dt>
            <dd className="text-sm text-gray-900">{latest ? <>{relativeTime(latest.startedAt, now)} <span className="text-xs text-gray-500">· {humanize(latest.trigger)}</span></> : "Never"}</dd>
          </div>
          <div className={`rounded-md px-3 py-2 ring-1 ring-inset ${latest && latest.violations > 0 ? "bg-rose-50 ring-rose-200" : "bg-gray-50 ring-gray-200"}`}>
            <dt className="text-xs text-gray-600">Violations in the last run</dt>
            <dd className="text-lg font-semibold tabular-nums text-gray-900">{latest ? latest.violations : "—"}</dd>
          </div>
        </dl>
        {recon.latest ? <LatestReport latest={recon.latest} /> : null}
        {recon.reports.length > 0 ? <ReportHistory reports={recon.reports} /> : <EmptyState title="No reconciliation has run yet">Press “Run reconciliation now” to check the ledger.</EmptyState>}
      </div>
    </Card>
  );
}

function LatestReport({ latest }: { latest: NonNullable<Data["reconciliation"]["latest"]> }) {
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <div>
        <h3 className="text-xs font-semibold uppercase tracking-wide text-gray-500">Checks in the last run</h3>
        <ul className="mt-2 divide-y divide-gray-100 rounded-md ring-1 ring-gray-200" data-testid="reconciliation-checks">
          {latest.checks.map((c) => (
            <li key={c.name} className="flex items-center justify-between gap-3 px-3 py-1.5 text-sm">
              <span className="font-mono text-xs text-gray-800">{c.name}</span>
              {c.count === 0 ? <Badge tone="green">OK</Badge> : <Badge tone="red">{c.count} {c.count === 1 ? "violation" : "violations"}</Badge>}
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h3 className="text-xs font-semibold uppercase tracking-wide text-gray-500">Violations found</h3>
        {latest.details.length === 0 ? (
          <p className="mt-2 text-sm text-gray-600">None. The ledger, escrow rows and outside transfers agree.</p>
        ) : (
          <ul className="mt-2 space-y-1.5">
            {latest.details.map((v, i) => (
              <li key={`${v.check}-${v.subject}-${i}`} className="rounded-md bg-rose-50 px-3 py-2 text-xs ring-1 ring-inset ring-rose-200">
                <p className="font-mono font-semibold text-rose-800">{v.check}</p>
                <p className="font-mono break-all text-gray-800">{v.subject}</p>
                <p className="font-mono break-all text-gray-600">{v.detail}</p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500";

function ReportHistory({ reports }: { reports: Data["reconciliation"]["reports"] }) {
  return (
    <div>
      <h3 className="text-xs font-semibold uppercase tracking-wide text-gray-500">Latest reports</h3>
      <div className="relative mt-2 overflow-x-auto rounded-md ring-1 ring-gray-200">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50">
            <tr>
              <th scope="col" className={th}>Started</th>
              <th scope="col" className={th}>Trigger</th>
              <th scope="col" className={`${th} text-right`}>Duration</th>
              <th scope="col" className={`${th} text-right`}>Violations</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100 bg-white">
            {reports.map((r) => (
              <tr key={r.id}>
                <td className="whitespace-nowrap px-3 py-1.5 text-gray-800">{formatDateTime(r.startedAt)}</td>
                <td className="px-3 py-1.5 text-gray-600">{humanize(r.trigger)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums text-gray-600">{r.durationMs === null ? "—" : `${r.durationMs} ms`}</td>
                <td className="px-3 py-1.5 text-right">{r.violations === 0 ? <Badge tone="green">0</Badge> : <Badge tone="red">{r.violations}</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export default function OpsMoney() {
  const { killSwitch, reconciliation, now } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-5">
      <PageHeader
        title="Money"
        description={
          <>
            Kill switches and ledger reconciliation. Open disputes are in the <Link to="/ops/disputes" className="font-medium text-gray-700 underline underline-offset-2">disputes queue</Link>.
          </>
        }
      />
      <GlobalSwitch ks={killSwitch} now={now} />
      <TenantSwitches ks={killSwitch} now={now} />
      <Reconciliation recon={reconciliation} now={now} />
    </div>
  );
}
