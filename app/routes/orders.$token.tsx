import { json, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { BuyerShipment } from "#app/components/orders/buyer-shipment.tsx";
import { BuyerRefunds } from "#app/components/orders/buyer-refunds.tsx";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { useVisibleInterval } from "#app/components/ui/use-visible-interval.ts";
import { CardIcon, ShieldIcon } from "#app/components/storefront/icons.tsx";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { ShopLayout } from "#app/components/storefront/shop-layout.tsx";
import { WalletPayPanel } from "#app/components/storefront/wallet-pay-panel.tsx";
import { useShop } from "#app/components/storefront/shop.ts";
import { primaryButton, secondaryButton } from "#app/components/storefront/styles.ts";
import { loadBuyerOrder, openBuyerDispute, openDigitalContent, reissueBuyerCode, sandboxPayOrder, type BuyerOrderPage } from "./orders.$token.server.ts";
import { DigitalContent } from "#app/components/storefront/digital-content.tsx";
import { InvoicePanel } from "#app/components/storefront/invoice-panel.tsx";

const POLL_MS = 3_000;
/** The wallet panel stays mounted from payment to funding, so a buyer sees their own payment confirmed in place. */
const WALLET_SHOWN = ["pending_payment", "escrow_funded", "paid"];

const disputeSchema = z.object({
  intent: z.literal("dispute"),
  reason: z.string({ error: "Tell us what went wrong." }).trim().min(3, "Tell us a little more about what went wrong.").max(2000, "Keep it under 2,000 characters."),
});

// The link is the buyer's key to the order: never cached by a browser or a proxy.
export const headers: HeadersFunction = () => ({ "Cache-Control": "private, no-store" });

export const meta: MetaFunction = (args) => shopMeta(args, { title: "Your order", noindex: true });

export async function loader({ context, params }: LoaderFunctionArgs) {
  return loadBuyerOrder(context, params.token ?? "");
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const formData = await request.formData();
  if (formData.get("intent") === "sandbox-pay") {
    const { error } = await sandboxPayOrder(context, token);
    return json({ intent: "sandbox-pay", error, result: null }, { status: error ? 409 : 200 });
  }
  if (formData.get("intent") === "open-digital") {
    const { error } = await openDigitalContent(context, token);
    return json({ intent: "open-digital", error, result: null }, { status: error ? 409 : 200 });
  }
  if (formData.get("intent") === "reissue-code") {
    const { error } = await reissueBuyerCode(context, token);
    return json({ intent: "reissue-code", error, result: null }, { status: error ? 409 : 200 });
  }
  const submission = parseWithZod(formData, { schema: disputeSchema });
  if (submission.status !== "success") return json({ intent: "dispute", error: null, result: submission.reply() }, { status: 400 });
  const { error } = await openBuyerDispute(context, token, submission.value.reason);
  const result = error ? submission.reply({ formErrors: [error] }) : submission.reply({ resetForm: true });
  return json({ intent: "dispute", error, result }, { status: error ? 409 : 200 });
}

/** Re-runs the loader every few seconds while the order can still change; paused while the tab is hidden. */
function usePollWhileOpen(open: boolean) {
  const revalidator = useRevalidator();
  const busy = useNavigation().state !== "idle";
  useVisibleInterval(() => {
    if (revalidator.state === "idle" && !busy) revalidator.revalidate();
  }, POLL_MS, open);
}

export default function OrderPage() {
  const order = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const shop = useShop();
  usePollWhileOpen(!order.final);
  if (!shop) return null;
  const escrow = order.rail === "escrow";
  return (
    <ShopLayout shop={shop}>
      <div className="mx-auto max-w-3xl px-4 pt-8 sm:pt-12">
        <p className="text-sm font-medium text-gray-600">
          Order <span className="font-mono font-semibold text-gray-900">#{order.number}</span> · placed {order.placedAt}
        </p>
        <h1 data-testid="order-status" data-status={order.status} className="mt-2 text-3xl font-extrabold tracking-tight text-gray-900 sm:text-4xl">
          {order.headline.title}
        </h1>
        <p className="mt-2 text-lg text-gray-700">{order.headline.text}</p>
        <p role="status" className="sr-only">Order status: {order.headline.title}</p>
        <p
          data-testid="protection-label"
          className={`mt-4 inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm font-semibold ${escrow ? "bg-emerald-50 text-emerald-900 ring-1 ring-emerald-200" : "bg-gray-100 text-gray-900"}`}
        >
          {escrow ? <ShieldIcon className="size-4" /> : <CardIcon className="size-4" />}
          {order.protection}
        </p>
        {order.card?.testMode ? (
          <p data-testid="test-mode-badge" className="mt-2 inline-block rounded bg-amber-200 px-2 py-1 text-xs font-bold uppercase text-amber-950">Test mode — no real card is charged</p>
        ) : null}

        {actionData?.intent === "sandbox-pay" && actionData.error ? (
          <p role="alert" className="mt-6 rounded-2xl bg-red-50 px-4 py-3 font-medium text-red-900 ring-1 ring-red-200">{actionData.error}</p>
        ) : null}
        {order.status === "pending_payment" && !order.payment ? <PaymentPanel order={order} /> : null}
        {order.payment && WALLET_SHOWN.includes(order.status) ? <WalletPayPanel status={order.status} payment={order.payment} addChain={order.addChain} payBy={order.payBy} /> : null}
        {order.deliveryCode ? <DeliveryCode code={order.deliveryCode} escrow={escrow} canReissue={order.canReissueCode} /> : null}

        <DigitalContent content={order.digital} error={actionData?.intent === "open-digital" ? actionData.error : null} />
        <BuyerShipment shipment={order.shipment} />
        <BuyerRefunds refunds={order.refunds} />
        <Timeline steps={order.timeline} />
        <Summary order={order} />
        {order.canDispute ? <DisputeForm /> : null}
        {order.dispute ? (
          <p className="mt-8 rounded-2xl bg-amber-50 px-4 py-3 text-amber-950 ring-1 ring-amber-200">
            Dispute opened {order.dispute.openedAt}
            {order.dispute.status === "open" ? " — under review." : ` — resolved (${order.dispute.resolution === "refund" ? "refunded to you" : "paid to the shop"}).`}
          </p>
        ) : null}
      </div>
    </ShopLayout>
  );
}

function PaymentPanel({ order }: { order: BuyerOrderPage }) {
  const navigation = useNavigation();
  const paying = navigation.state !== "idle" && navigation.formData?.get("intent") === "sandbox-pay";
  return (
    <section aria-labelledby="pay-heading" className="mt-8 rounded-3xl bg-gray-50 p-6 ring-1 ring-gray-200">
      <h2 id="pay-heading" className="text-lg font-bold text-gray-900">Payment</h2>
      {order.invoice ? <InvoicePanel invoice={order.invoice} /> : order.paymentInstructions ? <p className="mt-2 text-gray-700">{order.paymentInstructions}</p> : null}
      {order.payBy ? <p className="mt-2 text-sm text-gray-700">Pay by {order.payBy}.</p> : null}
      {order.card?.payUrl ? (
        <p className="mt-4">
          <a href={order.card.payUrl} data-testid="card-pay" className={primaryButton}>Pay by card · {order.totalLabel}</a>
        </p>
      ) : null}
      {order.sandboxPay ? (
        <Form method="post" className="mt-4">
          <button type="submit" name="intent" value="sandbox-pay" disabled={paying} className={primaryButton}>
            {paying ? "Paying…" : `Pay with sandbox · ${order.totalLabel}`}
          </button>
          <p className="mt-2 text-sm text-gray-600">Test mode: no real money moves.</p>
        </Form>
      ) : null}
    </section>
  );
}

function DeliveryCode({ code, escrow, canReissue }: { code: NonNullable<BuyerOrderPage["deliveryCode"]>; escrow: boolean; canReissue: boolean }) {
  const actionData = useActionData<typeof action>();
  const reissuing = useNavigation().formData?.get("intent") === "reissue-code";
  return (
    <section aria-labelledby="code-heading" className="mt-8 rounded-3xl bg-brand p-6 text-brand-fg shadow-sm sm:p-8">
      <h2 id="code-heading" className="text-lg font-bold">Your delivery code</h2>
      <p data-testid="delivery-code" className="mt-3 font-mono text-5xl font-extrabold tracking-[0.3em] sm:text-6xl">{code.code}</p>
      <p className="mt-4 text-lg font-semibold">Give this code to the courier or the shop only on delivery, once your order is in your hands.</p>
      <p className="mt-1">
        Entering it confirms that you received your order{escrow ? ", and your payment is then released to the shop" : ""}. Never share it before.
      </p>
      {code.usable ? (code.expiresAt ? <p className="mt-3 text-sm">Valid until {code.expiresAt}.</p> : null) : (
        <p data-testid="delivery-code-locked" className="mt-3 font-semibold">This code no longer works (too many wrong entries, or it expired). Get a new one below.</p>
      )}
      {canReissue ? (
        <Form method="post" className="mt-4">
          <button type="submit" name="intent" value="reissue-code" disabled={reissuing} className="rounded-full bg-white/15 px-4 py-2 text-sm font-semibold ring-1 ring-inset ring-current hover:bg-white/25">
            {reissuing ? "Making a new code…" : "Get a new code"}
          </button>
          <p className="mt-2 text-sm">The code above stops working; the shop is told that you have a new one.</p>
        </Form>
      ) : null}
      {actionData?.intent === "reissue-code" && actionData.error ? <p role="alert" className="mt-3 font-semibold">{actionData.error}</p> : null}
    </section>
  );
}

function Timeline({ steps }: { steps: BuyerOrderPage["timeline"] }) {
  return (
    <section aria-labelledby="timeline-heading" className="mt-10">
      <h2 id="timeline-heading" className="text-lg font-bold text-gray-900">Progress</h2>
      <ol role="list" className="mt-4 space-y-0" data-testid="order-timeline">
        {steps.map((s, i) => (
          <li key={s.label} data-state={s.state} aria-current={s.state === "current" ? "step" : undefined} className="relative flex gap-4 pb-6 last:pb-0">
            {i < steps.length - 1 ? <span aria-hidden="true" className={`absolute left-[11px] top-6 h-full w-0.5 ${steps[i + 1]!.state === "upcoming" ? "bg-gray-200" : "bg-gray-900"}`} /> : null}
            <span
              aria-hidden="true"
              className={`relative mt-0.5 grid size-6 shrink-0 place-items-center rounded-full text-xs font-bold ${
                s.alert ? "bg-amber-500 text-white" : s.state === "upcoming" ? "bg-white ring-2 ring-gray-300" : s.state === "current" ? "bg-accent ring-4 ring-accent/30" : "bg-gray-900 text-white"
              }`}
            >
              {s.alert ? "!" : s.state === "done" ? "✓" : ""}
            </span>
            <div>
              <p className={`font-semibold ${s.state === "upcoming" ? "text-gray-600" : "text-gray-900"}`}>
                {s.label}
                {s.state === "current" ? <span className="sr-only"> (current step)</span> : s.state === "upcoming" ? <span className="sr-only"> (not yet)</span> : null}
              </p>
              {s.at ? <p className="text-sm text-gray-600">{s.at}</p> : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Summary({ order }: { order: BuyerOrderPage }) {
  return (
    <section aria-labelledby="items-heading" className="mt-10 rounded-3xl bg-gray-50 p-6 ring-1 ring-gray-200">
      <h2 id="items-heading" className="text-lg font-bold text-gray-900">Items</h2>
      <ul role="list" className="mt-3 divide-y divide-gray-200">
        {order.lines.map((l) => (
          <li key={l.itemId} className="flex justify-between gap-4 py-3">
            <span className="min-w-0">
              <span className="block font-semibold text-gray-900">{l.title}</span>
              <span className="text-sm text-gray-600">{l.quantity} × {l.unitPriceLabel}</span>
            </span>
            <span className="font-semibold text-gray-900">{l.lineTotalLabel}</span>
          </li>
        ))}
      </ul>
      <dl className="mt-2 space-y-2 border-t border-gray-200 pt-3">
        {order.parts ? (
          <>
            <div className="flex justify-between text-gray-700"><dt>Subtotal</dt><dd>{order.parts.subtotalLabel}</dd></div>
            {order.parts.shipping ? (
              <div className="flex justify-between gap-4 text-gray-700">
                <dt>Shipping{order.parts.shipping.method ? <span className="block text-sm text-gray-600">{order.parts.shipping.method}</span> : null}</dt>
                <dd data-testid="order-shipping">{order.parts.shipping.label}</dd>
              </div>
            ) : null}
            {order.parts.tax ? (
              <div className="flex justify-between text-gray-700">
                <dt>{order.parts.tax.included ? "Tax (included)" : "Tax"}</dt><dd data-testid="order-tax">{order.parts.tax.label}</dd>
              </div>
            ) : null}
          </>
        ) : null}
        <div className="flex justify-between text-lg font-bold text-gray-900">
          <dt>Total</dt>
          <dd data-testid="order-total">{order.totalLabel}</dd>
        </div>
        <div className="flex justify-between text-gray-700">
          <dt>Payment method</dt>
          <dd data-testid="order-rail">{order.railName}</dd>
        </div>
      </dl>
      {order.documents.invoice || order.documents.creditNote ? (
        <p className="mt-4 flex flex-wrap gap-3 border-t border-gray-200 pt-4">
          {order.documents.invoice ? (
            <a href={order.documents.invoice.href} download data-testid="download-invoice" className={secondaryButton}>
              Download invoice <span className="sr-only">{order.documents.invoice.number}</span> (PDF)
            </a>
          ) : null}
          {order.documents.creditNote ? (
            <a href={order.documents.creditNote.href} download data-testid="download-credit-note" className={secondaryButton}>
              Download credit note (PDF)
            </a>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}

function DisputeForm() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const sending = navigation.state !== "idle" && navigation.formData?.get("intent") === "dispute";
  const [form, fields] = useForm({
    id: "dispute",
    lastResult: actionData?.intent === "dispute" ? actionData.result : undefined,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: disputeSchema }),
  });
  const { key, ...reason } = getTextareaProps(fields.reason);
  return (
    <section aria-labelledby="dispute-heading" className="mt-10 border-t border-gray-200 pt-8">
      <h2 id="dispute-heading" className="text-lg font-bold text-gray-900">Problem with your order?</h2>
      <p className="mt-1 text-gray-700">Open a dispute and the platform keeps your payment on hold while it looks into it.</p>
      <Form method="post" {...getFormProps(form)} className="mt-4 space-y-3">
        <input type="hidden" name="intent" value="dispute" />
        {form.errors?.length ? <p id={form.errorId} role="alert" className="rounded-2xl bg-red-50 px-4 py-3 font-medium text-red-900 ring-1 ring-red-200">{form.errors.join(" ")}</p> : null}
        <div>
          <label htmlFor={fields.reason.id} className="block text-sm font-semibold text-gray-900">What went wrong?</label>
          <textarea
            key={key}
            {...reason}
            rows={3}
            className="mt-1.5 block w-full rounded-xl border-0 px-3.5 py-2.5 text-gray-900 shadow-sm ring-1 ring-inset ring-gray-300 focus:outline-none focus:ring-2 focus:ring-inset focus:ring-gray-900 aria-[invalid=true]:ring-red-500"
          />
          {fields.reason.errors?.length ? <p id={fields.reason.errorId} className="mt-1.5 text-sm font-medium text-red-700">{fields.reason.errors.join(" ")}</p> : null}
        </div>
        <button type="submit" disabled={sending} className={secondaryButton}>{sending ? "Opening…" : "Open a dispute"}</button>
      </Form>
    </section>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary } from "#app/components/storefront/error-page.tsx";
