/**
 * The Payments page's bank details for manual invoices (ADR 025): its own form (intent "invoice-instructions"), so
 * saving them never resubmits the rest of the policy. Without them the manual-invoice rail is not offered to buyers.
 */
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { invoiceInstructionsSchema, type InvoiceInstructions } from "#server/tenancy/shared.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, TextareaField, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card } from "#app/components/ui/page.tsx";

export const INVOICE_INTENT = "invoice-instructions";
export const invoiceFormSchema = z.object({ version: z.number().int().positive(), instructions: invoiceInstructionsSchema });

type Reply = { invoice?: { result: unknown; saved: boolean; cleared?: boolean } };

export function InvoiceInstructionsCard({ version, instructions, canEdit, allowed }: { version: number; instructions: InvoiceInstructions | null; canEdit: boolean; allowed: boolean }) {
  const reply = (useActionData() as Reply | undefined)?.invoice;
  const busy = useNavigation().formData?.get("intent") === INVOICE_INTENT;
  const [form, fields] = useForm({
    id: "invoice-instructions",
    lastResult: reply?.result as never,
    defaultValue: { instructions: instructions ?? { referenceFormat: "Order {reference}" } },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: invoiceFormSchema }),
  });
  const f = fields.instructions.getFieldset();
  return (
    <Card
      title="Manual invoice: your bank details"
      description="Buyers who pay by invoice see these on their order page, with the order's reference and copy buttons. Until they are set, checkout does not offer manual invoices."
    >
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <CsrfInput />
        <input type="hidden" name="intent" value={INVOICE_INTENT} />
        <input type="hidden" name="version" value={version} />
        {reply?.saved ? <Alert tone="success" title={reply.cleared ? "Bank details removed" : "Bank details saved"}>{reply.cleared ? "Manual invoices are no longer offered." : "Buyers who pay by invoice see them from now on."}</Alert> : null}
        {!instructions && allowed ? <Alert tone="warning">Manual invoice is allowed but not offered to buyers: add the bank details they should pay into.</Alert> : null}
        <FormErrors id={form.errorId} errors={form.errors} />
        <fieldset disabled={!canEdit} className="grid min-w-0 gap-4 sm:grid-cols-2">
          <TextField meta={f.accountHolder} label="Account holder" autoComplete="off" />
          <TextField meta={f.bankName} label="Bank" autoComplete="off" />
          <TextField meta={f.accountNumber} label="IBAN or account number" autoComplete="off" help="An IBAN is checked against its check digits." />
          <TextField meta={f.referenceFormat} label="Reference format" help="{reference} becomes the order's reference, e.g. Order {reference}." />
          <TextareaField meta={f.note} label="Note for buyers" optional className="sm:col-span-2" rows={3} maxLength={1000} help="Up to 1,000 characters, plain text." />
        </fieldset>
        {canEdit ? (
          <div className="flex flex-wrap justify-end gap-2">
            {instructions ? <Button type="submit" variant="secondary" name="clear" value="1" formNoValidate disabled={busy}>Remove bank details</Button> : null}
            <Button type="submit" disabled={busy}>{busy ? "Saving…" : "Save bank details"}</Button>
          </div>
        ) : null}
      </Form>
    </Card>
  );
}
