import { useState } from "react";
import { Form, useNavigation, useParams } from "@remix-run/react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { FONT_FAMILIES, type Brand } from "#server/tenancy/shared.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button, ReloadLink } from "#app/components/ui/button.tsx";
import { CheckboxField, FormErrors, SelectField, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card, type useSavedNotice } from "#app/components/ui/page.tsx";
import { BrandPreview, type BrandDraft } from "#app/components/ui/brand-preview.tsx";
import { dashboardMediaUrl } from "#app/components/catalog/media.ts";
import { brandFormSchema } from "./brand-form-schema.ts";
import { ColorField } from "./color-field.tsx";
import { ImageField } from "./image-field.tsx";

/** What the brand page's action answers. */
export type BrandActionData = { result: SubmissionResult<string[]> | null; saved: boolean; tooLarge: string | null };

const FONT_LABELS: Record<(typeof FONT_FAMILIES)[number], string> = {
  system: "System (clean sans-serif)",
  serif: "Serif (classic)",
  mono: "Monospace (technical)",
  rounded: "Rounded (friendly)",
  humanist: "Humanist (warm sans-serif)",
};

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

export function BrandEditor({ tenant, timeZones, canEdit, address, limits, actionData, savedNotice }: {
  tenant: { displayName: string; version: number; brand: Partial<Brand>; timeZone: string };
  /** IANA zones for the time-zone select (from the server, so the list never differs between server and browser). */
  timeZones: string[];
  canEdit: boolean;
  /** The shop's address on the platform, shown in the preview's address bar. */
  address: string;
  limits: { logo: number; favicon: number };
  actionData: BrandActionData | undefined;
  savedNotice: ReturnType<typeof useSavedNotice>;
}) {
  const tenantId = useParams().tenantId!;
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "brand",
    lastResult: actionData?.saved ? undefined : actionData?.result,
    constraint: getZodConstraint(brandFormSchema),
    defaultValue: { displayName: tenant.displayName, timeZone: tenant.timeZone, brand: { ...tenant.brand, fontFamily: tenant.brand.fontFamily ?? "system" } },
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
                <SelectField
                  meta={fields.timeZone}
                  label="Time zone"
                  options={timeZones.map((z) => ({ value: z, label: z.replace(/_/g, " ") }))}
                  help="Your sales overview and monthly statements count days in this zone."
                />
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
