import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { loadAuditRows, parseBefore } from "#app/components/ops/audit-rows.server.ts";
import { loadAuditFilters } from "#app/components/ops/audit-filters.server.ts";
import { AuditTable } from "#app/components/ops/audit-table.tsx";
import { buttonClass, Card, EmptyState, inputClass, PageHeader, PagerLink, withParams } from "#app/components/ops/layout.tsx";

export const meta: MetaFunction = () => [{ title: "Audit log · Operator console" }];

const PAGE_SIZE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  const { prisma } = context.services;
  const search = new URL(request.url).searchParams;
  const f = await loadAuditFilters(prisma, search);
  const errors = { shop: f.shop.error, actor: f.actor.error };
  const before = parseBefore(search.get("before"));
  // A shop or actor that matches nobody lists nothing: show the field error rather than silently listing everything.
  const page =
    errors.shop || errors.actor
      ? { rows: [], nextBefore: null }
      : await loadAuditRows(prisma, { action: f.action, tenantId: f.shop.value?.id, actorId: f.actor.value?.id, before, limit: PAGE_SIZE });
  return { filters: f.shown, families: f.families, options: f.options, errors, rows: page.rows, nextBefore: page.nextBefore, paged: Boolean(before) };
}

export default function AuditLog() {
  const { filters, families, options, errors, rows, nextBefore, paged } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/ops/audit";
  const filtered = Boolean(filters.action || filters.shop || filters.actor);

  return (
    <div className="space-y-5">
      <PageHeader title="Audit log" description="Every mutation and operator action on the platform, newest first. Entries cannot be edited or deleted." />

      <Form key={`${filters.action}|${filters.shop}|${filters.actor}`} method="get" className="flex flex-wrap items-start gap-3" role="search" aria-label="Filter the audit log">
        <div className="w-full sm:w-auto">
          <label htmlFor="action" className="block text-xs font-medium text-gray-600">
            Action
          </label>
          <select id="action" name="action" defaultValue={filters.action} className={`mt-1 h-9 ${inputClass} pr-8`}>
            <option value="">All actions</option>
            {families.map((p) => (
              <option key={p} value={p}>
                {p}*
              </option>
            ))}
          </select>
        </div>
        <PickerFilter name="shop" label="Shop" placeholder="Address or name, e.g. acme" value={filters.shop} error={errors.shop} options={options.shops.map((s) => ({ value: s.slug, label: s.displayName }))} />
        <PickerFilter name="actor" label="Actor" placeholder="Email, e.g. ops@example.com" value={filters.actor} error={errors.actor} options={options.actors.map((e) => ({ value: e }))} />
        <div className="flex h-9 items-center gap-3 sm:mt-5">
          <button type="submit" className={buttonClass.primary}>
            Apply filters
          </button>
          {filtered ? (
            <Link to="/ops/audit" className="text-sm font-medium text-gray-600 hover:text-gray-900">
              Clear
            </Link>
          ) : null}
        </div>
      </Form>

      <Card className={loading ? "opacity-60 transition-opacity" : "transition-opacity"}>
        {rows.length === 0 ? (
          <EmptyState title={paged ? "No older entries" : filtered ? "No entries match these filters" : "The audit log is empty"}>
            {paged ? "You have reached the start of the log." : filtered ? "Try a broader action or clear the filters." : null}
          </EmptyState>
        ) : (
          <AuditTable rows={rows} />
        )}
        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-gray-200 px-4 py-3 text-sm text-gray-600">
          <p>
            {rows.length} {rows.length === 1 ? "entry" : "entries"} on this page{paged ? ", older than the newest" : ""}
          </p>
          <div className="flex items-center gap-3">
            <PagerLink to={paged ? withParams(search, { before: null }) : null}>Newest</PagerLink>
            <PagerLink rel="next" to={nextBefore ? withParams(search, { before: nextBefore }) : null}>
              Older →
            </PagerLink>
          </div>
        </div>
      </Card>
    </div>
  );
}

/** A text box with suggestions (a datalist): pick a shop or an actor by name, or type one the list does not hold. */
function PickerFilter({ name, label, value, error, placeholder, options }: {
  name: string;
  label: string;
  value: string;
  error: string | null;
  placeholder: string;
  options: { value: string; label?: string }[];
}) {
  return (
    <div className="w-full sm:w-72">
      <label htmlFor={name} className="block text-xs font-medium text-gray-600">
        {label}
      </label>
      <input
        id={name}
        name={name}
        type="search"
        list={`${name}-options`}
        defaultValue={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        className={`mt-1 h-9 ${inputClass}`}
      />
      <datalist id={`${name}-options`}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label ? `${o.label} (${o.value})` : o.value}
          </option>
        ))}
      </datalist>
      {error ? (
        <p id={`${name}-error`} className="mt-1 text-xs text-rose-600">
          {error}
        </p>
      ) : null}
    </div>
  );
}
