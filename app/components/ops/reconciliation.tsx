/** The money page's reconciliation card: schedule, overdue warning, "Run now", the latest report and history. */
import { Form, useNavigation } from "@remix-run/react";
import type { loadMoneyOps } from "#app/routes/ops.money.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { formatDateTime, formatInterval, humanize } from "#app/components/ops/format.ts";
import { buttonClass, Card, EmptyState } from "#app/components/ops/layout.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { relativeTime } from "#app/components/ui/timestamp.tsx";

type Recon = Awaited<ReturnType<typeof loadMoneyOps>>["reconciliation"];
type Reply = { form: string; message: string | null };

export function Reconciliation({ recon, now, reply }: { recon: Recon; now: string; reply: Reply | undefined }) {
  const navigation = useNavigation();
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

function LatestReport({ latest }: { latest: NonNullable<Recon["latest"]> }) {
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

function ReportHistory({ reports }: { reports: Recon["reports"] }) {
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

