import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { formatDateTime } from "#app/components/ops/format.ts";
import { buttonClass, Card, PageHeader } from "#app/components/ops/layout.tsx";
import { OpsRecordError } from "#app/components/ops/route-error.tsx";
import { Amount } from "#app/components/orders/amount.tsx";
import { ChainActivity } from "#app/components/orders/chain-activity.tsx";
import { EscrowBadge, OrderStatusBadge, shortOrderId } from "#app/components/orders/order-status.tsx";
import { StatusTimeline } from "#app/components/orders/status-timeline.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { RAIL_LABELS } from "#app/components/ui/rails.ts";
import { loadOpsOrder } from "./ops.tenants.$tenantId_.orders.$orderId.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Order #${shortOrderId(data.order.id)} · ${data.shop.slug} · Operator console` : "Order · Operator console" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  return loadOpsOrder(context, params);
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 px-4 py-2.5 [&>*]:min-w-0">
      <dt className="text-sm text-gray-500">{label}</dt>
      <dd className="col-span-2 min-w-0 text-sm break-words text-gray-900">{children}</dd>
    </div>
  );
}

const th = "px-4 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500 whitespace-nowrap";

export default function OpsOrder() {
  const { shop, order, disputes, chain } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="flex flex-wrap items-center gap-x-2 text-sm text-gray-500">
        <Link to="/ops" className="hover:text-gray-900">Tenants</Link>
        <span className="text-gray-300">/</span>
        <Link to={`/ops/tenants/${shop.id}`} className="font-mono hover:text-gray-900">{shop.slug}</Link>
        <span className="text-gray-300">/</span>
        <span className="font-mono text-gray-700">Order #{shortOrderId(order.id)}</span>
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            Order #{shortOrderId(order.id)}
            <OrderStatusBadge status={order.status} />
          </span>
        }
        description={<>{shop.displayName} · {RAIL_LABELS[order.rail] ?? order.rail} · placed {formatDateTime(order.createdAt)}</>}
        actions={<Link to="/ops/disputes" className={buttonClass.secondary}>Disputes queue</Link>}
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card title="Order">
            <dl className="divide-y divide-gray-100">
              <Field label="Total"><Amount value={order.total} currency={order.currency} /> <span className="text-xs text-gray-500">(platform fee <Amount value={order.feeAmount} currency={order.currency} />)</span></Field>
              <Field label="Escrow">{order.escrow ? <span className="flex flex-wrap items-center gap-2"><EscrowBadge status={order.escrow.status} /><Amount value={order.escrow.amount} currency={order.currency} /></span> : <span className="text-gray-500">None on this rail</span>}</Field>
              <Field label="Buyer">{order.guestEmail}</Field>
              <Field label="Paid">{order.paidAt ? formatDateTime(order.paidAt) : <span className="text-gray-500">Not paid</span>}</Field>
              <Field label="Shipped">{order.shippedAt ? formatDateTime(order.shippedAt) : <span className="text-gray-500">—</span>}</Field>
              <Field label="Delivered">{order.deliveredAt ? formatDateTime(order.deliveredAt) : <span className="text-gray-500">—</span>}</Field>
              <Field label="Order ID"><code className="font-mono text-xs break-all text-gray-700">{order.id}</code></Field>
            </dl>
          </Card>
          <Card title={`Items (${order.lines.length})`}>
            <div className="relative overflow-x-auto">
              <table className="min-w-full divide-y divide-gray-200 text-sm">
                <thead className="bg-gray-50">
                  <tr>
                    <th scope="col" className={th}>Item</th>
                    <th scope="col" className={`${th} text-right`}>Qty</th>
                    <th scope="col" className={`${th} text-right`}>Line total</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-gray-100">
                  {order.lines.map((l) => (
                    <tr key={l.itemId}>
                      <td className="px-4 py-2 text-gray-900">{l.title}</td>
                      <td className="px-4 py-2 text-right tabular-nums text-gray-700">{l.quantity}</td>
                      <td className="px-4 py-2 text-right"><Amount value={l.lineTotal} currency={order.currency} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        </div>
        <div className="min-w-0 space-y-6">
          <Card title="Disputes">
            {disputes.length === 0 ? (
              <p className="px-4 py-3 text-sm text-gray-500">No dispute on this order.</p>
            ) : (
              <ul className="divide-y divide-gray-100">
                {disputes.map((d) => (
                  <li key={d.id} className="space-y-1 px-4 py-3 text-sm" data-testid="order-dispute">
                    <p className="flex flex-wrap items-center gap-2">
                      {d.status === "open" ? <Badge tone="amber">Open</Badge> : d.resolution === "refund" ? <Badge tone="amber">Refunded to buyer</Badge> : <Badge tone="green">Released to merchant</Badge>}
                      <span className="text-xs text-gray-500">opened {formatDateTime(d.openedAt)}</span>
                    </p>
                    <p className="text-gray-800">“{d.reason}”</p>
                    {d.resolutionNote ? <p className="text-xs text-gray-500">Note: {d.resolutionNote}</p> : null}
                  </li>
                ))}
              </ul>
            )}
          </Card>
          {chain ? (
            <Card title="Chain transactions">
              <div className="p-4"><ChainActivity chain={chain} /></div>
            </Card>
          ) : null}
          <Card title="Status history">
            <div className="p-4"><StatusTimeline events={order.timeline} /></div>
          </Card>
        </div>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <OpsRecordError subject="order" notFound="The order does not exist in this shop." back={{ to: "/ops/disputes", label: "Back to disputes" }} />;
}
