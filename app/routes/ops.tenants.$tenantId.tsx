import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { auditActor, requireOperator } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import { replyWithApiError, ApiError } from "#app/utils/api-error.server.ts";
import { loadAuditRows, parseBefore } from "#app/components/ops/audit-rows.server.ts";
import { AuditTable } from "#app/components/ops/audit-table.tsx";
import { Card, EmptyState, PagerLink, withParams } from "#app/components/ops/layout.tsx";
import { TransitionForm } from "#app/components/ops/transition-form.tsx";
import { OpsRecordError } from "#app/components/ops/route-error.tsx";
import { loadBotHealth } from "./ops.bots.server.ts";
import { loadTenantRecord } from "./ops.tenants.$tenantId.server.ts";
import { loadTenantHealth } from "#app/components/ops/tenant-health.server.ts";
import { TenantHealthCard } from "#app/components/ops/tenant-health.tsx";
import { PaymentPolicyCard, TenantBotsCard, TenantHeader, TenantMembersCard, TenantOverviewCard } from "#app/components/ops/tenant-detail.tsx";
import { allowedTransitions, TRANSITIONS, transitionFormSchema, type TransitionIntent } from "#app/components/ops/transition-schema.ts";
import { requireParam } from "#app/utils/params.ts";
import { SalesOverview } from "#app/components/reports/sales-overview.tsx";
import { overviewQuerySchema } from "#server/reports/shared.ts";
import { invariantResponse } from "#app/utils/invariant.ts";
import { AnnouncementLimitForm, LIFT_LIMIT_INTENT, liftLimitFormSchema } from "#app/components/ops/announcement-limit.tsx";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.tenant.displayName} · Operator console` : "Tenant · Operator console" },
];

const AUDIT_PAGE = 20;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  const tenantId = requireParam(params, "tenantId", z.uuid());
  const url = new URL(request.url);
  const before = parseBefore(url.searchParams.get("before"));
  const { prisma } = context.services;
  const chart = overviewQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  const [record, audit, bots, health, sales] = await Promise.all([
    loadTenantRecord(prisma, tenantId),
    loadAuditRows(prisma, { tenantId, before, limit: AUDIT_PAGE }),
    loadBotHealth(prisma, { tenantId }),
    loadTenantHealth(context.services, tenantId),
    context.services.reports.overview(tenantId, chart.success ? chart.data.chart : 30)
      // An unknown shop is the 404 below.
      .catch((err: unknown) => { if (err instanceof ApiError && err.status === 404) return null; throw err; }),
  ]);
  invariantResponse(record, "Not found", { status: 404 });
  const { tenant, members, policy } = record;
  const port = url.port ? `:${url.port}` : "";
  return {
    tenant,
    members,
    policy,
    health,
    sales,
    transitions: allowedTransitions(tenant.status),
    previewPath: `/t/${tenant.slug}`,
    liveUrl: tenant.status === "active" ? `${url.protocol}//${tenant.slug}.${context.platformDomain}${port}/` : null,
    audit: { rows: audit.rows, nextBefore: audit.nextBefore, paged: Boolean(before) },
    bots: { rows: bots.bots.map(({ tenant: _tenant, ...b }) => b), problems: bots.problems, now: bots.now },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(formData, context);
  requireOperator(request, context);
  const tenantId = requireParam(params, "tenantId", z.uuid());
  const rawIntent = formData.get("intent");
  if (rawIntent === LIFT_LIMIT_INTENT) {
    const lift = parseWithZod(formData, { schema: liftLimitFormSchema });
    if (lift.status !== "success") return json({ intent: null, result: lift.reply(), limit: true as const }, { status: 400 });
    const { hours, reason } = lift.value;
    await context.services.customers.liftLimit({ tenantId }, auditActor(context), { hours, reason });
    return redirectWithToast(context, request, `/ops/tenants/${tenantId}`, {
      title: hours > 0 ? `Announcement limit lifted for ${hours} h.` : "Announcement limit restored.",
      description: "The reason is recorded in the audit trail below.",
    });
  }
  const intent = TRANSITIONS.find((t) => t === rawIntent) ?? null;
  const submission = parseWithZod(formData, { schema: transitionFormSchema });
  if (submission.status !== "success") {
    return json({ intent, result: submission.reply() }, { status: 400 });
  }
  try {
    await context.services.tenants.transition(auditActor(context), tenantId, submission.value.intent, submission.value.reason);
  } catch (err) {
    return json({ intent, result: replyWithApiError(submission, err) }, { status: err instanceof ApiError ? err.status : 400 });
  }
  return redirectWithToast(context, request, `/ops/tenants/${tenantId}`, {
    title: DONE_MESSAGES[submission.value.intent],
    description: "The reason is recorded in the audit trail below.",
  });
}

