import { useRef, useState } from "react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useParams } from "@remix-run/react";
import { getFormProps, getInputProps, useForm, type FieldMetadata, type FormMetadata } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { brandSchema, FONT_FAMILIES, type Brand } from "#server/tenancy/shared.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button, ReloadLink } from "#app/components/ui/button.tsx";
import { CheckboxField, FieldErrors, FormErrors, SelectField, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card, useSavedNotice } from "#app/components/ui/page.tsx";
import { BrandPreview, type BrandDraft } from "#app/components/ui/brand-preview.tsx";
import { dashboardMediaUrl, formatBytes } from "#app/components/catalog/media.ts";
import { UPLOAD_LIMITS, discardUploads, formTooLarge, saveUploads } from "#app/components/catalog/uploads.server.ts";
import { requireParam } from "#app/utils/params.ts";

// The brand is validated by the very schema the API and manifests use; the form adds the tenant's version (CAS)
// and optional logo/favicon files, which are uploaded on save and then become brand.logoUrl / brand.faviconUrl.
const brandFormSchema = z.object({
  version: z.number().int().positive(),
  displayName: z.string({ error: "Give your shop a name." }).trim().min(1).max(80),
  brand: brandSchema,
  logoFile: z.file().optional(),
  faviconFile: z.file().optional(),
});


