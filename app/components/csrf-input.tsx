import { useRouteLoaderData } from "@remix-run/react";

/** The hidden CSRF field every signed-in dashboard form carries (token from the root loader). */
export function CsrfInput() {
  const root = useRouteLoaderData("root") as { csrfToken?: string | null } | undefined;
  return root?.csrfToken ? <input type="hidden" name="csrf" value={root.csrfToken} /> : null;
}
