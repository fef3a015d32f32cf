import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { BrandEditor } from "#app/components/brand/brand-editor.tsx";
import { brandFormSchema } from "#app/components/brand/brand-form-schema.ts";
import { useSavedNotice } from "#app/components/ui/page.tsx";
import { UPLOAD_LIMITS, discardUploads, formTooLarge, saveUploads } from "#app/components/catalog/uploads.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { loadBrandSettings } from "./dashboard.$tenantId.brand.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "tenant.read", operator: false });
  const tenant = await loadBrandSettings(context.services.prisma, tenantId);
  return {
    tenant,
    // Intl's list may lack the stored zone (an alias such as "UTC"): keep it selectable.
    timeZones: [...new Set([tenant.timeZone, "UTC", ...Intl.supportedValuesOf("timeZone")])].sort(),
    canEdit: can(roles, "brand.edit"),
    address: `${tenant.slug}.${context.platformDomain}`,
    limits: { logo: UPLOAD_LIMITS.logo, favicon: UPLOAD_LIMITS.favicon },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "brand.edit", operator: false });
  // A logo and a favicon at their size limits, plus the rest of the form.
  const tooLarge = formTooLarge(request, UPLOAD_LIMITS.logo + UPLOAD_LIMITS.favicon + 256 * 1024);
  if (tooLarge) return json({ result: null, saved: false, tooLarge: tooLarge as string | null }, { status: 413 });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: brandFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), saved: false, tooLarge: null }, { status: 400 });
  const { logoFile, faviconFile, ...patch } = submission.value;
  const uploaded: string[] = [];
  for (const [file, purpose, field] of [[logoFile, "logo", "logoFile"], [faviconFile, "favicon", "faviconFile"]] as const) {
    if (!file) continue;
    const saved = await saveUploads(context, tenantId, purpose, [file]);
    if (!saved.ok) {
      await discardUploads(context, tenantId, uploaded);
      return json({ result: submission.reply({ fieldErrors: { [field]: [saved.message] } }), saved: false, tooLarge: null }, { status: 400 });
    }
    uploaded.push(saved.uploads[0]!.id);
    // The public path on the shop's own host (/media/<name>): a site path, as brandSchema allows.
    patch.brand[purpose === "logo" ? "logoUrl" : "faviconUrl"] = saved.uploads[0]!.url;
  }
  try {
    await context.services.tenants.update(auditActor(context), tenantId, patch);
  } catch (err) {
    await discardUploads(context, tenantId, uploaded);
    return json({ result: replyWithApiError(submission, err), saved: false, tooLarge: null }, { status: 400 });
  }
  return json({ result: submission.reply(), saved: true, tooLarge: null });
}

export default function BrandPage() {
  const { tenant, timeZones, canEdit, address, limits } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const savedNotice = useSavedNotice(actionData);
  // Keyed on the version: after a save (which may have uploaded a logo) the form starts again from what was stored.
  return <BrandEditor key={tenant.version} tenant={tenant} timeZones={timeZones} canEdit={canEdit} address={address} limits={limits} actionData={actionData} savedNotice={savedNotice} />;
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
