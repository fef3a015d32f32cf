import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { auditActor, requireOperator } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import { replyWithApiError, ApiError } from "#app/utils/api-error.server.ts";
import { ROLE } from "#server/auth/shared.ts";
import { loadAuditRows, parseBefore } from "#app/components/ops/audit-rows.server.ts";
import { AuditTable } from "#app/components/ops/audit-table.tsx";
import { Pill, TenantStatusBadge } from "#app/components/ops/badges.tsx";
import { formatDateTime, humanize } from "#app/components/ops/format.ts";
import { buttonClass, Card, EmptyState, PageHeader, PagerLink, withParams } from "#app/components/ops/layout.tsx";
import { TransitionForm } from "#app/components/ops/transition-form.tsx";
import { OpsRecordError } from "#app/components/ops/route-error.tsx";
import { BotHealthTable } from "#app/components/ops/bot-health.tsx";
import { loadBotHealth } from "./ops.bots.server.ts";
import { loadTenantHealth } from "#app/components/ops/tenant-health.server.ts";
import { TenantHealthCard } from "#app/components/ops/tenant-health.tsx";
import { allowedTransitions, TRANSITIONS, transitionFormSchema, type TransitionIntent } from "#app/components/ops/transition-schema.ts";
import { requireParam } from "#app/utils/params.ts";
import { invariantResponse } from "#app/utils/invariant.ts";

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
  const [tenant, audit, bots, health] = await Promise.all([
    prisma.tenant.findUnique({
      where: { id: tenantId },
      select: {
        id: true, slug: true, displayName: true, type: true, status: true, statusReason: true, currency: true,
        createdAt: true, updatedAt: true,
        owner: { select: { id: true, email: true } },
        roles: { select: { role: true, user: { select: { id: true, email: true, displayName: true } } }, orderBy: { createdAt: "asc" }, take: 200 },
        paymentPolicy: {
          select: { allowedRails: true, defaultRail: true, escrowRequiredAboveAmount: true, escrowRequiredForCategories: true, buyerDisclosureMode: true },
        },
      },
    }),
    loadAuditRows(prisma, { tenantId, before, limit: AUDIT_PAGE }),
    loadBotHealth(prisma, { tenantId }),
    loadTenantHealth(context.services, tenantId),
  ]);
  invariantResponse(tenant, "Not found", { status: 404 });

  const members = new Map<string, { userId: string; email: string; displayName: string | null; roles: string[] }>();
  for (const r of tenant.roles) {
    const m = members.get(r.user.id) ?? { userId: r.user.id, email: r.user.email, displayName: r.user.displayName, roles: [] };
    m.roles.push(r.role);
    members.set(r.user.id, m);
  }
  const port = url.port ? `:${url.port}` : "";
  const policy = tenant.paymentPolicy;
  return {
    tenant: {
      id: tenant.id,
      slug: tenant.slug,
      displayName: tenant.displayName,
      type: tenant.type,
      status: tenant.status,
      statusReason: tenant.statusReason,
      currency: tenant.currency,
      createdAt: tenant.createdAt.toISOString(),
      updatedAt: tenant.updatedAt.toISOString(),
      owner: tenant.owner,
    },
    members: [...members.values()],
    policy: policy
      ? {
          allowedRails: policy.allowedRails,
          defaultRail: policy.defaultRail,
          escrowRequiredAbove: policy.escrowRequiredAboveAmount?.toString() ?? null,
          escrowRequiredForCategories: policy.escrowRequiredForCategories,
          buyerDisclosureMode: policy.buyerDisclosureMode,
        }
      : null,
    health,
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

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 px-4 py-2.5 [&>*]:min-w-0">
      <dt className="text-sm text-gray-500">{label}</dt>
      <dd className="col-span-2 min-w-0 text-sm text-gray-900">{children}</dd>
    </div>
  );
}

