import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { Amount } from "#app/components/orders/amount.tsx";
import { OrderStatusBadge, orderStatusLabel, shortOrderId } from "#app/components/orders/order-status.tsx";
import { Button, buttonClass } from "#app/components/ui/button.tsx";
import { inputClass } from "#app/components/ui/field.tsx";
import { EmptyState, formatDate } from "#app/components/ui/page.tsx";
import { RAIL_LABELS } from "#app/components/ui/rails.ts";
import { loadOrderList } from "./dashboard.$tenantId.orders.server.ts";
import { requireParam } from "#app/utils/params.ts";

// The filter choices; the server's schema (orderListQuerySchema) decides what is valid.
const STATUS_FILTERS = ["pending_payment", "escrow_funded", "paid", "fulfilling", "delivered", "disputed", "completed", "refunded", "expired", "cancelled"];
const RAIL_FILTERS = ["escrow", "direct", "external_provider", "manual_invoice"];

export const meta: MetaFunction = () => [{ title: "Orders — Storefront" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "orders.read", operator: false });
  return loadOrderList(context, tenantId, new URL(request.url).searchParams);
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function pageHref(filters: Data["filters"], before: string | null) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ status: filters.status, rail: filters.rail, email: filters.email, before })) if (v) params.set(k, v);
  return `?${params.toString()}`;
}

function Filters({ filters }: { filters: Data["filters"] }) {
  const loading = useNavigation().state === "loading";
  const filtered = Boolean(filters.status || filters.rail || filters.email);
  return (
    <Form
      key={`${filters.status}|${filters.rail}|${filters.email}`}
      method="get"
      role="search"
      aria-label="Filter orders"
      className="flex flex-wrap items-end gap-3 rounded-xl border border-gray-200 bg-white p-3 shadow-sm"
    >
      <div className="w-full sm:w-44">
        <label htmlFor="orders-status" className="block text-xs font-medium text-gray-600">Status</label>
        <select id="orders-status" name="status" defaultValue={filters.status} className={`mt-1 ${inputClass} pr-8`}>
          <option value="">All statuses</option>
          {STATUS_FILTERS.map((s) => <option key={s} value={s}>{orderStatusLabel(s)}</option>)}
        </select>
      </div>
      <div className="w-full sm:w-44">
        <label htmlFor="orders-rail" className="block text-xs font-medium text-gray-600">Payment</label>
        <select id="orders-rail" name="rail" defaultValue={filters.rail} className={`mt-1 ${inputClass} pr-8`}>
          <option value="">All payment rails</option>
          {RAIL_FILTERS.map((r) => <option key={r} value={r}>{RAIL_LABELS[r]}</option>)}
        </select>
      </div>
      <div className="min-w-52 flex-1">
        <label htmlFor="orders-email" className="block text-xs font-medium text-gray-600">Buyer email</label>
        <input id="orders-email" type="search" name="email" defaultValue={filters.email} placeholder="Part of an email address" maxLength={254} className={`mt-1 ${inputClass}`} />
      </div>
      <Button type="submit" variant="secondary">{loading ? "Filtering…" : "Filter"}</Button>
      {filtered ? <Link to="?" className="self-center text-sm font-medium text-gray-500 hover:text-gray-800">Clear</Link> : null}
    </Form>
  );
}

/** Shipping and tax under the total (ADR 035), only when the order has them. */
function OrderParts({ o }: { o: Data["orders"][number] }) {
  const has = (v: string) => /[1-9]/.test(v);
  if (!has(o.shipping) && !has(o.tax)) return null;
  return (
    <span className="block text-xs font-normal text-gray-500" data-testid="order-row-parts">
      {has(o.shipping) ? <>incl. shipping <Amount value={o.shipping} currency={o.currency} /></> : null}
      {has(o.shipping) && has(o.tax) ? " · " : null}
      {has(o.tax) ? <>{o.taxIncluded || has(o.shipping) ? "" : "incl. "}tax <Amount value={o.tax} currency={o.currency} /></> : null}
    </span>
  );
}

function OrderRow({ o }: { o: Data["orders"][number] }) {
  return (
    <tr className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1 px-4 py-3 sm:table-row sm:p-0" data-testid="order-row">
      <td className="sm:table-cell sm:px-4 sm:py-3">
        <Link to={o.id} className="font-mono font-medium text-indigo-700 hover:text-indigo-500" aria-label={`Order ${shortOrderId(o.id)} from ${o.email}`}>
          #{shortOrderId(o.id)}
        </Link>
        <span className="block text-xs text-gray-500"><time dateTime={o.createdAt}>{formatDate(o.createdAt)}</time></span>
      </td>
      <td className="text-right sm:table-cell sm:px-4 sm:py-3 sm:text-left"><OrderStatusBadge status={o.status} /></td>
      <td className="min-w-0 truncate text-gray-800 sm:table-cell sm:max-w-64 sm:px-4 sm:py-3">{o.email}</td>
      <td className="text-right font-medium text-gray-900 sm:table-cell sm:px-4 sm:py-3">
        <Amount value={o.total} currency={o.currency} />
        <OrderParts o={o} />
      </td>
      <td className="text-gray-600 sm:table-cell sm:px-4 sm:py-3">{RAIL_LABELS[o.rail] ?? o.rail}</td>
      <td className="text-right text-gray-600 sm:table-cell sm:px-4 sm:py-3">{o.lineCount} {o.lineCount === 1 ? "line" : "lines"}</td>
    </tr>
  );
}

const th = "px-4 py-2.5";

export default function OrdersPage() {
  const { filters, orders, nextBefore } = useLoaderData<typeof loader>();
  const filtered = Boolean(filters.status || filters.rail || filters.email);
  return (
    <div className="space-y-4">
      <Filters filters={filters} />
      {orders.length === 0 ? (
        <EmptyState
          title={filtered ? "No orders match these filters" : filters.before ? "No older orders" : "No orders yet"}
          description={filtered ? "Try another status, payment rail or email." : "Orders appear here as soon as a buyer checks out in your shop."}
          action={filtered || filters.before ? <Link to="?" className={buttonClass("secondary")}>Show all orders</Link> : undefined}
        />
      ) : (
        <div className="overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm">
          <div className="sm:overflow-x-auto">
            <table className="block w-full text-sm sm:table sm:min-w-full sm:divide-y sm:divide-gray-100" data-testid="orders-table">
              <thead className="hidden bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500 sm:table-header-group">
                <tr>
                  <th scope="col" className={th}>Order</th>
                  <th scope="col" className={th}>Status</th>
                  <th scope="col" className={th}>Buyer</th>
                  <th scope="col" className={`${th} text-right`}>Total</th>
                  <th scope="col" className={th}>Payment</th>
                  <th scope="col" className={`${th} text-right`}>Items</th>
                </tr>
              </thead>
              <tbody className="block divide-y divide-gray-100 sm:table-row-group">
                {orders.map((o) => <OrderRow key={o.id} o={o} />)}
              </tbody>
            </table>
          </div>
          <div className="flex items-center justify-between gap-3 border-t border-gray-100 px-4 py-3 text-sm">
            <span className="text-gray-500">
              {orders.length} shown · newest first{filters.before ? " (older page)" : ""}
            </span>
            <span className="flex items-center gap-3">
              {filters.before ? <Link to={pageHref(filters, null)} className="font-medium text-gray-600 hover:text-gray-900">Newest orders</Link> : null}
              {nextBefore ? <Link to={pageHref(filters, nextBefore)} rel="next" className={buttonClass("secondary", "sm")}>Older orders →</Link> : null}
            </span>
          </div>
        </div>
      )}
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
