import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useRouteLoaderData } from "@remix-run/react";
import { requireUser } from "#app/utils/auth.server.ts";
import type { loader as dashboardLoader } from "./dashboard.tsx";
import { EmptyState, PageHeader, formatDate } from "#app/components/ui/page.tsx";
import { ButtonLink } from "#app/components/ui/button.tsx";
import { ROLE_LABELS, StatusBadge } from "#app/components/ui/badge.tsx";

export async function loader({ request, context }: LoaderFunctionArgs) {
  // The shop list comes from the layout's loader; this only guards the route.
  requireUser(request, context);
  return null;
}

export default function DashboardHome() {
  const data = useRouteLoaderData<typeof dashboardLoader>("routes/dashboard");
  const shops = data?.shops ?? [];
  if (shops.length === 0) {
    return (
      <EmptyState
        title="You don't have a shop yet"
        description="Create your shop: pick a name and an address, then make it yours with your logo and colours. An operator reviews new shops before they go live."
        action={<ButtonLink to="/dashboard/new">Create your shop</ButtonLink>}
      />
    );
  }
  return (
    <div className="space-y-6">
      <PageHeader
        title="Your shops"
        description={`Signed in as ${data?.user.email}`}
        actions={<ButtonLink to="/dashboard/new">Create a shop</ButtonLink>}
      />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {shops.map((shop) => (
          <li key={shop.id}>
            <Link
              to={`/dashboard/${shop.id}`}
              className="block h-full rounded-xl border border-gray-200 bg-white p-5 shadow-sm transition hover:border-indigo-300 hover:shadow"
            >
              <div className="flex items-start justify-between gap-3">
                <h2 className="truncate font-semibold text-gray-900">{shop.displayName}</h2>
                <StatusBadge status={shop.status} />
              </div>
              <p className="mt-1 truncate font-mono text-xs text-gray-500">{shop.slug}.{data?.platformDomain}</p>
              <p className="mt-4 text-xs text-gray-500">
                {shop.roles.map((r) => ROLE_LABELS[r] ?? r).join(", ")} · created {formatDate(shop.createdAt, false)}
              </p>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
