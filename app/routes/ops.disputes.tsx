import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { formatDateTime } from "#app/components/ops/format.ts";
import { buttonClass, Card, EmptyState, PageHeader } from "#app/components/ops/layout.tsx";
import { Amount } from "#app/components/orders/amount.tsx";
import { OrderStatusBadge, shortOrderId } from "#app/components/orders/order-status.tsx";
import { ReasonForm } from "#app/components/orders/reason-form.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { RAIL_LABELS } from "#app/components/ui/rails.ts";
import { relativeTime } from "#app/components/ui/timestamp.tsx";
import { RefundConfirm } from "#app/components/ops/refund-confirm.tsx";
import { loadDisputes, resolveDispute } from "./ops.disputes.server.ts";

export const meta: MetaFunction = () => [{ title: "Disputes · Operator console" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  return loadDisputes(context);
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireOperator(request, context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const { status, ...reply } = await resolveDispute(context, formData);
  return json(reply, { status });
}

/** Someone else resolved it meanwhile (CONFLICT): reload so the queue shows what is still open. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Row = Data["open"][number];

function ShopLink({ d }: { d: Row }) {
  return (
    <>
      <Link to={`/ops/tenants/${d.tenantId}`} className="font-mono font-medium text-gray-900 hover:underline">{d.shop.slug}</Link>
      <span className="block text-xs text-gray-500">{d.shop.displayName}</span>
    </>
  );
}

function OpenDispute({ d, now }: { d: Row; now: string }) {
  const reply = useActionData<typeof action>();
  const id = `resolve-${d.id}`;
  return (
    <li className="grid grid-cols-1 gap-4 p-4 lg:grid-cols-[minmax(0,1fr)_24rem]" data-testid="open-dispute">
      <div className="min-w-0 space-y-2">
        <div className="flex flex-wrap items-start gap-x-8 gap-y-2 text-sm">
          <div><p className="text-xs text-gray-500">Shop</p><ShopLink d={d} /></div>
          <div>
            <p className="text-xs text-gray-500">Order</p>
            <Link to={d.orderPath} className="font-mono font-medium text-gray-900 underline underline-offset-2 hover:text-gray-700" title={d.orderId}>
              #{shortOrderId(d.orderId)}
            </Link>
            <p className="text-xs text-gray-500">{RAIL_LABELS[d.order.rail] ?? d.order.rail} · <OrderStatusBadge status={d.order.status} /></p>
          </div>
          <div>
            <p className="text-xs text-gray-500">Amount held</p>
            <p className="font-semibold text-gray-900"><Amount value={d.order.total} currency={d.order.currency} /></p>
          </div>
          <div>
            <p className="text-xs text-gray-500">Opened</p>
            <p className="text-gray-900">{relativeTime(d.openedAt, now)}</p>
            <p className="text-xs text-gray-500">{formatDateTime(d.openedAt)}</p>
          </div>
        </div>
        <div>
          <p className="text-xs text-gray-500">Buyer's reason</p>
          <blockquote className="mt-0.5 rounded-md bg-gray-50 px-3 py-2 text-sm whitespace-pre-line text-gray-900 ring-1 ring-inset ring-gray-200">{d.reason}</blockquote>
        </div>
      </div>
      <ReasonForm
        id={id}
        lastResult={reply?.form === id ? reply.result : undefined}
        hidden={{ disputeId: d.id }}
        reason={{ name: "note", label: "Note", placeholder: "e.g. Tracking shows delivery; buyer confirmed by email" }}
      >
        {(busy) => (
          <>
            <RefundConfirm id={`${id}-confirm`} amount={<Amount value={d.order.total} currency={d.order.currency} />} />
            <button type="submit" name="resolution" value="refund" disabled={busy} className={buttonClass.secondary}>Refund buyer</button>
            <button type="submit" name="resolution" value="release" disabled={busy} className={buttonClass.primary}>Release to merchant</button>
          </>
        )}
      </ReasonForm>
    </li>
  );
}

const th = "px-4 py-2.5 text-left text-xs font-medium uppercase tracking-wide text-gray-500 whitespace-nowrap";

function ResolvedTable({ rows }: { rows: Row[] }) {
  return (
    <div className="relative overflow-x-auto">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <thead className="bg-gray-50">
          <tr>
            <th scope="col" className={th}>Resolved</th>
            <th scope="col" className={th}>Shop</th>
            <th scope="col" className={th}>Order</th>
            <th scope="col" className={`${th} text-right`}>Amount</th>
            <th scope="col" className={th}>Outcome</th>
            <th scope="col" className={th}>Buyer's reason · operator's note</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100 bg-white">
          {rows.map((d) => (
            <tr key={d.id} className="align-top" data-testid="resolved-dispute">
              <td className="whitespace-nowrap px-4 py-2.5 text-gray-700">{d.resolvedAt ? formatDateTime(d.resolvedAt) : "—"}</td>
              <td className="px-4 py-2.5"><ShopLink d={d} /></td>
              <td className="px-4 py-2.5 font-mono" title={d.orderId}>
                <Link to={d.orderPath} className="text-gray-900 underline underline-offset-2 hover:text-gray-700">#{shortOrderId(d.orderId)}</Link>
              </td>
              <td className="px-4 py-2.5 text-right"><Amount value={d.order.total} currency={d.order.currency} /></td>
              <td className="whitespace-nowrap px-4 py-2.5">{d.resolution === "release" ? <Badge tone="green">Released to merchant</Badge> : <Badge tone="amber">Refunded to buyer</Badge>}</td>
              <td className="max-w-md px-4 py-2.5">
                <p className="text-gray-800">“{d.reason}”</p>
                {d.resolutionNote ? <p className="mt-0.5 text-xs text-gray-500">Note: {d.resolutionNote}</p> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function OpsDisputes() {
  const { open, openLimit, resolved, now } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="space-y-5">
      <PageHeader
        title="Disputes"
        description="Buyers' disputes on escrow orders. The money stays held until you resolve each one: release it to the merchant or refund the buyer. Every resolution is audited."
      />
      {reply && !reply.result.error ? (
        <p role="status" className="rounded-md bg-emerald-50 px-4 py-2.5 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">Dispute resolved and recorded in the audit log.</p>
      ) : null}
      <Card title={`Open (${open.length}${open.length >= openLimit ? "+" : ""}) · oldest first`}>
        {open.length === 0 ? (
          <EmptyState title="No open disputes">New disputes appear here as buyers open them.</EmptyState>
        ) : (
          <ul className="divide-y divide-gray-200">
            {open.map((d) => <OpenDispute key={d.id} d={d} now={now} />)}
          </ul>
        )}
      </Card>
      <Card title="Recently resolved">
        {resolved.length === 0 ? <EmptyState title="Nothing resolved yet" /> : <ResolvedTable rows={resolved} />}
      </Card>
    </div>
  );
}
