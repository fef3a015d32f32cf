import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator, type ShouldRevalidateFunction } from "@remix-run/react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Amount } from "#app/components/orders/amount.tsx";
import { LedgerSummary, LedgerTable } from "#app/components/orders/ledger-table.tsx";
import { OrderMoneySummary } from "#app/components/orders/order-money.tsx";
import { EscrowBadge, isFinalOrderStatus, OrderStatusBadge, shortOrderId } from "#app/components/orders/order-status.tsx";
import { StatusTimeline } from "#app/components/orders/status-timeline.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, TextareaField, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card, formatDate } from "#app/components/ui/page.tsx";
import { RAIL_LABELS } from "#app/components/ui/rails.ts";
import { useVisibleInterval } from "#app/components/ui/use-visible-interval.ts";
import { loadMerchantOrder, runOrderAction } from "./dashboard.$tenantId.orders.$orderId.server.ts";
import { requireParam } from "#app/utils/params.ts";

const REFRESH_MS = 5000;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Order #${shortOrderId(data.order.id)} — Storefront` : "Order — Storefront" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "orders.read", operator: false });
  return loadMerchantOrder(context, tenantId, params.orderId, roles);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "orders.read", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const { intent, result, status } = await runOrderAction(context, tenantId, requireParam(params, "orderId"), roles, formData);
  return json({ intent, result, ok: status === 200 }, { status });
}

/** A stale page (CONFLICT) or paused payments: reload so the buttons and the banner match the order again. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  actionStatus === 409 || actionStatus === 503 || defaultShouldRevalidate;

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Order = Data["order"];
type Reply = SubmissionResult<string[]> | undefined;

/** Reloads the order every few seconds while something can still happen to it (a release, a dispute, a payment). */
function useLiveOrder(final: boolean) {
  const revalidator = useRevalidator();
  const busy = useNavigation().state !== "idle";
  const visible = useVisibleInterval(() => {
    if (revalidator.state === "idle" && !busy) revalidator.revalidate();
  }, REFRESH_MS, !final);
  return { paused: !final && !visible };
}

function useIntentForm(id: string, lastResult: Reply) {
  return useForm({ id, lastResult, shouldValidate: "onSubmit" });
}

function ShipForm({ lastResult }: { lastResult: Reply }) {
  const busy = useNavigation().formData?.get("intent") === "ship";
  const [form] = useIntentForm("order-ship", lastResult);
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3">
      <CsrfInput />
      <input type="hidden" name="intent" value="ship" />
      <p className="text-sm text-gray-600">Once it is on its way, mark it shipped. The buyer then sees a 6-digit delivery code on their order page.</p>
      <FormErrors id={form.errorId} errors={form.errors} />
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

const DONE: Record<string, string> = {
  ship: "Marked shipped. The buyer's order page now shows the delivery code.",
  deliver: "Delivery confirmed.",
  mark_paid: "Marked paid. The evidence note is recorded.",
};

function ActionsCard({ order, can }: { order: Order; can: Data["can"] }) {
  const reply = useActionData<typeof action>();
  const last = (intent: string) => (reply?.intent === intent ? reply.result : undefined);
  const any = can.ship || can.enterCode || can.markPaid;
  const waiting = ["escrow_funded", "paid", "fulfilling"].includes(order.status) || (order.rail === "manual_invoice" && order.status === "pending_payment");
  const done = reply?.ok ? DONE[reply.intent] : null;
  if (!any && !done && !waiting) return null;
  return (
    <Card title="Next step">
      <div className="space-y-4">
        {done ? <Alert tone="success">{done}</Alert> : null}
        {can.ship ? <ShipForm lastResult={last("ship")} /> : null}
        {can.enterCode ? <DeliveryCodeForm lastResult={last("deliver")} /> : null}
        {can.markPaid ? <MarkPaidForm lastResult={last("mark_paid")} /> : null}
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

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_1fr] gap-3 py-2 text-sm">
      <dt className="text-gray-500">{label}</dt>
      <dd className="min-w-0 break-words text-gray-900">{children}</dd>
    </div>
  );
}