export default function TenantDetail() {
  const { tenant, members, policy, health, transitions, previewPath, liveUrl, audit, bots } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [search] = useSearchParams();
  // The form that failed may be gone after a reload (CONFLICT): then its error is shown above the page.
  const orphanError = actionData?.intent && !transitions.includes(actionData.intent) ? (actionData.result.error?.[""]?.[0] ?? null) : null;
  const regular = transitions.filter((t) => t !== "close");
  const botCounts = { active: bots.rows.filter((b) => b.status === "active").length, pending: bots.rows.filter((b) => b.status === "pending").length };
  const canClose = transitions.includes("close");

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-gray-500">
        <Link to="/ops" className="hover:text-gray-900">
          Tenants
        </Link>
        <span className="mx-2 text-gray-300">/</span>
        <span className="font-mono text-gray-700">{tenant.slug}</span>
      </nav>

      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            {tenant.displayName}
            <TenantStatusBadge status={tenant.status} />
          </span>
        }
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="font-mono">{tenant.slug}</span>
            <span className="text-gray-300">·</span>
            <span>{humanize(tenant.type)}</span>
            <span className="text-gray-300">·</span>
            <span>Created {formatDateTime(tenant.createdAt)}</span>
          </span>
        }
        actions={
          <>
            <a href={previewPath} className={buttonClass.secondary}>
              Preview <span className="font-mono text-xs text-gray-500">{previewPath}</span>
            </a>
            {liveUrl ? (
              <a href={liveUrl} target="_blank" rel="noreferrer" className={buttonClass.secondary}>
                Open live shop ↗
              </a>
            ) : null}
          </>
        }
      />

      {orphanError ? (
        <div role="alert" className="rounded-md bg-amber-50 px-4 py-2.5 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          <span className="font-medium">{orphanError}</span> The status changed since the page was loaded; it now shows the current state.
        </div>
      ) : null}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <TenantHealthCard health={health} bots={botCounts} botProblems={bots.problems} />

          <Card title="Overview">
            <dl className="divide-y divide-gray-100">
              <Field label="Status">
                <div className="flex flex-col gap-1">
                  <span>
                    <TenantStatusBadge status={tenant.status} />
                  </span>
                  {tenant.statusReason ? <span className="text-gray-600">“{tenant.statusReason}”</span> : <span className="text-gray-500">No reason recorded</span>}
                </div>
              </Field>
              <Field label="Type">{humanize(tenant.type)}</Field>
              <Field label="Owner">
                {tenant.owner ? (
                  <Link to={`/ops/audit?actor=${encodeURIComponent(tenant.owner.email)}`} className="hover:underline" title="Audit entries by this user">
                    {tenant.owner.email}
                  </Link>
                ) : (
                  <span className="text-gray-500">No owner</span>
                )}
              </Field>
              <Field label="Currency">{tenant.currency}</Field>
              <Field label="Created">{formatDateTime(tenant.createdAt)}</Field>
              <Field label="Last updated">{formatDateTime(tenant.updatedAt)}</Field>
              <Field label="Tenant ID">
                <code className="font-mono text-xs break-all text-gray-700">{tenant.id}</code>
              </Field>
            </dl>
          </Card>

          <Card title={`Members (${members.length})`}>
            {members.length === 0 ? (
              <EmptyState title="No members" />
            ) : (
              <div className="relative overflow-x-auto">
              <table className="min-w-full divide-y divide-gray-200 text-sm">
                <thead className="bg-gray-50">
                  <tr>
                    <th scope="col" className="px-4 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500">User</th>
                    <th scope="col" className="px-4 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500">Roles</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-gray-100">
                  {members.map((m) => (
                    <tr key={m.userId}>
                      <td className="px-4 py-2">
                        <div className="text-gray-900">{m.email}</div>
                        {m.displayName ? <div className="text-xs text-gray-500">{m.displayName}</div> : null}
                      </td>
                      <td className="px-4 py-2">
                        <div className="flex flex-wrap gap-1">
                          {m.roles.map((r) => (
                            <Pill key={r} tone={r === ROLE.owner ? "indigo" : "gray"}>
                              {r}
                            </Pill>
                          ))}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              </div>
            )}
          </Card>

          <Card
            id="bots"
            title={
              <span className="flex items-center gap-2">
                Telegram bots
                {bots.problems ? (
                  <span className="rounded-full bg-rose-600 px-1.5 py-0.5 text-xs font-semibold text-white">
                    {bots.problems} {bots.problems === 1 ? "problem" : "problems"}
                  </span>
                ) : null}
              </span>
            }
            actions={
              <Link to="/ops/bots" className="text-xs font-medium text-gray-500 hover:text-gray-900">
                All bots →
              </Link>
            }
          >
            {bots.rows.length === 0 ? (
              <EmptyState title="No bots">This shop has not connected a Telegram bot.</EmptyState>
            ) : (
              <BotHealthTable bots={bots.rows} now={bots.now} showTenant={false} />
            )}
          </Card>

          <Card title="Payment policy">
            {policy ? (
              <dl className="divide-y divide-gray-100">
                <Field label="Allowed rails">
                  <div className="flex flex-wrap gap-1">
                    {policy.allowedRails.map((r) => (
                      <Pill key={r} tone={r === policy.defaultRail ? "indigo" : "gray"}>
                        {humanize(r)}
                        {r === policy.defaultRail ? " · default" : ""}
                      </Pill>
                    ))}
                  </div>
                </Field>
                <Field label="Escrow required">
                  {policy.escrowRequiredAbove ? (
                    <>
                      Above {policy.escrowRequiredAbove} {tenant.currency}
                    </>
                  ) : (
                    <span className="text-gray-500">No amount threshold</span>
                  )}
                  {policy.escrowRequiredForCategories.length ? (
                    <div className="mt-1 text-xs text-gray-600">Categories: {policy.escrowRequiredForCategories.join(", ")}</div>
                  ) : null}
                </Field>
                <Field label="Buyer disclosure">{humanize(policy.buyerDisclosureMode)}</Field>
              </dl>
            ) : (
              <EmptyState title="No payment policy">This shop has no policy row; checkout uses the platform defaults.</EmptyState>
            )}
          </Card>
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
