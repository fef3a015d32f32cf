import { useEffect, useRef } from "react";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useParams } from "@remix-run/react";
import { requireUser, listMemberships } from "#app/utils/auth.server.ts";
import { withToast } from "#app/utils/toast.server.ts";
import { Toast } from "#app/components/ui/toast.tsx";
import { StatusBadge } from "#app/components/ui/badge.tsx";
import { AppShell } from "#app/components/ui/app-shell.tsx";

export const meta: MetaFunction = () => [{ title: "Dashboard — Storefront" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = requireUser(request, context);
  const shops = await listMemberships(context.services.prisma, actor.userId);
  return withToast(context, request, {
    user: { email: actor.email, displayName: actor.displayName, isOperator: actor.isOperator },
    shops: shops.map((s) => ({ ...s, createdAt: s.createdAt.toISOString() })),
    platformDomain: context.platformDomain,
  });
}

function ShopSwitcher({ shops }: { shops: Array<{ id: string; displayName: string; status: string }> }) {
  const { tenantId } = useParams();
  const location = useLocation();
  const ref = useRef<HTMLDetailsElement>(null);
  // A <details> menu works without JavaScript; with it, close the menu after each navigation.
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [location.key]);
  const current = shops.find((s) => s.id === tenantId);
  return (
    <details ref={ref} className="group relative min-w-0">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-md border border-gray-200 bg-white px-3 py-1.5 text-sm font-medium text-gray-800 shadow-sm hover:bg-gray-50 [&::-webkit-details-marker]:hidden">
        <span className="max-w-28 truncate sm:max-w-48">{current ? current.displayName : "All shops"}</span>
        <svg aria-hidden viewBox="0 0 20 20" className="h-4 w-4 text-gray-400"><path fill="currentColor" d="M5.5 7.5 10 12l4.5-4.5z" /></svg>
      </summary>
      <div className="absolute left-0 z-20 mt-2 w-72 overflow-hidden rounded-lg border border-gray-200 bg-white shadow-lg">
        <p className="border-b border-gray-100 px-3 py-2 text-xs font-medium uppercase tracking-wide text-gray-500">Your shops</p>
        <ul className="max-h-80 overflow-y-auto py-1">
          <li>
            <Link to="/dashboard" className="block px-3 py-2 text-sm text-gray-700 hover:bg-gray-50">All shops</Link>
          </li>
          {shops.map((s) => (
            <li key={s.id}>
              <Link
                to={`/dashboard/${s.id}`}
                aria-current={s.id === tenantId ? "page" : undefined}
                className="flex items-center justify-between gap-2 px-3 py-2 text-sm text-gray-700 hover:bg-gray-50 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700"
              >
                <span className="truncate">{s.displayName}</span>
                <StatusBadge status={s.status} />
              </Link>
            </li>
          ))}
        </ul>
        <Link to="/dashboard/new" className="block border-t border-gray-100 px-3 py-2 text-sm font-medium text-indigo-600 hover:bg-indigo-50">
          + Create a shop
        </Link>
      </div>
    </details>
  );
}

export default function DashboardLayout() {
  const { user, shops, toast } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} center={<ShopSwitcher shops={shops} />}>
      <Outlet />
      <Toast toast={toast} />
    </AppShell>
  );
}

export { ShellRouteError as ErrorBoundary } from "#app/components/ui/route-error.tsx";
