import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { CardFlags } from "#app/components/ops/card-flags.tsx";
import { requireOperator } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { formatDateTime } from "#app/components/ops/format.ts";
import { buttonClass, Card, EmptyState, PageHeader } from "#app/components/ops/layout.tsx";
import { Reconciliation } from "#app/components/ops/reconciliation.tsx";
import { ChainEscrow, ChainOff } from "#app/components/ops/chain-escrow.tsx";
import { ReasonForm } from "#app/components/orders/reason-form.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { relativeTime } from "#app/components/ui/timestamp.tsx";
import { loadMoneyOps, runMoneyOpsAction } from "./ops.money.server.ts";

export const meta: MetaFunction = () => [{ title: "Money · Operator console" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  const [page, cardFlags] = await Promise.all([loadMoneyOps(context), context.services.money.flaggedCardEvents(20)]);
  return { ...page, cardFlags: cardFlags.map((f) => ({ ...f, receivedAt: new Date(f.receivedAt).toISOString() })) };
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

export default function OpsMoney() {
  const { killSwitch, reconciliation, chain, chainOffMessage, now, cardFlags } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="space-y-5">
      <PageHeader
        title="Money"
        description={
          <>
            Kill switches, ledger reconciliation and the on-chain escrow. Open disputes are in the <Link to="/ops/disputes" className="font-medium text-gray-700 underline underline-offset-2">disputes queue</Link>.
          </>
        }
      />
      <GlobalSwitch ks={killSwitch} now={now} />
      <TenantSwitches ks={killSwitch} now={now} />
      <Reconciliation recon={reconciliation} now={now} reply={reply} />
      {chain ? <ChainEscrow chain={chain} reply={reply} now={now} /> : <ChainOff message={chainOffMessage} />}
      <CardFlags flags={cardFlags} />
    </div>
  );
}
