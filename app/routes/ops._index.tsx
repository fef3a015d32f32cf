import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { listTenants, tenantListQuerySchema, type TenantListQuery } from "#app/utils/tenant.server.ts";
import { TenantStatusBadge } from "#app/components/ops/badges.tsx";
import { formatDate, humanize } from "#app/components/ops/format.ts";
import { buttonClass, Card, EmptyState, inputClass, PageHeader, PagerLink, withParams } from "#app/components/ops/layout.tsx";

export const meta: MetaFunction = () => [{ title: "Tenants · Operator console" }];

const PER_PAGE = 25;
const STATUSES = ["pending", "active", "suspended", "closed"] as const;
const TYPES = ["hosted_seller", "white_label", "isolated", "enterprise"] as const;

/** The list query from the URL; a hand-edited bad value is dropped (and reported) instead of failing the page. */
function parseListQuery(search: URLSearchParams): { query: TenantListQuery; ignored: string[] } {
  const raw: Record<string, string> = {};
  for (const key of ["status", "type", "q", "page"]) {
    const v = search.get(key)?.trim();
    if (v) raw[key] = v;
  }
  raw.limit = String(PER_PAGE);
  const first = tenantListQuerySchema.safeParse(raw);
  if (first.success) return { query: first.data, ignored: [] };
  const ignored = [...new Set(first.error.issues.map((i) => String(i.path[0])))];
  for (const key of ignored) delete raw[key];
  return { query: tenantListQuerySchema.parse(raw), ignored };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = requireOperator(request, context);
  const { query, ignored } = parseListQuery(new URL(request.url).searchParams);
  const result = await listTenants(context.services.prisma, { userId: actor.userId, isOperator: true }, query);
  // One more query for the page's owners: which of them have confirmed their email (ADR 030).
  const ownerEmails = [...new Set(result.items.flatMap((t) => (t.owner ? [t.owner.email] : [])))];
  const verified = new Set(
    (await context.services.prisma.user.findMany({ where: { email: { in: ownerEmails }, emailVerifiedAt: { not: null } }, select: { email: true } })).map((u) => u.email),
  );
  return {
    filters: { status: query.status ?? "", type: query.type ?? "", q: query.q ?? "" },
    ignored,
    page: result.page,
    pageCount: result.pageCount,
    total: result.total,
    tenants: result.items.map((t) => ({
      id: t.id,
      slug: t.slug,
      displayName: t.displayName,
      type: t.type,
      status: t.status,
      statusReason: t.statusReason,
      ownerEmail: t.owner?.email ?? null,
      ownerVerified: t.owner ? verified.has(t.owner.email) : false,
      createdAt: t.createdAt.toISOString(),
    })),
  };
}

const th = "px-4 py-2.5 text-left text-xs font-medium uppercase tracking-wide text-gray-500 whitespace-nowrap";

