import type { LoaderFunctionArgs } from "@remix-run/node";

/**
 * TEN-5 preview: only on the platform host, only for the tenant's members and operators. Sign-in does not exist
 * yet, so every preview is refused; on a tenant host the answer is PREVIEW_FORBIDDEN.
 */
export async function loader({ context }: LoaderFunctionArgs) {
  const body = context.isPlatformHost
    ? { success: false, error: { code: "UNAUTHENTICATED", message: "Sign in to preview this shop." } }
    : { success: false, error: { code: "PREVIEW_FORBIDDEN", message: "Previews are only available on the platform host." } };
  throw Response.json(body, { status: context.isPlatformHost ? 401 : 403, headers: { "X-Robots-Tag": "noindex" } });
}
