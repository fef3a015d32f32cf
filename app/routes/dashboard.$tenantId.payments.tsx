import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getCollectionProps, getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
// policy.ts is free of server-only imports, so its schema can validate in the browser too.
import { getPaymentPolicy, putPaymentPolicy, tenantCurrency } from "#app/utils/tenant.server.ts";
import { PAYMENT_RAILS, paymentPolicySchema } from "#server/tenancy/shared.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button, ReloadLink } from "#app/components/ui/button.tsx";
import { FieldErrors, FormErrors, SelectField, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card, formatDate, useSavedNotice } from "#app/components/ui/page.tsx";
import { notOfferedSentence, RAIL_HELP, RAIL_LABELS } from "#app/components/ui/rails.ts";
import { requireParam } from "#app/utils/params.ts";

/** Form fields → the API's policy body (categories typed comma-separated, an empty amount meaning "no threshold"). */
const policyFormSchema = z
  .object({
    version: z.number().int().positive(),
    allowedRails: z.array(z.enum(PAYMENT_RAILS)).default([]),
    defaultRail: z.enum(PAYMENT_RAILS, { error: "Choose a default rail." }),
    escrowRequiredAboveAmount: z.string().trim().optional(),
    escrowRequiredForCategories: z.string().optional(),
    buyerDisclosureMode: z.enum(["strict", "plain"]).default("strict"),
  })
  .transform((v): z.input<typeof paymentPolicySchema> => ({
    ...v,
    escrowRequiredAboveAmount: v.escrowRequiredAboveAmount ? v.escrowRequiredAboveAmount : null,
    escrowRequiredForCategories: (v.escrowRequiredForCategories ?? "").split(",").map((s) => s.trim()).filter(Boolean),
  }))
  .pipe(paymentPolicySchema);

const DISCLOSURE = [
  { value: "strict", label: "Strict", text: "Before paying without escrow, buyers must tick that they understand they are not protected." },
  { value: "plain", label: "Plain", text: "Buyers see which protection applies, with no extra step." },
] as const;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "policy.read", operator: false });
  const [policy, currency] = await Promise.all([
    getPaymentPolicy(context.services.prisma, tenantId),
    tenantCurrency(context.services.prisma, tenantId),
  ]);
  // getPaymentPolicy's return type is loose (Record<string, unknown>); these are the columns it selects.
  const p = policy as unknown as Omit<z.output<typeof paymentPolicySchema>, "escrowRequiredAboveAmount"> & {
    escrowRequiredAboveAmount: string | null;
    updatedAt: Date;
  };
  return {
    policy: { ...p, updatedAt: p.updatedAt.toISOString() },
    // Checkout's own registry, so a rail this page calls "not set up" is exactly one checkout leaves out.
    configuredRails: context.services.money.configuredRails({ currency, payoutAddress: (p as { payoutAddress?: string | null }).payoutAddress ?? null }),
    currency,
    canEdit: can(roles, "policy.edit"),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "policy.edit", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: policyFormSchema });
  const none: string[] = [];
  if (submission.status !== "success") return json({ result: submission.reply(), saved: false, notOffered: none, allowed: none }, { status: 400 });
  const { prisma, publishTenancyChange, money } = context.services;
  try {
    await putPaymentPolicy(prisma, publishTenancyChange, auditActor(context), tenantId, submission.value);
  } catch (err) {
    return json({ result: replyWithApiError(submission, err), saved: false, notOffered: none, allowed: none }, { status: 400 });
  }
  // Saved as asked (the policy may name a rail before it is set up), but the merchant hears what buyers will miss.
  return json({ result: submission.reply(), saved: true, notOffered: money.unconfiguredRails(submission.value.allowedRails, { currency: await tenantCurrency(prisma, tenantId), payoutAddress: (await getPaymentPolicy(prisma, tenantId) as { payoutAddress?: string | null }).payoutAddress ?? null }), allowed: submission.value.allowedRails });
}

