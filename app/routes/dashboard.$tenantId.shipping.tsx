import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { ShippingEditor } from "#app/components/shipping/shipping-editor.tsx";
import { loadShippingPage, saveShippingPage } from "./dashboard.$tenantId.shipping.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "shipping.read", operator: false });
  return { ...(await loadShippingPage(context, tenantId)), canEdit: can(roles, "shipping.edit") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "shipping.edit", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const reply = await saveShippingPage(context, tenantId, formData.get("settings"));
  return json(reply, { status: reply.saved ? 200 : 400 });
}

export default function ShippingPage() {
  const page = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <ShippingEditor
      initial={page.draft} version={page.version} currency={page.currency} categories={page.categories} canEdit={page.canEdit} countries={page.countries} reply={reply}
    />
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
