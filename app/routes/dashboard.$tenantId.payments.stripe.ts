/**
 * The Payments page's Stripe section, as a resource route its fetcher loads and posts to (ADR 024): the connected
 * account (status, account id, business name, mode, webhook URL) and connect/disconnect. Owner and finance only;
 * keys go in and never come back.
 */
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { can } from "#server/auth/shared.ts";
import { listStripe, stripeSectionAction } from "./dashboard.$tenantId.payments.stripe.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "policy.read", operator: false });
  // Members without integrations.read get an empty section (the page hides it), not an error on the Payments page.
  if (!can(roles, "integrations.read")) return json({ allowed: false, items: [] });
  return json({ allowed: true, items: await listStripe(context, tenantId) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "integrations.manage", operator: false });
  const form = await request.formData();
  requireCsrf(form, context);
  const { body, status } = await stripeSectionAction(context, tenantId, form);
  return json(body, { status });
}
