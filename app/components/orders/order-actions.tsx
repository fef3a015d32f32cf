/** The order page's "Next step" card: ship, confirm delivery with the buyer's code, or mark an invoice paid. */
import { Form, useNavigation } from "@remix-run/react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import type { MerchantOrderView } from "#app/routes/dashboard.$tenantId.orders.$orderId.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, SelectField, TextareaField, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card } from "#app/components/ui/page.tsx";

type Order = MerchantOrderView["order"];
type Reply = SubmissionResult<string[]> | undefined;
/** What the page's action answers. */
export type OrderPageReply = { intent: string; result: SubmissionResult<string[]>; ok: boolean };

function useIntentForm(id: string, lastResult: Reply) {
  return useForm({ id, lastResult, shouldValidate: "onSubmit" });
}

function ShipForm({ lastResult, carriers }: { lastResult: Reply; carriers: MerchantOrderView["carriers"] }) {
  const busy = useNavigation().formData?.get("intent") === "ship";
  const [form, fields] = useIntentForm("order-ship", lastResult);
  const options = [{ value: "", label: "No tracking" }, ...carriers.map((c) => ({ value: c.code, label: c.name }))];
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3">
      <CsrfInput />
      <input type="hidden" name="intent" value="ship" />
      <p className="text-sm text-gray-600">Once it is on its way, mark it shipped. The buyer then sees a 6-digit delivery code on their order page, with the tracking link if you add one.</p>
      <FormErrors id={form.errorId} errors={form.errors} />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <SelectField meta={fields.carrier} label="Carrier" options={options} />
        <TextField meta={fields.trackingNumber} label="Tracking number" autoComplete="off" maxLength={64} optional />
        <TextField meta={fields.carrierName} label="Carrier name" maxLength={80} optional help="Only for “Other”." />
        <TextField meta={fields.trackingUrl} label="Tracking link" type="url" maxLength={500} optional help="Only for “Other” (https)." />
      </div>
      <Button type="submit" disabled={busy} aria-busy={busy}>Mark shipped</Button>
    </Form>
  );
}

function DeliveryCodeForm({ lastResult }: { lastResult: Reply }) {
  const busy = useNavigation().formData?.get("intent") === "deliver";
  const [form, fields] = useIntentForm("order-deliver", lastResult);
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3">
      <CsrfInput />
      <input type="hidden" name="intent" value="deliver" />
      <FormErrors id={form.errorId} errors={form.errors} />
      <div className="flex flex-wrap items-start gap-3">
        <TextField
          meta={fields.code}
          label="Delivery code"
          inputMode="numeric"
          autoComplete="off"
          pattern="\d{6}"
          maxLength={6}
          required
          placeholder="6 digits"
          className="w-full max-w-xs"
          help="The buyer reads it from their order page when the parcel arrives."
        />
        <Button type="submit" disabled={busy} aria-busy={busy} className="sm:mt-[1.625rem]">Confirm delivery</Button>
      </div>
    </Form>
  );
}

function MarkPaidForm({ lastResult }: { lastResult: Reply }) {
  const busy = useNavigation().formData?.get("intent") === "mark_paid";
  const [form, fields] = useIntentForm("order-mark-paid", lastResult);
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3">
      <CsrfInput />
      <input type="hidden" name="intent" value="mark_paid" />
      <FormErrors id={form.errorId} errors={form.errors} />
      <TextareaField
        meta={fields.evidenceNote}
        label="Evidence note"
        rows={3}
        required
        placeholder="e.g. Bank transfer received, reference 2024-118, 40.00 USD"
        help="Where and how the payment arrived. It is kept with the order and in the audit log."
      />
      <Button type="submit" disabled={busy} aria-busy={busy}>Mark paid</Button>
    </Form>
  );
}

function CancelForm({ lastResult }: { lastResult: Reply }) {
  const busy = useNavigation().formData?.get("intent") === "cancel";
  const [form, fields] = useIntentForm("order-cancel", lastResult);
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3 border-t border-gray-100 pt-4">
      <CsrfInput />
      <input type="hidden" name="intent" value="cancel" />
      <FormErrors id={form.errorId} errors={form.errors} />
      <TextareaField meta={fields.reason} label="Cancel and refund" rows={2} required placeholder="e.g. Out of stock at the supplier"
        help="Not shipped yet? Cancelling returns the stock and refunds the buyer in full. The reason is kept in the audit log." />
      <Button type="submit" variant="danger" disabled={busy} aria-busy={busy}>Cancel order and refund</Button>
    </Form>
  );
}

const DONE: Record<string, string> = {
  cancel: "Order cancelled. The stock is back and the buyer is refunded.",
  ship: "Marked shipped. The buyer's order page now shows the delivery code.",
  deliver: "Delivery confirmed.",
  mark_paid: "Marked paid. The evidence note is recorded.",
};

export function ActionsCard({ order, can, carriers, reply }: { order: Order; can: MerchantOrderView["can"]; carriers: MerchantOrderView["carriers"]; reply: OrderPageReply | undefined }) {
  const last = (intent: string) => (reply?.intent === intent ? reply.result : undefined);
  const any = can.ship || can.enterCode || can.markPaid || can.cancel;
  const waiting = ["escrow_funded", "paid", "fulfilling"].includes(order.status) || (order.rail === "manual_invoice" && order.status === "pending_payment");
  const done = reply?.ok ? DONE[reply.intent] : null;
  if (!any && !done && !waiting) return null;
  return (
    <Card title="Next step">
      <div className="space-y-4">
        {done ? <Alert tone="success">{done}</Alert> : null}
        {can.ship ? <ShipForm lastResult={last("ship")} carriers={carriers} /> : null}
        {can.enterCode ? <DeliveryCodeForm lastResult={last("deliver")} /> : null}
        {can.markPaid ? <MarkPaidForm lastResult={last("mark_paid")} /> : null}
        {can.cancel ? <CancelForm lastResult={last("cancel")} /> : null}
        {!any && waiting ? (
          <p className="text-sm text-gray-600">
            {order.status === "pending_payment"
              ? "Owners and finance members mark invoices paid."
              : "Owners and managers ship orders and confirm delivery. You can follow the order here."}
          </p>
        ) : null}
      </div>
    </Card>
  );
}
