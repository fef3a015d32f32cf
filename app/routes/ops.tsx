import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { SignOutButton } from "#app/components/ui/sign-out-button.tsx";

export const meta: MetaFunction = () => [{ title: "Operator console" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = requireOperator(request, context);
  return { email: actor.email };
}

const NAV = [
  { to: "/ops", label: "Tenants", match: (p: string) => p === "/ops" || p === "/ops/" || p.startsWith("/ops/tenants") },
  { to: "/ops/bots", label: "Bot health", match: (p: string) => p.startsWith("/ops/bots") },
  { to: "/ops/domains", label: "Domains", match: (p: string) => p.startsWith("/ops/domains") },
  { to: "/ops/money", label: "Money", match: (p: string) => p.startsWith("/ops/money") },
  { to: "/ops/disputes", label: "Disputes", match: (p: string) => p.startsWith("/ops/disputes") },
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
  const { email } = useLoaderData<typeof loader>();
  return (
    <ConsoleShell email={email}>
      <Outlet />
    </ConsoleShell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = status === 403 ? "Operators only" : status === 404 ? "Not found" : "Something went wrong";
  const text =
    status === 403
      ? "This console is for platform operators. Your account does not have operator access."
      : status === 404
        ? "There is nothing at this address."
        : "The console could not load this page. Try again in a moment.";
  return (
    <div className="grid min-h-screen place-items-center bg-gray-50 px-4 font-sans">
      <div className="max-w-md rounded-lg border border-gray-200 bg-white p-8 text-center shadow-xs">
        <p className="text-sm font-semibold text-gray-500">{status}</p>
        <h1 className="mt-1 text-lg font-semibold text-gray-900">{title}</h1>
        <p className="mt-2 text-sm text-gray-600">{text}</p>
        <Link to="/dashboard" className="mt-6 inline-block text-sm font-medium text-gray-900 underline underline-offset-4">
          Go to the dashboard
        </Link>
      </div>
    </div>
  );
}
