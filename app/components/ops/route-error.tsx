import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { buttonClass } from "./layout.tsx";

/** The console's own boundary (ops.tsx): a whole page, since the layout itself (operator check) may be what failed. */
export function OpsErrorBoundary() {
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

/**
 * The body of a console detail page's ErrorBoundary (the console's navigation stays): "No such <subject>" for a 404,
 * else a generic failure, and a way back to the list.
 */
export function OpsRecordError({ subject, notFound: notFoundText, back }: { subject: string; notFound: string; back: { to: string; label: string } }) {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <div className="rounded-lg border border-gray-200 bg-white p-8 text-center shadow-xs">
      <h1 className="text-lg font-semibold text-gray-900">{notFound ? `No such ${subject}` : `This ${subject} could not be loaded`}</h1>
      <p className="mt-2 text-sm text-gray-600">{notFound ? notFoundText : "Something went wrong. Try again in a moment."}</p>
      <Link to={back.to} className={`mt-6 ${buttonClass.secondary}`}>
        {back.label}
      </Link>
    </div>
  );
}
