import { useEffect, useState } from "react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { getCollectionProps, getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { auditActor, requireUser } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FieldErrors, FormErrors, TextField } from "#app/components/ui/field.tsx";
import { Card, PageHeader } from "#app/components/ui/page.tsx";
import type { loader as slugCheckLoader } from "./dashboard.slug-check.tsx";

const SHOP_TYPES = [
  { value: "hosted_seller", label: "Hosted shop", text: "Sell under your own brand at your address on the platform." },
  { value: "white_label", label: "White-label", text: "A fully branded storefront for a company or agency, usually on its own domain." },
] as const;

// Mirrors tenantCreateSchema; the address rules themselves are checked on the server (slugProblem), live and on submit.
const createShopSchema = z.object({
  displayName: z.string({ error: "Give your shop a name." }).trim().min(1, "Give your shop a name.").max(80),
  slug: z.string({ error: "Choose an address." }).trim().toLowerCase().max(40, "Use at most 40 characters."),
  type: z.enum(["hosted_seller", "white_label"]).default("hosted_seller"),
});

export const meta: MetaFunction = () => [{ title: "Create a shop — Storefront" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(request, context);
  return { platformDomain: context.platformDomain };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = requireUser(request, context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: createShopSchema });
  if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });
  let tenant;
  try {
    tenant = await context.services.tenants.create({ ...auditActor(context), userId: actor.userId }, submission.value);
  } catch (err) {
    return json(
      { result: replyWithApiError(submission, err, { TENANT_SLUG_TAKEN: "slug", TENANT_SLUG_INVALID: "slug" }) },
      { status: 400 },
    );
  }
  return redirect(`/dashboard/${tenant.id}`);
}

/** "Maison Lumière" → "maison-lumiere" (at most 40 characters, no edge hyphens). */
function suggestSlug(name: string) {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}

function SlugStatus({ slug, platformDomain }: { slug: string; platformDomain: string }) {
  const fetcher = useFetcher<typeof slugCheckLoader>();
  const { load } = fetcher;
  useEffect(() => {
    if (!slug) return;
    const timer = setTimeout(() => load(`/dashboard/slug-check?slug=${encodeURIComponent(slug)}`), 300);
    return () => clearTimeout(timer);
  }, [slug, load]);
  if (!slug) return null;
  const result = fetcher.data?.slug === slug ? fetcher.data : null;
  if (!result) return <p className="mt-1.5 text-sm text-gray-500" aria-live="polite">Checking {slug}.{platformDomain}…</p>;
  return result.available ? (
    <p className="mt-1.5 text-sm text-emerald-700" aria-live="polite" data-testid="slug-status">
      ✓ <span className="font-medium">{slug}.{platformDomain}</span> is available
    </p>
  ) : (
    <p className="mt-1.5 text-sm text-red-600" aria-live="polite" data-testid="slug-status">
      {slug}.{platformDomain}: {result.message}
    </p>
  );
}

export default function NewShop() {
  const { platformDomain } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "create-shop",
    lastResult: actionData?.result,
    constraint: getZodConstraint(createShopSchema),
    defaultValue: { type: "hosted_seller" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createShopSchema }),
  });
  // Without JavaScript the reply carries what was typed; keep it.
  const [slug, setSlug] = useState(() => (typeof fields.slug.initialValue === "string" ? fields.slug.initialValue : ""));
  const [slugEdited, setSlugEdited] = useState(() => slug !== "");
  const normalized = slug.trim().toLowerCase();
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <PageHeader title="Create your shop" description="You can change the name and the look later. The address is permanent." />
      <Card>
        <Form method="post" {...getFormProps(form)} className="space-y-6">
          <CsrfInput />
          <FormErrors id={form.errorId} errors={form.errors} />
          <TextField
            meta={fields.displayName}
            label="Shop name"
            placeholder="Maison Lumière"
            autoFocus
            onChange={(e) => {
              if (!slugEdited) setSlug(suggestSlug(e.currentTarget.value));
            }}
          />
          <div>
            <TextField
              meta={fields.slug}
              label="Address"
              placeholder="maison-lumiere"
              autoComplete="off"
              spellCheck={false}
              value={slug}
              onChange={(e) => {
                setSlugEdited(true);
                setSlug(e.currentTarget.value);
              }}
              addon={<span className="shrink-0 font-mono text-sm text-gray-500">.{platformDomain}</span>}
              help="3–40 characters: lowercase letters, digits and inner hyphens."
            />
            {fields.slug.errors?.length ? null : <SlugStatus slug={normalized} platformDomain={platformDomain} />}
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-gray-800">Kind of shop</legend>
            <div className="mt-2 grid gap-3 sm:grid-cols-2">
              {getCollectionProps(fields.type, { type: "radio", options: SHOP_TYPES.map((t) => t.value) }).map(({ key, ...props }) => {
                const t = SHOP_TYPES.find((x) => x.value === props.value)!;
                return (
                  <label
                    key={key}
                    htmlFor={props.id}
                    className="flex cursor-pointer gap-3 rounded-lg border border-gray-200 p-4 has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50/50 has-[:checked]:ring-1 has-[:checked]:ring-indigo-500"
                  >
                    <input {...props} className="mt-0.5 h-4 w-4 accent-indigo-600" />
                    <span>
                      <span className="block text-sm font-medium text-gray-900">{t.label}</span>
                      <span className="mt-0.5 block text-xs text-gray-600">{t.text}</span>
                    </span>
                  </label>
                );
              })}
            </div>
            <FieldErrors id={fields.type.errorId} errors={fields.type.errors} />
          </fieldset>
          <div className="rounded-lg bg-gray-50 px-4 py-3 text-sm text-gray-600">
            New shops start as <span className="font-medium text-gray-900">pending</span>: an operator reviews them before they go live.
            You can set up your brand, team and payments meanwhile.
          </div>
          <div className="flex items-center justify-end gap-3">
            <Link to="/dashboard" className="text-sm font-medium text-gray-600 hover:text-gray-900">Cancel</Link>
            <Button type="submit" disabled={busy}>{busy ? "Creating…" : "Create shop"}</Button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