const FONT_LABELS: Record<(typeof FONT_FAMILIES)[number], string> = {
  system: "System (clean sans-serif)",
  serif: "Serif (classic)",
  mono: "Monospace (technical)",
  rounded: "Rounded (friendly)",
  humanist: "Humanist (warm sans-serif)",
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "tenant.read", operator: false });
  const tenant = await context.services.prisma.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { slug: true, displayName: true, brand: true, version: true },
  });
  return {
    tenant: { ...tenant, brand: (tenant.brand ?? {}) as Partial<Brand> },
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

/** A #rrggbb text field with a colour picker beside it; the picker writes into the text field. */
function ColorField({ meta, label, value, disabled }: { meta: FieldMetadata<string | undefined, Record<string, unknown>, string[]>; label: string; value: unknown; disabled: boolean }) {
  const hex = typeof value === "string" && /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : "#000000";
  return (
    <TextField
      meta={meta}
      label={label}
      spellCheck={false}
      autoComplete="off"
      className="font-mono"
      addon={
        <input
          type="color"
          aria-label={`${label}: pick`}
          value={hex}
          disabled={disabled}
          onChange={(e) => {
            const field = e.currentTarget.form?.elements.namedItem(meta.name);
            if (!(field instanceof HTMLInputElement)) return;
            field.value = e.currentTarget.value;
            // Lets conform revalidate the text field as if it had been typed into.
            field.dispatchEvent(new Event("input", { bubbles: true }));
          }}
          className="h-9 w-11 shrink-0 cursor-pointer rounded-md border border-gray-300 bg-white p-1 disabled:cursor-not-allowed"
        />
      }
    />
  );
}

function readDraft(form: HTMLFormElement): BrandDraft {
  const data = new FormData(form);
  const get = (k: keyof Brand) => {
    const v = data.get(`brand.${k}`);
    return typeof v === "string" ? v : undefined;
  };
  return {
    displayName: get("displayName"),
    tagline: get("tagline"),
    logoUrl: get("logoUrl"),
    faviconUrl: get("faviconUrl"),
    primaryColor: get("primaryColor"),
    accentColor: get("accentColor"),
    fontFamily: get("fontFamily"),
    supportEmail: get("supportEmail"),
    hidePlatformBadge: data.get("brand.hidePlatformBadge") === "on",
  };
}

/**
 * A logo or favicon: the current image (or the chosen file, previewed as a data: URL), a file input whose file is
 * uploaded on save, and the address field it fills in (which also takes an https:// address).
 */
function ImageField({ form, file, url, label, current, pending, onPick, onRemove, limit, accept, help, error }: {
  form: FormMetadata<z.input<typeof brandFormSchema>, string[]>;
  file: FieldMetadata<File | undefined, Record<string, unknown>, string[]>;
  url: FieldMetadata<string | undefined, Record<string, unknown>, string[]>;
  label: string;
  current: string | undefined;
  pending: string | undefined;
  onPick: (file: File | undefined) => void;
  onRemove: () => void;
  limit: number;
  accept: string;
  help: string;
  error?: string | null;
}) {
  const input = useRef<HTMLInputElement>(null);
  const { key, ...fileProps } = getInputProps(file, { type: "file" });
  const shown = pending ?? current;
  const errors = [...(file.errors ?? []), ...(error ? [error] : [])];
  return (
    <div className="flex min-w-0 gap-4">
      <div className="grid h-16 w-16 shrink-0 place-items-center overflow-hidden rounded-lg border border-gray-200 bg-[repeating-conic-gradient(#f3f4f6_0_25%,#fff_0_50%)] bg-[length:12px_12px]">
        {shown ? <img src={shown} alt={`${label} preview`} className="max-h-full max-w-full object-contain" /> : <span className="text-[11px] text-gray-400">None</span>}
      </div>
      <div className="min-w-0 flex-1 space-y-3">
        <div>
          <label htmlFor={file.id} className="block text-sm font-medium text-gray-800">{label}</label>
          <div className="mt-1.5 flex flex-wrap items-center gap-3">
            <input
              key={key}
              ref={input}
              {...fileProps}
              accept={accept}
              onChange={(e) => onPick(e.currentTarget.files?.[0])}
              className="block min-w-0 flex-1 text-sm text-gray-600 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-gray-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-gray-800 file:shadow-xs hover:file:bg-gray-50"
            />
            {shown ? (
              <button
                type="button"
                className="text-sm font-medium text-gray-600 underline hover:text-red-700"
                onClick={() => {
                  if (input.current) input.current.value = "";
                  form.update({ name: url.name, value: "" });
                  onRemove();
                }}
              >
                Remove
              </button>
            ) : null}
          </div>
          <p className="mt-1.5 text-xs text-gray-500">{help} Up to {formatBytes(limit)}; uploaded when you save.</p>
          <FieldErrors id={file.errorId} errors={errors.length ? errors : undefined} />
        </div>
        <TextField meta={url} label={`…or the ${label.toLowerCase()}'s address`} optional placeholder="https://…" spellCheck={false} />
      </div>
    </div>
  );
}

export default function BrandPage() {
  const { tenant } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const savedNotice = useSavedNotice(actionData);
  // Keyed on the version: after a save (which may have uploaded a logo) the form starts again from what was stored.
  return <BrandEditor key={tenant.version} savedNotice={savedNotice} />;
}

function BrandEditor({ savedNotice }: { savedNotice: ReturnType<typeof useSavedNotice> }) {
  const { tenant, canEdit, address, limits } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const tenantId = useParams().tenantId!;
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "brand",
    lastResult: actionData?.saved ? undefined : actionData?.result,
    constraint: getZodConstraint(brandFormSchema),
    defaultValue: { displayName: tenant.displayName, brand: { ...tenant.brand, fontFamily: tenant.brand.fontFamily ?? "system" } },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: brandFormSchema }),
  });
  const b = fields.brand.getFieldset();
  const [draft, setDraft] = useState<BrandDraft>(() => ({ ...tenant.brand, fontFamily: tenant.brand.fontFamily ?? "system" }));
  const [pending, setPending] = useState<{ logo?: string; favicon?: string }>({});
  const disabled = !canEdit;

  /** Previews the chosen file right away (a data: URL; the CSP allows data: images, not blob:). */
  const pick = (which: "logo" | "favicon") => (file: File | undefined) => {
    if (!file || file.size > 4 * limits[which]) return setPending((p) => ({ ...p, [which]: undefined }));
    const reader = new FileReader();
    reader.onload = () => {
      const src = typeof reader.result === "string" && /^data:image\/(png|jpeg|gif|webp|x-icon|vnd.microsoft.icon);/.test(reader.result) ? reader.result : undefined;
      setPending((p) => ({ ...p, [which]: src }));
    };
    reader.readAsDataURL(file);
  };
  const remove = (which: "logo" | "favicon") => () => {
    setPending((p) => ({ ...p, [which]: undefined }));
    setDraft((d) => ({ ...d, [which === "logo" ? "logoUrl" : "faviconUrl"]: undefined }));
  };
  const logo = pending.logo ?? dashboardMediaUrl(tenantId, typeof draft.logoUrl === "string" ? draft.logoUrl : undefined);
  const favicon = pending.favicon ?? dashboardMediaUrl(tenantId, typeof draft.faviconUrl === "string" ? draft.faviconUrl : undefined);

  return (
    <div className="grid gap-6 lg:grid-cols-5">
      {/* min-w-0: grid items and fieldsets are as wide as their content by default, which pushed phones sideways. */}
      <div className="min-w-0 lg:col-span-3">
        <Form method="post" encType="multipart/form-data" {...getFormProps(form)} onChange={(e) => {
            setDraft(readDraft(e.currentTarget));
            savedNotice.dismiss();
          }} className="space-y-6">
          <CsrfInput />
          <input type="hidden" name="version" value={tenant.version} />
          {!canEdit ? <Alert tone="info">Only owners can change the brand. You are seeing it read-only.</Alert> : null}
          {savedNotice.visible ? <Alert tone="success" title="Brand saved">Your shop shows the new look within a few seconds.</Alert> : null}
          <FormErrors id={form.errorId} errors={form.errors} action={<ReloadLink />} />
          <fieldset disabled={disabled} className="min-w-0 space-y-6">
            <Card title="Name" description="How your shop introduces itself.">
              <div className="grid gap-5 sm:grid-cols-2">
                <TextField meta={b.displayName} label="Name shown to buyers" maxLength={80} />
                <TextField meta={fields.displayName} label="Name in your dashboard" maxLength={80} help="Also what the platform team sees." />
                <TextField meta={b.tagline} label="Tagline" optional maxLength={160} className="sm:col-span-2" placeholder="Hand-made candles from Lyon" />
              </div>
            </Card>
            <Card title="Look" description="Colours and type. Text colour on them is chosen for contrast automatically.">
              <div className="grid gap-5 sm:grid-cols-2">
                <ColorField meta={b.primaryColor} label="Primary colour" value={draft.primaryColor} disabled={disabled} />
                <ColorField meta={b.accentColor} label="Accent colour" value={draft.accentColor} disabled={disabled} />
                <SelectField
                  meta={b.fontFamily}
                  label="Font"
                  options={FONT_FAMILIES.map((f) => ({ value: f, label: FONT_LABELS[f] }))}
                />
              </div>
            </Card>
            <Card title="Logo and favicon" description="Upload an image, or give an https:// address.">
              <div className="grid gap-6">
                <ImageField
                  form={form}
                  file={fields.logoFile}
                  url={b.logoUrl}
                  label="Logo"
                  current={logo}
                  pending={pending.logo}
                  onPick={pick("logo")}
                  onRemove={remove("logo")}
                  limit={limits.logo}
                  accept="image/png,image/jpeg,image/gif,image/webp"
                  help="PNG, JPEG, GIF or WebP; square works best."
                  error={actionData?.tooLarge}
                />
                <ImageField
                  form={form}
                  file={fields.faviconFile}
                  url={b.faviconUrl}
                  label="Favicon"
                  current={favicon}
                  pending={pending.favicon}
                  onPick={pick("favicon")}
                  onRemove={remove("favicon")}
                  limit={limits.favicon}
                  accept="image/png,image/x-icon,image/vnd.microsoft.icon,image/gif,image/webp"
                  help="The icon in the browser tab: PNG or ICO, 32×32 or larger."
                />
              </div>
            </Card>
            <Card title="Contact and badge">
              <div className="grid gap-5">
                <TextField meta={b.supportEmail} label="Support email" type="email" optional placeholder="help@yourshop.com" help="Shown in your shop's footer." />
                <CheckboxField meta={b.hidePlatformBadge} label="Hide “Powered by Storefront”" help="Your shop then shows only your own brand." />
              </div>
            </Card>
          </fieldset>
          {canEdit ? (
            <div className="flex items-center justify-end gap-3">
              <Button type="submit" disabled={busy}>{busy ? "Saving…" : "Save brand"}</Button>
            </div>
          ) : null}
        </Form>
      </div>
      <aside className="min-w-0 lg:col-span-2">
        <div className="space-y-2 lg:sticky lg:top-20">
          <h2 className="text-sm font-semibold text-gray-900">Live preview</h2>
          <p className="text-xs text-gray-500">
            {canEdit ? "Updates as you type; nothing changes for buyers until you save." : "How your shop looks to buyers."}
          </p>
          <BrandPreview draft={{ ...draft, logoUrl: logo, faviconUrl: favicon }} address={address} />
        </div>
      </aside>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
