/**
 * Throws a Response (the route's ErrorBoundary renders it) unless `condition` holds; narrows `condition` after it.
 * Like epic-stack's: `invariantResponse(item, "Not found", { status: 404 })`. Status 400 unless `init` says otherwise.
 */
export function invariantResponse(condition: unknown, message: string | (() => string), init?: ResponseInit): asserts condition {
  if (!condition) {
    throw new Response(typeof message === "function" ? message() : message, {
      status: 400,
      ...init,
      headers: { "Content-Type": "text/plain; charset=utf-8", ...init?.headers },
    });
  }
}
