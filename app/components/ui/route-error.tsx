import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { AppShell } from "./app-shell.tsx";

/** The body of a nested route's ErrorBoundary: the layout around it (tabs, top bar) stays in place. */
export function RouteErrorPanel() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message =
    status === 404
      ? "It doesn't exist, or you don't have access to it."
      : isRouteErrorResponse(error) && typeof error.data === "string" && status < 500
        ? error.data
        : "Please try again later.";
  const title = status === 404 ? "Not found" : status === 403 ? "Not allowed" : "Something went wrong";
  return (
    <div role="alert" className="rounded-xl border border-gray-200 bg-white px-6 py-12 text-center shadow-sm">
      <h2 className="text-lg font-semibold text-gray-900">{title}</h2>
      <p className="mt-2 text-sm text-gray-600">{message}</p>
      <Link to="/dashboard" className="mt-6 inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">Back to your shops</Link>
    </div>
  );
}

/** The ErrorBoundary of a signed-in layout (dashboard, account): the same panel in a bare app shell. */
export function ShellRouteError() {
  return (
    <AppShell user={null}>
      <RouteErrorPanel />
    </AppShell>
  );
}
