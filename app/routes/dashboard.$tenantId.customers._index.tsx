import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { errorReplyInit, replyWithApiError } from "#app/utils/api-error.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { Card, EmptyState, formatDate } from "#app/components/ui/page.tsx";
import { buttonClass } from "#app/components/ui/button.tsx";
import { inputClass } from "#app/components/ui/field.tsx";
import { Amount } from "#app/components/orders/amount.tsx";
import { AnnouncementComposer } from "#app/components/customers/announcement-composer.tsx";
import { AnnouncementCounts } from "#app/components/customers/announcement-counts.tsx";
import { composeSchema, filterFromQuery, loadCustomers } from "./dashboard.$tenantId.customers.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "customers.read", operator: false });
  return loadCustomers(context, tenantId, roles, new URL(request.url));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "customers.announce", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: composeSchema });
  if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });
  const { body, audience, filterQuery } = submission.value;
  try {
    const sent = await context.services.customers.announce({ tenantId }, auditActor(context), { body, audience, filter: filterFromQuery(filterQuery) });
    return redirect(`/dashboard/${tenantId}/announcements/${sent.id}`);
  } catch (err) {
    return json({ result: replyWithApiError(submission, err) }, errorReplyInit(err));
  }
}

const SORTS = [["last_order", "Last order"], ["first_order", "First order"], ["orders", "Orders"], ["spent", "Total spent"]] as const;

export default function CustomersPage() {
  const { items, total, page, perPage, currency, query, filter, log, canAnnounce } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const withParams = (over: Record<string, string>) => `?${new URLSearchParams({ ...Object.fromEntries(params), ...over }).toString()}`;
  const filtered = Object.keys(filter).length > 0;
  return (
    <div className="space-y-6">
      <Card title="Customers" description={`${total} customer${total === 1 ? "" : "s"} who ordered from your shop. Emails are never exported.`}>
        <Form method="get" className="mb-4 grid grid-cols-2 gap-3 text-sm text-gray-700 sm:grid-cols-4 lg:grid-cols-6">
          <label>First order from<input type="date" name="firstOrderFrom" defaultValue={filter.firstOrderFrom} className={`mt-1 block w-full ${inputClass}`} /></label>
          <label>Last order from<input type="date" name="lastOrderFrom" defaultValue={filter.lastOrderFrom} className={`mt-1 block w-full ${inputClass}`} /></label>
          <label>Min. orders<input type="number" min={0} name="minOrders" defaultValue={filter.minOrders} className={`mt-1 block w-full ${inputClass}`} /></label>
          <label>Min. spent<input inputMode="decimal" name="minSpent" defaultValue={filter.minSpent} className={`mt-1 block w-full ${inputClass}`} /></label>
          <label>Telegram
            <select name="telegram" defaultValue={filter.telegram ?? ""} className={`mt-1 block w-full ${inputClass}`}>
              <option value="">Any</option><option value="yes">Linked</option><option value="no">Not linked</option>
            </select>
          </label>
          <label>Opted in
            <select name="optedIn" defaultValue={filter.optedIn ?? ""} className={`mt-1 block w-full ${inputClass}`}>
              <option value="">Any</option><option value="yes">Yes</option><option value="no">No</option>
            </select>
          </label>
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.dir} />
          <div className="col-span-2 flex gap-2 sm:col-span-4 lg:col-span-6">
            <button type="submit" className={buttonClass("secondary", "md")}>Filter</button>
            {filtered ? <Link to="?" className={buttonClass("ghost", "md")}>Clear</Link> : null}
          </div>
        </Form>
        <div className="mb-3 flex flex-wrap gap-2 text-sm" aria-label="Sort by">
          {SORTS.map(([key, label]) => {
            const active = query.sort === key;
            const dir = active && query.dir === "desc" ? "asc" : "desc";
            return (
              <Link key={key} to={withParams({ sort: key, dir, page: "1" })} className={`rounded-full px-3 py-1 ring-1 ${active ? "bg-gray-900 text-white ring-gray-900" : "text-gray-700 ring-gray-200"}`}>
                {label}{active ? (query.dir === "desc" ? " ↓" : " ↑") : ""}
              </Link>
            );
          })}
        </div>
        {items.length === 0 ? <EmptyState title="No customers" description="Customers appear here with their first order." /> : (
          <ul className="divide-y divide-gray-100" data-testid="customers">
            {items.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 py-3 text-sm">
                <Link to={c.id} className="min-w-0 break-all font-medium text-indigo-700 hover:underline">{c.email}</Link>
                <span className="flex flex-wrap items-center gap-x-4 gap-y-1 text-gray-600">
                  <span>{c.ordersCount} order{c.ordersCount === 1 ? "" : "s"}</span>
                  <Amount value={c.totalSpent} currency={currency} />
                  <span>last {formatDate(c.lastOrderAt, false)}</span>
                  {c.telegramLinked ? <span className="rounded-full bg-sky-50 px-2 py-0.5 text-xs text-sky-800">Telegram</span> : null}
                  {c.marketingOptIn ? <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs text-emerald-800">Opted in</span> : null}
                </span>
              </li>
            ))}
          </ul>
        )}
        <div className="mt-3 flex gap-3 text-sm">
          {page > 1 ? <Link to={withParams({ page: String(page - 1) })} className="font-medium text-indigo-600">Previous</Link> : null}
          {page * perPage < total ? <Link to={withParams({ page: String(page + 1) })} className="font-medium text-indigo-600">Next</Link> : null}
        </div>
      </Card>
      {canAnnounce ? (
        <Card title="Announce to customers" description="A short message to the customers who agreed to hear from you at checkout.">
          <AnnouncementComposer lastResult={actionData?.result} filterQuery={search} filtered={filtered} />
        </Card>
      ) : null}
      <Card title="Announcements" description="The last 12 months are kept.">
        {log.length === 0 ? <p className="text-sm text-gray-600">No announcements yet.</p> : (
          <ul className="divide-y divide-gray-100">
            {log.map((a) => (
              <li key={a.id} className="space-y-2 py-3">
                <Link to={`../announcements/${a.id}`} className="block break-words text-sm font-medium text-indigo-700 hover:underline">{formatDate(a.createdAt)} · {a.body.slice(0, 80)}</Link>
                <AnnouncementCounts a={a} />
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