export default function PaymentsPage() {
  const { policy, configuredRails, currency, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const showSaved = useSavedNotice(actionData);
  const [form, fields] = useForm({
    id: "payment-policy",
    lastResult: actionData?.result,
    defaultValue: {
      allowedRails: policy.allowedRails,
      defaultRail: policy.defaultRail,
      escrowRequiredAboveAmount: policy.escrowRequiredAboveAmount ?? "",
      escrowRequiredForCategories: policy.escrowRequiredForCategories.join(", "),
      buyerDisclosureMode: policy.buyerDisclosureMode,
    },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: policyFormSchema }),
  });
  const isSetUp = (rail: string) => configuredRails.some((r) => r === rail);
  const savedNotOffered = policy.allowedRails.filter((r) => !isSetUp(r));
  // What the boxes say now, so ticking a rail that is not set up warns before saving.
  const ticked = [fields.allowedRails.value ?? []].flat().filter((v): v is string => typeof v === "string");
  const tickedNotOffered = ticked.filter((r) => !isSetUp(r));
  const savedWithWarning = showSaved.visible && actionData?.saved && actionData.notOffered.length > 0 ? actionData : null;
  return (
    <Form method="post" {...getFormProps(form)} onChange={showSaved.dismiss} className="space-y-6">
      <CsrfInput />
      <input type="hidden" name="version" value={policy.version} />
      {!canEdit ? <Alert tone="info">Only owners and finance can change the payment policy. You are seeing it read-only.</Alert> : null}
      {savedWithWarning ? (
        <Alert tone="warning" title="Payment policy saved, with a warning">
          Checkout uses the new rules right away. {notOfferedSentence(savedWithWarning.notOffered, savedWithWarning.allowed)}
        </Alert>
      ) : showSaved.visible ? (
        <Alert tone="success" title="Payment policy saved">Checkout uses the new rules right away.</Alert>
      ) : savedNotOffered.length > 0 ? (
        <Alert tone="warning" title="Not every allowed rail is offered to buyers">{notOfferedSentence(savedNotOffered, policy.allowedRails)}</Alert>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} action={<ReloadLink />} />
      <fieldset disabled={!canEdit} className="min-w-0 space-y-6">
        <Card title="Payment rails" description="How buyers may pay you. Only allowed rails are offered at checkout.">
          <fieldset className="min-w-0" aria-describedby={fields.allowedRails.errors ? fields.allowedRails.errorId : undefined}>
            <legend className="sr-only">Allowed rails</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              {getCollectionProps(fields.allowedRails, { type: "checkbox", options: [...PAYMENT_RAILS] }).map(({ key, ...props }) => (
                <label
                  key={key}
                  htmlFor={props.id}
                  className="flex cursor-pointer gap-3 rounded-lg border border-gray-200 p-4 has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50/40 has-[:disabled]:cursor-default"
                >
                  <input {...props} className="mt-0.5 h-4 w-4 accent-indigo-600" />
                  <span className="min-w-0">
                    <span className="block text-sm font-medium text-gray-900">{RAIL_LABELS[props.value]}</span>
                    <span className="mt-0.5 block text-xs text-gray-600">{RAIL_HELP[props.value]}</span>
                    {isSetUp(props.value) ? null : (
                      <span className={`mt-1.5 block text-xs font-medium ${ticked.includes(props.value) ? "text-amber-800" : "text-gray-500"}`} data-testid="rail-not-set-up">
                        Not set up on this platform yet: checkout does not offer it{ticked.includes(props.value) ? ", even when allowed" : ""}.
                      </span>
                    )}
                  </span>
                </label>
              ))}
            </div>
            <FieldErrors id={fields.allowedRails.errorId} errors={fields.allowedRails.errors} />
            {tickedNotOffered.length > 0 && tickedNotOffered.join() !== savedNotOffered.join() ? (
              <p className="mt-3 text-sm text-amber-800" role="status">{notOfferedSentence(tickedNotOffered, ticked)}</p>
            ) : null}
          </fieldset>
          <div className="mt-5 max-w-xs">
            <SelectField
              meta={fields.defaultRail}
              label="Default rail"
              help="Pre-selected at checkout; must be one of the allowed rails."
              options={PAYMENT_RAILS.map((r) => ({ value: r, label: RAIL_LABELS[r] ?? r }))}
            />
          </div>
        </Card>

        <Card title="When escrow is required" description="Orders matching either rule can only be paid with escrow. Leave empty for no rule.">
          <div className="grid gap-5 sm:grid-cols-2">
            <TextField
              meta={fields.escrowRequiredAboveAmount}
              label="Order total above"
              inputMode="decimal"
              placeholder="250.00"
              addon={<span className="shrink-0 text-sm text-gray-500">{currency}</span>}
              help="A plain amount, like 250 or 99.90."
            />
            <TextField
              meta={fields.escrowRequiredForCategories}
              label="Product categories"
              placeholder="electronics, jewellery"
              help="Separate categories with commas."
            />
          </div>
        </Card>

        <Card title="Buyer disclosure" description="What buyers are told before paying without escrow.">
          <fieldset className="min-w-0">
            <legend className="sr-only">Disclosure mode</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              {getCollectionProps(fields.buyerDisclosureMode, { type: "radio", options: DISCLOSURE.map((d) => d.value) }).map(({ key, ...props }) => {
                const d = DISCLOSURE.find((x) => x.value === props.value)!;
                return (
                  <label
                    key={key}
                    htmlFor={props.id}
                    className="flex cursor-pointer gap-3 rounded-lg border border-gray-200 p-4 has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50/40 has-[:disabled]:cursor-default"
                  >
                    <input {...props} className="mt-0.5 h-4 w-4 accent-indigo-600" />
                    <span>
                      <span className="block text-sm font-medium text-gray-900">{d.label}</span>
                      <span className="mt-0.5 block text-xs text-gray-600">{d.text}</span>
                    </span>
                  </label>
                );
              })}
            </div>
            <FieldErrors id={fields.buyerDisclosureMode.errorId} errors={fields.buyerDisclosureMode.errors} />
          </fieldset>
        </Card>
      </fieldset>
      <div className="flex items-center justify-between gap-3">
        <p className="text-xs text-gray-500">Last changed {formatDate(policy.updatedAt)}</p>
        {canEdit ? <Button type="submit" disabled={busy}>{busy ? "Saving…" : "Save payment policy"}</Button> : null}
      </div>
    </Form>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
