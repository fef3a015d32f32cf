import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { DEFAULT_BRAND, type Brand } from "#server/tenancy/shared.ts";
import { StatusBadge } from "#app/components/ui/badge.tsx";
import { Alert, Card, formatDate } from "#app/components/ui/page.tsx";
import { buttonClass } from "#app/components/ui/button.tsx";
import { notOfferedSentence, RAIL_LABELS } from "#app/components/ui/rails.ts";
import { requireParam } from "#app/utils/params.ts";
import { SalesOverview } from "#app/components/reports/sales-overview.tsx";
import { overviewQuerySchema } from "#server/reports/shared.ts";
import { loadOverview } from "./dashboard.$tenantId._index.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "tenant.read", operator: false });
  const [{ tenant, policy, members, openInvitations, firstItem }, stripe] = await Promise.all([loadOverview(context.services.prisma, tenantId), context.services.money.activeStripe(tenantId)]);
  const brand = (tenant.brand ?? {}) as Partial<Brand>;
  const url = new URL(request.url);
  // An active shop leads with its figures (ADR 031), for the roles that may see them.
  const chart = overviewQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  const sales = tenant.status === "active" && can(roles, "sales.read")
    ? await context.services.reports.overview(tenantId, chart.success ? chart.data.chart : 30)
    : null;
  const shopUrl = `${url.protocol}//${tenant.slug}.${context.platformDomain}${url.port ? `:${url.port}` : ""}/`;
  return {
    tenant: { ...tenant, createdAt: tenant.createdAt.toISOString(), updatedAt: tenant.updatedAt.toISOString() },
    sales,
    canEditBrand: can(roles, "brand.edit"),
    canManageTeam: can(roles, "team.manage"),
    canEditCatalog: can(roles, "catalog.edit"),
    shopUrl,
    previewPath: `/t/${tenant.slug}`,
    checklist: {
      items: Boolean(firstItem),
      brand: Boolean(brand.logoUrl || brand.tagline || (brand.primaryColor && brand.primaryColor !== DEFAULT_BRAND.primaryColor) || (brand.accentColor && brand.accentColor !== DEFAULT_BRAND.accentColor)),
      payments: (policy?.version ?? 1) > 1,
      team: members.length > 1 || openInvitations > 0,
      live: tenant.status === "active",
    },
    policy: policy
      ? {
          allowedRails: policy.allowedRails,
          defaultRail: policy.defaultRail,
          // Checkout's own registry decides this (MoneyService.unconfiguredRails), so the two never disagree.
          notOffered: context.services.money.unconfiguredRails(policy.allowedRails, { currency: tenant.currency, payoutAddress: policy.payoutAddress, stripe }),
        }
      : null,
    teamSize: members.length,
    openInvitations,
  };
}

function NextStep({ tenant, shopUrl, previewPath }: { tenant: { status: string; statusReason: string | null }; shopUrl: string; previewPath: string }) {
  switch (tenant.status) {
    case "pending":
      return (
        <div className="space-y-3">
          <p className="text-sm text-gray-700">
            An operator reviews new shops before they go live; you'll be able to sell once it is approved. You can preview it meanwhile.
          </p>
          <a href={previewPath} className={buttonClass("secondary")}>Preview your shop</a>
        </div>
      );
    case "active":
      return (
        <div className="space-y-3">
          <p className="text-sm text-gray-700">Your shop is live. Buyers can reach it at:</p>
          <a href={shopUrl} className="inline-flex items-center gap-1 font-mono text-sm font-medium text-indigo-700 hover:underline" data-testid="shop-url">
            {shopUrl} <span aria-hidden>↗</span>
          </a>
        </div>
      );
    case "suspended":
    case "closed":
      return (
        <div className="space-y-2 text-sm text-gray-700">
          <p>
            {tenant.status === "suspended"
              ? "Your shop is suspended: buyers see an “unavailable” page and checkout is off. Your data is kept."
              : "Your shop is closed. Your data is kept."}
          </p>
          {tenant.statusReason ? (
            <p className="rounded-md bg-gray-50 px-3 py-2"><span className="font-medium">Reason given:</span> {tenant.statusReason}</p>
          ) : null}
          <p className="text-gray-500">Contact the platform team if you have questions.</p>
        </div>
      );
    default:
      return null;
  }
}

