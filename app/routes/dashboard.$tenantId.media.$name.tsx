import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { requireParam } from "#app/utils/params.ts";

/**
 * A shop's uploaded image for its members on the platform host (thumbnails, logo previews). Buyers get the same
 * file from /media/<name> on the shop's own host; here the tenant comes from the path and membership is checked.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "tenant.read", operator: false });
  const file = await context.services.uploads.read(tenantId, requireParam(params, "name"));
  if (!file) throw new Response("Not found", { status: 404 });
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.contentType,
      "X-Content-Type-Options": "nosniff",
      "Content-Disposition": "inline",
      "Cache-Control": "private, max-age=3600",
    },
  });
}