function ItemsCard({ order }: { order: Order }) {
  const c = order.currency;
  return (
    <Card title="Items">
      <div className="-mx-5 -my-4 overflow-x-auto">
        <table className="min-w-full text-sm">
          <thead className="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
            <tr>
              <th scope="col" className="px-5 py-2">Item</th>
              <th scope="col" className="px-3 py-2 text-right">Qty</th>
              <th scope="col" className="px-3 py-2 text-right">Unit price</th>
              <th scope="col" className="px-5 py-2 text-right">Line total</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {order.lines.map((l) => (
              <tr key={l.itemId}>
                <td className="px-5 py-2.5 text-gray-900">
                  {l.title} {l.kind === "digital" ? <Badge tone="indigo">Digital</Badge> : null}
                </td>
                <td className="px-3 py-2.5 text-right tabular-nums">{l.quantity}</td>
                <td className="px-3 py-2.5 text-right"><Amount value={l.unitPrice} currency={c} /></td>
                <td className="px-5 py-2.5 text-right"><Amount value={l.lineTotal} currency={c} /></td>
              </tr>
            ))}
          </tbody>
          <tfoot className="border-t border-gray-200 text-gray-700">
            <tr>
              <th scope="row" colSpan={3} className="px-5 pt-3 pb-1 text-right font-normal">Subtotal</th>
              <td className="px-5 pt-3 pb-1 text-right"><Amount value={order.subtotal} currency={c} /></td>
            </tr>
            <tr>
              <th scope="row" colSpan={3} className="px-5 pt-1 pb-3 text-right font-semibold text-gray-900">Total paid by the buyer</th>
              <td className="px-5 pt-1 pb-3 text-right font-semibold text-gray-900"><Amount value={order.total} currency={c} /></td>
            </tr>
          </tfoot>
        </table>
      </div>
    </Card>
  );
}

function PaymentCard({ order }: { order: Order }) {
  return (
    <Card title="Payment and buyer">
      <dl className="-my-2 divide-y divide-gray-100">
        <Row label="Rail">{RAIL_LABELS[order.rail] ?? order.rail}</Row>
        <Row label="Protection">
          <span className="flex items-start gap-2">
            <span aria-hidden className={`mt-1.5 size-2 shrink-0 rounded-full ${order.rail === "escrow" ? "bg-emerald-500" : "bg-amber-500"}`} />
            <span className={order.rail === "escrow" ? "font-medium text-emerald-800" : "font-medium text-amber-900"}>{order.protection}</span>
          </span>
          {order.acknowledgedNoEscrow && order.rail !== "escrow" ? <p className="mt-1 text-xs text-gray-500">The buyer acknowledged that there is no escrow protection.</p> : null}
        </Row>
        {order.expiresAt ? <Row label="Pay by">{formatDate(order.expiresAt)}</Row> : null}
        {order.paidAt ? <Row label="Paid">{formatDate(order.paidAt)}</Row> : null}
        {order.evidenceNote ? <Row label="Evidence note">{order.evidenceNote}</Row> : null}
        <Row label="Buyer email"><a href={`mailto:${order.email}`} className="text-indigo-700 hover:underline">{order.email}</a></Row>
        <Row label="Ship to">
          {order.address ? (
            <address className="not-italic">
              {order.address.name}<br />
              {order.address.line1}<br />
              {order.address.line2 ? <>{order.address.line2}<br /></> : null}
              {order.address.postalCode} {order.address.city}{order.address.region ? `, ${order.address.region}` : ""}<br />
              {order.address.country}
            </address>
          ) : (
            <span className="text-gray-500">No shipping address (digital items)</span>
          )}
        </Row>
      </dl>
    </Card>
  );
}

