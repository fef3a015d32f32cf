/**
 * The order page's refunds (ADR 040): the merchant's refunds after delivery, and for owners and finance the form
 * that makes one — quantities of lines (priced at what the buyer paid) or an amount, with a reason.
 */
import { Form, useNavigation } from "@remix-run/react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import type { MerchantOrderView } from "#app/routes/dashboard.$tenantId.orders.$orderId.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, TextareaField, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card, formatDate } from "#app/components/ui/page.tsx";
import { Amount } from "./amount.tsx";

type Order = MerchantOrderView["order"];
type Reply = { intent: string; result: SubmissionResult<string[]>; ok: boolean } | undefined;

const SOURCE: Record<string, string> = { hold: "From the escrow hold", merchant: "Funded by the shop" };

function RefundForm({ order, refundKey, lastResult }: { order: Order; refundKey: string; lastResult: SubmissionResult<string[]> | undefined }) {
  const busy = useNavigation().formData?.get("intent") === "refund";
  const [form, fields] = useForm({ id: "order-refund", lastResult, shouldValidate: "onSubmit" });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3" data-testid="refund-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="refund" />
      <input type="hidden" name="key" value={refundKey} />
      <FormErrors id={form.errorId} errors={form.errors} />
      <p className="text-sm text-gray-600">
        Refund lines (enter quantities) or an amount. Up to <Amount value={order.refundable} currency={order.currency} /> is left to refund.
        {order.escrow?.status === "held" ? " The money comes from the escrow hold." : " The refund is funded from the shop's balance."}
      </p>
      <ul className="space-y-2">
        {order.lines.map((l, i) => (
          <li key={l.id} className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <input type="hidden" name={`lines[${i}].lineId`} value={l.id} />
            <label htmlFor={`refund-qty-${l.id}`} className="text-gray-700">{l.title} <span className="text-gray-500">(bought {l.quantity} × <Amount value={l.unitPrice} currency={order.currency} />)</span></label>
            <input id={`refund-qty-${l.id}`} name={`lines[${i}].quantity`} type="number" min={0} max={l.quantity} defaultValue={0} className="w-20 rounded-md border border-gray-300 px-2 py-1 text-sm" />
          </li>
        ))}
      </ul>
      <TextField meta={fields.amount} label={`Or an amount (${order.currency})`} inputMode="decimal" optional autoComplete="off" />
      <TextareaField meta={fields.reason} label="Reason" rows={2} required placeholder="e.g. Arrived damaged" help="Kept in the audit log; the buyer is told the amount." />
      <Button type="submit" variant="danger" disabled={busy} aria-busy={busy}>Refund</Button>
    </Form>
  );
}

export function RefundCard({ order, can, refundKey, reply }: { order: Order; can: MerchantOrderView["can"]; refundKey: string; reply: Reply }) {
  if (!can.refund && order.refunds.length === 0) return null;
  const done = reply?.intent === "refund" && reply.ok;
  return (
    <Card title="Refunds" description="Refunds after delivery, full or in part.">
      <div className="space-y-4">
        {done ? <Alert tone="success">Refunded. The buyer is told by mail.</Alert> : null}
        {order.refunds.length > 0 ? (
          <ul className="divide-y divide-gray-100 text-sm" data-testid="refund-list">
            {order.refunds.map((r) => (
              <li key={r.id} className="py-2">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-semibold text-gray-900"><Amount value={r.amount} currency={order.currency} /></span>
                  <span className="text-gray-500">{formatDate(r.createdAt)} · {SOURCE[r.source] ?? r.source}</span>
                </div>
                <p className="text-gray-700">{r.reason}</p>
                {r.lines ? <p className="text-gray-500">{r.lines.map((l) => `${l.quantity} × ${l.title}`).join(", ")}</p> : null}
              </li>
            ))}
          </ul>
        ) : null}
        {can.refund ? <RefundForm order={order} refundKey={refundKey} lastResult={reply?.intent === "refund" ? reply.result : undefined} /> : null}
      </div>
    </Card>
  );
}