/** A CONFLICT means the page is stale (the status changed elsewhere): reload it so the actions match again. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  actionStatus === 409 || defaultShouldRevalidate;

const DONE_MESSAGES: Record<TransitionIntent, string> = {
  activate: "Shop activated.",
  suspend: "Shop suspended.",
  close: "Shop closed.",
};

export default function TenantDetail() {
  const { tenant, members, policy, health, sales, transitions, previewPath, liveUrl, audit, bots } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [search] = useSearchParams();
  // The form that failed may be gone after a reload (CONFLICT): then its error is shown above the page.
  const orphanError = actionData?.intent && !transitions.includes(actionData.intent) ? (actionData.result.error?.[""]?.[0] ?? null) : null;
  const regular = transitions.filter((t) => t !== "close");
  const botCounts = { active: bots.rows.filter((b) => b.status === "active").length, pending: bots.rows.filter((b) => b.status === "pending").length };
  const canClose = transitions.includes("close");

  return (
    <div className="space-y-6">
      <TenantHeader tenant={tenant} previewPath={previewPath} liveUrl={liveUrl} />

      {orphanError ? (
        <div role="alert" className="rounded-md bg-amber-50 px-4 py-2.5 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          <span className="font-medium">{orphanError}</span> The status changed since the page was loaded; it now shows the current state.
        </div>
      ) : null}

      {sales ? <SalesOverview overview={sales} title="Sales (the shop's time zone)" /> : null}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <TenantHealthCard health={health} bots={botCounts} botProblems={bots.problems} />

          <TenantOverviewCard tenant={tenant} />

          <TenantMembersCard members={members} />

          <TenantBotsCard bots={bots} />

          <PaymentPolicyCard policy={policy} currency={tenant.currency} />
        </div>

        <div className="min-w-0 space-y-6">
          <Card title="Status actions">
            {transitions.length === 0 ? (
              <p className="px-4 py-4 text-sm text-gray-500">This shop is closed. No further status changes are possible.</p>
            ) : (
              <div className="divide-y divide-gray-100">
                {regular.map((t) => (
                  <TransitionForm key={`${t}-${tenant.status}`} intent={t} lastResult={actionData?.intent === t ? actionData.result : null} />
                ))}
                {canClose ? (
                  <div className="p-3">
                    <p className="px-1 pb-2 text-xs font-semibold uppercase tracking-wide text-rose-700">Danger zone</p>
                    <TransitionForm key={`close-${tenant.status}`} intent="close" lastResult={actionData?.intent === "close" ? actionData.result : null} />
                  </div>
                ) : null}
              </div>
            )}
          </Card>
          <Card title="Announcements">
            <AnnouncementLimitForm liftedUntil={tenant.announcementLimitLiftedUntil} lastResult={actionData && "limit" in actionData ? actionData.result : null} />
          </Card>
        </div>
      </div>

      <Card
        id="audit"
        title="Audit trail"
        actions={
          <Link to={`/ops/audit?shop=${tenant.slug}`} className="text-xs font-medium text-gray-500 hover:text-gray-900">
            Open in audit log →
          </Link>
        }
      >
        {audit.rows.length === 0 ? (
          <EmptyState title="No audit entries">{audit.paged ? "There is nothing older than this." : "Nothing has been recorded for this shop yet."}</EmptyState>
        ) : (
          <AuditTable rows={audit.rows} showTenant={false} />
        )}
        <div className="flex items-center justify-end gap-3 border-t border-gray-200 px-4 py-3">
          <PagerLink to={audit.paged ? withParams(search, { before: null }, "#audit") : null}>Newest</PagerLink>
          <PagerLink rel="next" to={audit.nextBefore ? withParams(search, { before: audit.nextBefore }, "#audit") : null}>
            Older →
          </PagerLink>
        </div>
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <OpsRecordError subject="tenant" notFound="The tenant ID is wrong or the tenant no longer exists." back={{ to: "/ops", label: "Back to tenants" }} />;
}
