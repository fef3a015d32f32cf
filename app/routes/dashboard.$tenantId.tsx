import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { RoleBadge, StatusBadge } from "#app/components/ui/badge.tsx";
import { KillSwitchBanner } from "#app/components/ui/kill-switch-banner.tsx";
import { tabsFor } from "#app/utils/tenant-tabs.server.ts";
import { requireParam } from "#app/utils/params.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.tenant.displayName} — Storefront` : "Storefront" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { tenant, roles } = await requireTenantRole(request, context, requireParam(params, "tenantId"), { action: "tenant.read", operator: false });
  const switches = await context.services.money.killSwitchesFor(tenant.id);
  // The tab list is made here: it needs the server's role rules, which must not reach the browser bundle.
  return {
    tenant, roles, platformDomain: context.platformDomain, tabs: tabsFor(roles),
    killSwitches: switches.map((s) => ({ ...s, since: s.since.toISOString() })),
  };
}

export default function TenantLayout() {
  const { tenant, roles, platformDomain, tabs, killSwitches } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <div>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{tenant.displayName}</h1>
          <StatusBadge status={tenant.status} />
        </div>
        <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-gray-500">
          <span className="font-mono">{tenant.slug}.{platformDomain}</span>
          <span aria-hidden>·</span>
          <span className="flex gap-1">{roles.map((r) => <RoleBadge key={r} role={r} />)}</span>
        </div>
      </div>
      <KillSwitchBanner switches={killSwitches} />
      <nav aria-label="Shop sections" className="flex gap-6 overflow-x-auto border-b border-gray-200">
        {tabs.map((t) => (
          <NavLink
            key={t.to}
            to={t.to}
            end={t.end}
            prefetch="intent"
            className={({ isActive }) =>
              `whitespace-nowrap border-b-2 px-1 pb-3 text-sm font-medium ${isActive ? "border-indigo-600 text-indigo-700" : "border-transparent text-gray-500 hover:border-gray-300 hover:text-gray-800"}`
            }
          >
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
