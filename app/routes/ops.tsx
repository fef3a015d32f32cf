import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { withToast } from "#app/utils/toast.server.ts";
import { Toast } from "#app/components/ui/toast.tsx";
import { SignOutButton } from "#app/components/ui/sign-out-button.tsx";

export const meta: MetaFunction = () => [{ title: "Operator console" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = requireOperator(request, context);
  return withToast(context, request, { email: actor.email });
}

const NAV = [
  { to: "/ops", label: "Tenants", match: (p: string) => p === "/ops" || p === "/ops/" || p.startsWith("/ops/tenants") },
  { to: "/ops/bots", label: "Bot health", match: (p: string) => p.startsWith("/ops/bots") },
  { to: "/ops/domains", label: "Domains", match: (p: string) => p.startsWith("/ops/domains") },
  { to: "/ops/sales", label: "Sales", match: (p: string) => p.startsWith("/ops/sales") },
  { to: "/ops/money", label: "Money", match: (p: string) => p.startsWith("/ops/money") },
  { to: "/ops/fees", label: "Fees", match: (p: string) => p.startsWith("/ops/fees") },
  { to: "/ops/disputes", label: "Disputes", match: (p: string) => p.startsWith("/ops/disputes") },
  { to: "/ops/email", label: "Email", match: (p: string) => p.startsWith("/ops/email") },
  { to: "/ops/preflight", label: "Launch readiness", match: (p: string) => p.startsWith("/ops/preflight") },
  { to: "/ops/audit", label: "Audit log", match: (p: string) => p.startsWith("/ops/audit") },
];

function ConsoleShell({ email, children }: { email: string | null; children: React.ReactNode }) {
  const { pathname } = useLocation();
  const item = (active: boolean) =>
    `flex items-center rounded-md px-2.5 py-1.5 text-sm font-medium ${
      active ? "bg-gray-100 text-gray-900" : "text-gray-600 hover:bg-gray-50 hover:text-gray-900"
    }`;
  return (
    <div className="min-h-screen bg-gray-50 font-sans text-gray-900 md:flex">
      <aside className="shrink-0 border-b border-gray-200 bg-white md:w-60 md:border-r md:border-b-0">
        <div className="flex flex-col md:sticky md:top-0 md:h-screen">
        <div className="flex items-center gap-2.5 px-4 py-4">
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-gray-900 text-xs font-bold text-white">
            SP
          </span>
          <div className="leading-tight">
            <p className="text-sm font-semibold text-gray-900">Operator console</p>
            <p className="text-xs text-gray-500">Storefront platform</p>
          </div>
        </div>
        <nav aria-label="Console" className="flex flex-wrap gap-1 px-3 pb-3 md:flex-col md:flex-nowrap md:pb-0">
          {NAV.map((n) => (
            <Link key={n.to} to={n.to} className={item(n.match(pathname))} aria-current={n.match(pathname) ? "page" : undefined}>
              {n.label}
            </Link>
          ))}
          <Link to="/docs/api" className={item(false)}>
            API docs
          </Link>
        </nav>
        <div className="mt-auto hidden border-t border-gray-200 px-4 py-3 md:block">
          <Link to="/dashboard" className="text-sm font-medium text-gray-600 hover:text-gray-900">
            ← Back to dashboard
          </Link>
          {email ? (
            <p className="mt-2 truncate text-xs text-gray-500" title={email}>
              Signed in as <span className="font-medium text-gray-700">{email}</span>
            </p>
          ) : null}
          <SignOutButton redirectTo="/login" className="-mx-2.5 mt-1" />
        </div>
        </div>
      </aside>
      <div className="min-w-0 flex-1">
        <div className="flex items-center justify-between gap-4 border-b border-gray-200 bg-white px-4 py-2 text-xs text-gray-500 md:hidden">
          <Link to="/dashboard" className="shrink-0 whitespace-nowrap font-medium text-gray-600 hover:text-gray-900">
            ← Dashboard
          </Link>
          <div className="flex min-w-0 items-center gap-2">
            {email ? <span className="truncate">{email}</span> : null}
            <SignOutButton redirectTo="/login" className="shrink-0" />
          </div>
        </div>
        <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">{children}</main>
      </div>
    </div>
  );
}

export default function OpsLayout() {
  const { email, toast } = useLoaderData<typeof loader>();
  return (
    <ConsoleShell email={email}>
      <Outlet />
      <Toast toast={toast} />
    </ConsoleShell>
  );
}

export { OpsErrorBoundary as ErrorBoundary } from "#app/components/ops/route-error.tsx";