export default function TenantsIndex() {
  const { filters, ignored, page, pageCount, total, tenants } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/ops";
  const filtered = Boolean(filters.status || filters.type || filters.q);
  const first = total === 0 ? 0 : (page - 1) * PER_PAGE + 1;
  const last = Math.min(page * PER_PAGE, total);

  return (
    <div className="space-y-5">
      <PageHeader title="Tenants" description="Every shop on the platform. Open one to review it or change its status." />

      <Form key={`${filters.status}|${filters.type}|${filters.q}`} method="get" className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter tenants">
        <div className="w-full sm:w-72">
          <label htmlFor="q" className="block text-xs font-medium text-gray-600">
            Search
          </label>
          <input id="q" name="q" type="search" defaultValue={filters.q} placeholder="Name or slug" maxLength={80} className={`mt-1 h-9 ${inputClass}`} />
        </div>
        <div>
          <label htmlFor="status" className="block text-xs font-medium text-gray-600">
            Status
          </label>
          <select id="status" name="status" defaultValue={filters.status} className={`mt-1 h-9 ${inputClass} pr-8`}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="type" className="block text-xs font-medium text-gray-600">
            Type
          </label>
          <select id="type" name="type" defaultValue={filters.type} className={`mt-1 h-9 ${inputClass} pr-8`}>
            <option value="">All types</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClass.primary}>
          Apply filters
        </button>
        {filtered ? (
          <Link to="/ops" className="px-1 py-1.5 text-sm font-medium text-gray-600 hover:text-gray-900">
            Clear
          </Link>
        ) : null}
      </Form>

      {ignored.length ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-inset ring-amber-200">
          Ignored an invalid value for: {ignored.join(", ")}.
        </p>
      ) : null}

      <Card className={loading ? "opacity-60 transition-opacity" : "transition-opacity"}>
        {tenants.length === 0 ? (
          <EmptyState title={filtered ? "No tenants match these filters" : "No tenants yet"}>
            {filtered ? "Try a different search or clear the filters." : "Shops appear here when merchants sign up or manifests are applied."}
          </EmptyState>
        ) : (
          <div className="relative overflow-x-auto">
            <table className="min-w-full divide-y divide-gray-200 text-sm">
              <thead className="bg-gray-50">
                <tr>
                  <th scope="col" className={th}>Shop</th>
                  <th scope="col" className={th}>Type</th>
                  <th scope="col" className={th}>Status</th>
                  <th scope="col" className={th}>Owner</th>
                  <th scope="col" className={th}>Created</th>
                  <th scope="col" className={th}>
                    <span className="sr-only">Open</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100 bg-white">
                {tenants.map((t) => (
                  <tr key={t.id} className="hover:bg-gray-50">
                    <td className="px-4 py-2.5">
                      <Link to={`/ops/tenants/${t.id}`} className="font-medium text-gray-900 hover:underline">
                        {t.displayName}
                      </Link>
                      <div className="font-mono text-xs text-gray-500">{t.slug}</div>
                    </td>
                    <td className="whitespace-nowrap px-4 py-2.5 text-gray-700">{humanize(t.type)}</td>
                    <td className="whitespace-nowrap px-4 py-2.5">
                      <span title={t.statusReason ?? undefined}>
                        <TenantStatusBadge status={t.status} />
                      </span>
                    </td>
                    <td className="max-w-64 truncate px-4 py-2.5 text-gray-700">
                      {t.ownerEmail ?? <span className="text-gray-500">—</span>}
                      {t.ownerEmail && !t.ownerVerified ? <span className="ml-1.5 text-xs text-amber-700" title="The owner has not confirmed their email yet">(unverified)</span> : null}
                    </td>
                    <td className="whitespace-nowrap px-4 py-2.5 text-gray-600" title={t.createdAt}>
                      {formatDate(t.createdAt)}
                    </td>
                    <td className="whitespace-nowrap px-4 py-2.5 text-right">
                      <Link to={`/ops/tenants/${t.id}`} className="text-sm font-medium text-gray-500 hover:text-gray-900" aria-label={`Open ${t.displayName}`}>
                        Open →
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-gray-200 bg-white px-4 py-3 text-sm text-gray-600">
          <p>
            {total === 0 ? (
              "0 tenants"
            ) : (
              <>
                Showing <span className="font-medium text-gray-900">{first}</span>–<span className="font-medium text-gray-900">{last}</span> of{" "}
                <span className="font-medium text-gray-900">{total}</span> {total === 1 ? "tenant" : "tenants"}
              </>
            )}
          </p>
          <div className="flex items-center gap-3">
            <span>
              Page {page} of {pageCount}
            </span>
            <PagerLink rel="prev" to={page > 1 ? withParams(search, { page: page - 1 > 1 ? String(Math.min(page - 1, pageCount)) : null }) : null}>
              ← Previous
            </PagerLink>
            <PagerLink rel="next" to={page < pageCount ? withParams(search, { page: String(page + 1) }) : null}>
              Next →
            </PagerLink>
          </div>
        </div>
      </Card>
    </div>
  );
}