function EscrowCard({ order }: { order: Order }) {
  const e = order.escrow;
  if (!e) return null;
  const c = order.currency;
  return (
    <Card title="Escrow" actions={<EscrowBadge status={e.status} />}>
      <dl className="-my-2 divide-y divide-gray-100" data-testid="escrow">
        <Row label="Held"><Amount value={e.amount} currency={c} /> <span className="text-xs text-gray-500">since {formatDate(e.heldAt)}</span></Row>
        {e.status === "released" && e.releasedAmount ? <Row label="Released"><Amount value={e.releasedAmount} currency={c} /></Row> : null}
        {e.status === "refunded" && e.refundedAmount ? <Row label="Refunded"><Amount value={e.refundedAmount} currency={c} /></Row> : null}
        {e.settledAt ? <Row label="Settled">{formatDate(e.settledAt)}</Row> : null}
      </dl>
      {e.status === "held" ? (
        <p className="mt-3 text-xs text-gray-500">
          {order.status === "delivered" && order.releaseAfter
            ? `Released to you after ${formatDate(order.releaseAfter)} unless the buyer opens a dispute.`
            : order.status === "disputed"
              ? "Frozen while the dispute is open."
              : "Released to you after the buyer's delivery code is confirmed and the grace period ends."}
        </p>
      ) : null}
    </Card>
  );
}

function DisputeCard({ order }: { order: Order }) {
  if (order.disputes.length === 0) return null;
  return (
    <Card title="Dispute">
      <ul className="-my-2 divide-y divide-gray-100">
        {order.disputes.map((d) => (
          <li key={d.id} className="space-y-1 py-2 text-sm" data-testid="dispute">
            <div className="flex flex-wrap items-center gap-2">
              {d.status === "open" ? <Badge tone="red">Open</Badge> : <Badge>Resolved</Badge>}
              <span className="text-xs text-gray-500">opened {formatDate(d.openedAt)}</span>
            </div>
            <p className="text-gray-800"><span className="text-gray-500">Buyer's reason:</span> {d.reason}</p>
            {d.status === "open" ? (
              <p className="text-xs text-gray-600">The platform's operators review it and either release the money to you or refund the buyer.</p>
            ) : (
              <p className="text-gray-800">
                {d.resolution === "release" ? "Released to the shop" : "Refunded to the buyer"}
                {d.resolvedAt ? <span className="text-xs text-gray-500"> · {formatDate(d.resolvedAt)}</span> : null}
              </p>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

export default function OrderPage() {
  const { order, ledger, can } = useLoaderData<typeof loader>();
  const final = isFinalOrderStatus(order.status);
  const { paused } = useLiveOrder(final);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <Link to=".." relative="path" className="text-sm font-medium text-gray-500 hover:text-gray-800">← All orders</Link>
          <div className="mt-1 flex flex-wrap items-center gap-3">
            <h2 className="font-mono text-xl font-semibold text-gray-900">Order #{shortOrderId(order.id)}</h2>
            <span data-testid="order-status"><OrderStatusBadge status={order.status} /></span>
          </div>
          <p className="mt-1 text-sm text-gray-500">
            Placed {formatDate(order.createdAt)} · <Amount value={order.total} currency={order.currency} /> · {RAIL_LABELS[order.rail] ?? order.rail}
          </p>
        </div>
        {final ? null : (
          <p className="flex items-center gap-2 text-xs text-gray-500" aria-live="polite">
            <span aria-hidden className={`size-2 rounded-full ${paused ? "bg-gray-300" : "animate-pulse bg-emerald-500"}`} />
            {paused ? "Updates paused while this tab is hidden." : "Updates automatically."}
          </p>
        )}
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <ActionsCard order={order} can={can} />
          <Card title="Money">
            <OrderMoneySummary order={order} />
          </Card>
          <ItemsCard order={order} />
          <Card title="Ledger" description="This order's postings in the platform's double-entry ledger.">
            <div className="space-y-4">
              <LedgerSummary postings={ledger} />
              {ledger.length > 0 ? (
                <details className="group" data-testid="ledger-details">
                  <summary className="cursor-pointer text-sm font-medium text-indigo-700 hover:text-indigo-600">Ledger details</summary>
                  <div className="mt-3">
                    <LedgerTable postings={ledger} />
                  </div>
                </details>
              ) : null}
            </div>
          </Card>
        </div>
        <div className="min-w-0 space-y-6">
          <PaymentCard order={order} />
          <EscrowCard order={order} />
          <DisputeCard order={order} />
          <Card title="Status history">
            <StatusTimeline events={order.timeline} />
          </Card>
        </div>
      </div>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