function ChecklistItem({ done, title, text, to, cta }: { done: boolean; title: string; text: string; to?: string; cta?: string }) {
  return (
    <li className="flex items-start gap-3 py-3">
      <span
        aria-hidden
        className={`mt-0.5 grid h-5 w-5 shrink-0 place-items-center rounded-full text-xs font-bold ${done ? "bg-emerald-500 text-white" : "border-2 border-gray-300 text-transparent"}`}
      >
        ✓
      </span>
      <div className="min-w-0 flex-1">
        <p className={`text-sm font-medium ${done ? "text-gray-500 line-through decoration-gray-300" : "text-gray-900"}`}>
          {title}
          <span className="sr-only">{done ? " (done)" : " (to do)"}</span>
        </p>
        <p className="text-sm text-gray-500">{text}</p>
      </div>
      {to && cta ? (
        <Link to={to} className="shrink-0 text-sm font-medium text-indigo-600 hover:text-indigo-500">{cta}</Link>
      ) : null}
    </li>
  );
}

export default function TenantOverview() {
  const { tenant, sales, canEditBrand, canManageTeam, canEditCatalog, shopUrl, previewPath, checklist, policy, teamSize, openInvitations } = useLoaderData<typeof loader>();
  const steps = Object.values(checklist);
  const done = steps.filter(Boolean).length;
  return (
    <div className="space-y-8">
    {sales ? <SalesOverview overview={sales} /> : null}
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">
        {policy && policy.notOffered.length > 0 ? (
          <Alert tone="warning" title="Not offered to buyers">
            <p>{notOfferedSentence(policy.notOffered, policy.allowedRails)}</p>
            <Link to="payments" className="mt-1 inline-block font-medium underline underline-offset-2">Review the payment policy</Link>
          </Alert>
        ) : null}
        <Card title="Status" actions={<StatusBadge status={tenant.status} />}>
          <NextStep tenant={tenant} shopUrl={shopUrl} previewPath={previewPath} />
        </Card>
        {sales && done === steps.length ? null : (
        <Card title="Get your shop ready" description={`${done} of ${steps.length} done`}>
          <ul className="divide-y divide-gray-100">
            <ChecklistItem
              done={checklist.brand}
              title="Make it yours"
              text="Add your logo, colours and a tagline."
              to="brand"
              cta={canEditBrand ? "Edit brand" : "View"}
            />
            <ChecklistItem
              done={checklist.items}
              title="Add your first item"
              text="Add what you sell with photos, price and stock, or import a spreadsheet."
              to={canEditCatalog ? (checklist.items ? "catalog" : "catalog/new") : undefined}
              cta={canEditCatalog ? (checklist.items ? "Catalog" : "Add an item") : undefined}
            />
            <ChecklistItem
              done={checklist.payments}
              title="Choose how buyers pay"
              text="Pick the payment rails you accept and when escrow is required."
              to="payments"
              cta="Payment policy"
            />
            <ChecklistItem
              done={checklist.team}
              title="Invite your team"
              text="Give managers, finance or support people their own access."
              to={canManageTeam ? "team" : undefined}
              cta={canManageTeam ? "Team" : undefined}
            />
            <ChecklistItem done={checklist.live} title="Go live" text="An operator approves the shop and it opens to buyers." />
          </ul>
        </Card>
        )}
      </div>
      <div className="space-y-6">
        <Card title="At a glance">
          <dl className="space-y-3 text-sm">
            <div className="flex justify-between gap-4">
              <dt className="text-gray-500">Kind</dt>
              <dd className="text-gray-900">{tenant.type === "white_label" ? "White-label" : tenant.type === "hosted_seller" ? "Hosted shop" : tenant.type}</dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-gray-500">Team</dt>
              <dd className="text-gray-900">
                {teamSize} {teamSize === 1 ? "member" : "members"}
                {openInvitations ? `, ${openInvitations} invited` : ""}
              </dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-gray-500">Payments</dt>
              <dd className="text-right text-gray-900">
                {policy
                  ? policy.allowedRails.map((r, i) => (
                      <span key={r}>
                        {i > 0 ? ", " : ""}
                        {RAIL_LABELS[r] ?? r}
                        {policy.notOffered.includes(r) ? <span className="text-amber-800"> (not offered to buyers)</span> : null}
                      </span>
                    ))
                  : "—"}
              </dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-gray-500">Created</dt>
              <dd className="text-gray-900">{formatDate(tenant.createdAt, false)}</dd>
            </div>
          </dl>
        </Card>
      </div>
    </div>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
