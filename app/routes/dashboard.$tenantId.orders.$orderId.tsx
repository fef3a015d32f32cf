import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useRevalidator, type ShouldRevalidateFunction } from "@remix-run/react";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { Amount } from "#app/components/orders/amount.tsx";
import { ChainActivity } from "#app/components/orders/chain-activity.tsx";
import { LedgerSummary, LedgerTable } from "#app/components/orders/ledger-table.tsx";
import { ActionsCard } from "#app/components/orders/order-actions.tsx";
import { DisputeCard, EscrowCard, ItemsCard, PaymentCard } from "#app/components/orders/order-details.tsx";
import { OrderMoneySummary } from "#app/components/orders/order-money.tsx";
import { RefundCard } from "#app/components/orders/refund-card.tsx";
import { isFinalOrderStatus, OrderStatusBadge, shortOrderId } from "#app/components/orders/order-status.tsx";
import { StatusTimeline } from "#app/components/orders/status-timeline.tsx";
import { Card, formatDate } from "#app/components/ui/page.tsx";
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

/** Reloads the order every few seconds while something can still happen to it (a release, a dispute, a payment). */
function useLiveOrder(final: boolean) {
  const revalidator = useRevalidator();
  const busy = useNavigation().state !== "idle";
  const visible = useVisibleInterval(() => {
    if (revalidator.state === "idle" && !busy) revalidator.revalidate();
  }, REFRESH_MS, !final);
  return { paused: !final && !visible };
}

export default function OrderPage() {
  const { order, ledger, chain, can, documents, carriers, digital, refundKey } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
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
          <ActionsCard order={order} can={can} carriers={carriers} reply={reply} />
          <Card title="Money">
            <OrderMoneySummary order={order} />
          </Card>
          <ItemsCard order={order} />
          {digital.length ? (
            <Card title="Digital delivery" description="What each digital line gave the buyer, and the downloads used of the line's limit.">
              <ul className="divide-y divide-gray-100 px-5 text-sm" data-testid="digital-downloads">
                {digital.map((d, i) => (
                  <li key={i} className="py-3">
                    <p className="font-medium text-gray-900">{d.title}</p>
                    <p className="text-gray-600">
                      {d.fileName ? `${d.fileName}: ${d.downloads} of ${d.downloadLimit} downloads used${d.lastDownloadAt ? ` (last ${formatDate(d.lastDownloadAt)})` : ""}` : "No file"}
                      {d.keysDrawn ? ` · ${d.keysDrawn} licence key${d.keysDrawn === 1 ? "" : "s"} given` : ""}
                      {d.linkUrl ? " · link given" : ""}
                      {d.openedAt ? ` · opened ${formatDate(d.openedAt)}` : ""}
                    </p>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
          <RefundCard order={order} can={can} refundKey={refundKey} reply={reply} />
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
          {documents.invoice || documents.creditNote ? (
            <Card title="Documents" description="Issued when the order was paid or refunded; the PDF never changes.">
              <ul className="space-y-2 text-sm">
                {[{ label: "Invoice", doc: documents.invoice, testId: "download-invoice" }, { label: "Credit note", doc: documents.creditNote, testId: "download-credit-note" }].map(({ label, doc, testId }) =>
                  doc ? (
                    <li key={label} className="flex flex-wrap items-center justify-between gap-2">
                      <span className="text-gray-700">{label} <span className="font-mono text-gray-900">{doc.number}</span></span>
                      <a href={doc.href} download data-testid={testId} className="font-medium text-indigo-700 hover:text-indigo-600">Download {label.toLowerCase()}</a>
                    </li>
                  ) : null,
                )}
              </ul>
            </Card>
          ) : null}
          <PaymentCard order={order} />
          <EscrowCard order={order} />
          {chain ? (
            <Card title="Chain transactions" description="What the chain indexer saw for this order, and the payout.">
              <ChainActivity chain={chain} />
            </Card>
          ) : null}
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
