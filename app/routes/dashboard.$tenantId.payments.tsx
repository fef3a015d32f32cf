import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getCollectionProps, getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { PAYMENT_RAILS } from "#server/tenancy/shared.ts";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { PayoutAddressCard } from "#app/components/payments/payout-address-card.tsx";
import { StripeSection } from "#app/components/payments/stripe-section.tsx";
import { policyFormSchema } from "#app/components/payments/policy-form-schema.ts";
import { Button, ReloadLink } from "#app/components/ui/button.tsx";
import { CheckboxField, FieldErrors, FormErrors, SelectField, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card, formatDate, useSavedNotice } from "#app/components/ui/page.tsx";
import { notOfferedSentence, RAIL_HELP, RAIL_LABELS } from "#app/components/ui/rails.ts";
import { requireParam } from "#app/utils/params.ts";
import { loadPaymentsPage, saveInvoiceInstructions, savePaymentPolicy } from "./dashboard.$tenantId.payments.server.ts";
import { INVOICE_INTENT, InvoiceInstructionsCard, invoiceFormSchema } from "#app/components/payments/invoice-instructions-card.tsx";
import { FeeStatementsCard } from "#app/components/payments/fee-statements-card.tsx";

const DISCLOSURE = [
  { value: "strict", label: "Strict", text: "Before paying without escrow, buyers must tick that they understand they are not protected." },
  { value: "plain", label: "Plain", text: "Buyers see which protection applies, with no extra step." },
] as const;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "policy.read", operator: false });
  return { ...(await loadPaymentsPage(context, tenantId)), canEdit: can(roles, "policy.edit") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "policy.edit", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  if (formData.get("intent") === INVOICE_INTENT) return invoiceAction(context, tenantId, formData);
  const submission = parseWithZod(formData, { schema: policyFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), saved: false, notOffered: [] as string[], allowed: [] as string[] }, { status: 400 });
  const saved = await savePaymentPolicy(context, tenantId, submission, submission.value);
  return json({ ...saved, allowed: submission.value.allowedRails as string[] }, { status: saved.saved ? 200 : 400 });
}

async function invoiceAction(context: ActionFunctionArgs["context"], tenantId: string, formData: FormData) {
  const clear = formData.get("clear") === "1";
  const submission = parseWithZod(formData, { schema: clear ? invoiceFormSchema.pick({ version: true }) : invoiceFormSchema });
  if (submission.status !== "success") return json({ invoice: { result: submission.reply(), saved: false } }, { status: 400 });
  const v = submission.value as { version: number; instructions?: Parameters<typeof saveInvoiceInstructions>[3]["instructions"] };
  const invoice = await saveInvoiceInstructions(context, tenantId, submission, { version: v.version, instructions: clear ? null : v.instructions ?? null });
  return json({ invoice }, { status: invoice.saved ? 200 : 400 });
}

export default function PaymentsPage() {
  const page = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <PolicyForm />
      <InvoiceInstructionsCard
        version={page.policy.version} instructions={page.policy.invoiceInstructions} canEdit={page.canEdit} allowed={page.policy.allowedRails.includes("manual_invoice")}
      />
      <FeeStatementsCard statements={page.feeStatements} />
    </div>
  );
}

function PolicyForm() {
  const page = useLoaderData<typeof loader>();
  const { policy, configuredRails, currency, canEdit } = page;
  const reply = useActionData<typeof action>();
  // The bank-details form answers under `invoice`; this form's reply is the other shape.
  const actionData = reply && "result" in reply ? reply : undefined;
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
      payoutAddress: policy.payoutAddress ?? "",
      invoiceShowPlatformFee: policy.invoiceShowPlatformFee,
      invoiceShowTxHash: policy.invoiceShowTxHash,
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
    <div className="space-y-6">
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

        <PayoutAddressCard page={page} meta={fields.payoutAddress} />

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

        <Card title="Invoices" description="Buyers get a PDF invoice once they pay, and a credit note if they are refunded.">
          <div className="space-y-3">
            <CheckboxField meta={fields.invoiceShowPlatformFee} label="Show the platform fee" help="As a line of the total: the buyer pays the same either way." />
            <CheckboxField
              meta={fields.invoiceShowTxHash}
              label="Show the on-chain transaction hash"
              help="For orders paid on chain. The hash identifies the buyer's wallet to anyone who sees the invoice."
            />
          </div>
        </Card>
      </fieldset>
      <div className="flex items-center justify-between gap-3">
        <p className="text-xs text-gray-500">Last changed {formatDate(policy.updatedAt)}</p>
        {canEdit ? <Button type="submit" disabled={busy}>{busy ? "Saving…" : "Save payment policy"}</Button> : null}
      </div>
    </Form>
    <StripeSection />
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
