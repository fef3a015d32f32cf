import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { Card, formatDate } from "#app/components/ui/page.tsx";
import { Amount } from "#app/components/orders/amount.tsx";
import { loadCustomer } from "./dashboard.$tenantId.customers.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "customers.read", operator: false });
  return loadCustomer(context, tenantId, roles, requireParam(params, "customerId"));
}

/** A customer's profile in this shop (G14-2): masked email without customers.contact, orders, lifetime spend. */
export default function CustomerPage() {
  const c = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <Link to=".." relative="path" className="text-sm font-medium text-indigo-600">← Customers</Link>
      <Card title={<span className="break-all" data-testid="customer-email">{c.email}</span>}>
        <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <div><dt className="text-gray-500">Lifetime spend</dt><dd className="font-semibold"><Amount value={c.totalSpent} currency={c.currency} /></dd></div>
          <div><dt className="text-gray-500">Orders</dt><dd className="font-semibold">{c.ordersCount} ({c.paidOrdersCount} paid)</dd></div>
          <div><dt className="text-gray-500">First order</dt><dd>{formatDate(c.firstOrderAt, false)}</dd></div>
          <div><dt className="text-gray-500">Last order</dt><dd>{formatDate(c.lastOrderAt, false)}</dd></div>
          <div><dt className="text-gray-500">Telegram</dt><dd>{c.telegramLinked ? "Linked" : "Not linked"}</dd></div>
          <div><dt className="text-gray-500">Marketing</dt><dd>{c.marketingOptIn ? `Opted in ${formatDate(c.optedInAt, false)}` : c.optedOutAt ? `Opted out ${formatDate(c.optedOutAt, false)}` : "Not opted in"}</dd></div>
        </dl>
      </Card>
      <Card title="Orders in this shop">
        <ul className="divide-y divide-gray-100 text-sm">
          {c.orders.map((o) => (
            <li key={o.id} className="flex flex-wrap justify-between gap-2 py-2">
              <Link to={`../../orders/${o.id}`} relative="path" className="font-mono text-xs text-indigo-700 hover:underline">{o.id.slice(0, 8)}</Link>
              <span className="text-gray-600">{formatDate(o.createdAt)}</span>
              <span className="text-gray-700">{o.status.replace(/_/g, " ")}</span>
              <Amount value={o.total} currency={o.currency} />
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
