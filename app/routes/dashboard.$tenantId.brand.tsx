import { useState } from "react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, useForm, type FieldMetadata } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { brandSchema, FONT_FAMILIES, type Brand } from "#server/tenancy/brand.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button, ReloadLink } from "#app/components/ui/button.tsx";
import { CheckboxField, FormErrors, SelectField, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card, useSavedNotice } from "#app/components/ui/page.tsx";
import { BrandPreview, type BrandDraft } from "#app/components/ui/brand-preview.tsx";
import { RouteErrorPanel } from "#app/components/ui/route-error.tsx";

// The brand is validated by the very schema the API and manifests use; the form adds the tenant's version (CAS).
const brandFormSchema = z.object({
  version: z.number().int().positive(),
  displayName: z.string({ error: "Give your shop a name." }).trim().min(1).max(80),
  brand: brandSchema,
});

const FONT_LABELS: Record<(typeof FONT_FAMILIES)[number], string> = {
  system: "System (clean sans-serif)",
  serif: "Serif (classic)",
  mono: "Monospace (technical)",
  rounded: "Rounded (friendly)",
  humanist: "Humanist (warm sans-serif)",
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = params.tenantId!;
  const { roles } = await requireTenantRole(request, context, tenantId, { roles: "any", operator: false });
  const tenant = await context.services.prisma.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { slug: true, displayName: true, brand: true, version: true },
  });
  return {
    tenant: { ...tenant, brand: (tenant.brand ?? {}) as Partial<Brand> },
    canEdit: roles.includes("owner"),
    address: `${tenant.slug}.${context.platformDomain}`,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = params.tenantId!;
  await requireTenantRole(request, context, tenantId, { roles: ["owner"], operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: brandFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), saved: false }, { status: 400 });
  try {
    await context.services.tenants.update(auditActor(context), tenantId, submission.value);
  } catch (err) {
    return json({ result: replyWithApiError(submission, err), saved: false }, { status: 400 });
  }
  return json({ result: submission.reply(), saved: true });
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
    primaryColor: get("primaryColor"),
    accentColor: get("accentColor"),
    fontFamily: get("fontFamily"),
    supportEmail: get("supportEmail"),
    hidePlatformBadge: data.get("brand.hidePlatformBadge") === "on",
  };
}

export default function BrandPage() {
  const { tenant, canEdit, address } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const savedNotice = useSavedNotice(actionData);
  const [form, fields] = useForm({
    id: "brand",
    lastResult: actionData?.result,
    constraint: getZodConstraint(brandFormSchema),
    defaultValue: { displayName: tenant.displayName, brand: { ...tenant.brand, fontFamily: tenant.brand.fontFamily ?? "system" } },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: brandFormSchema }),
  });
  const b = fields.brand.getFieldset();
  const [draft, setDraft] = useState<BrandDraft>(() => ({ ...tenant.brand, fontFamily: tenant.brand.fontFamily ?? "system" }));
  const disabled = !canEdit;

  return (
    <div className="grid gap-6 lg:grid-cols-5">
      <div className="lg:col-span-3">
        <Form method="post" {...getFormProps(form)} onChange={(e) => {
            setDraft(readDraft(e.currentTarget));
            savedNotice.dismiss();
          }} className="space-y-6">
          <CsrfInput />
          <input type="hidden" name="version" value={tenant.version} />
          {!canEdit ? <Alert tone="info">Only owners can change the brand. You are seeing it read-only.</Alert> : null}
          {savedNotice.visible ? <Alert tone="success" title="Brand saved">Your shop shows the new look within a few seconds.</Alert> : null}
          <FormErrors id={form.errorId} errors={form.errors} action={<ReloadLink />} />
          <fieldset disabled={disabled} className="space-y-6">
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
            <Card title="Images" description="An https:// address or a path on your shop (such as /logo.png).">
              <div className="grid gap-5">
                <TextField meta={b.logoUrl} label="Logo URL" optional placeholder="https://…/logo.png" spellCheck={false} />
                <TextField meta={b.faviconUrl} label="Favicon URL" optional placeholder="https://…/favicon.png" spellCheck={false} />
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
      <aside className="lg:col-span-2">
        <div className="space-y-2 lg:sticky lg:top-20">
          <h2 className="text-sm font-semibold text-gray-900">Live preview</h2>
          <p className="text-xs text-gray-500">
            {canEdit ? "Updates as you type; nothing changes for buyers until you save." : "How your shop looks to buyers."}
          </p>
          <BrandPreview draft={draft} address={address} />
        </div>
      </aside>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
