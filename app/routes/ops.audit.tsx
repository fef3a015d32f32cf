import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { requireOperator } from "#app/utils/auth.server.ts";
import { loadAuditRows, parseBefore } from "#app/components/ops/audit-rows.server.ts";
import { AuditTable } from "#app/components/ops/audit-table.tsx";
import { buttonClass, Card, EmptyState, inputClass, PageHeader, PagerLink, withParams } from "#app/components/ops/layout.tsx";

export const meta: MetaFunction = () => [{ title: "Audit log · Operator console" }];

const PAGE_SIZE = 50;
const ACTION_PREFIXES = ["tenant.", "role.", "invitation.", "policy.", "token.", "user.", "operator."] as const;
const idSchema = z.uuid();

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  const search = new URL(request.url).searchParams;
  const raw = {
    action: search.get("action")?.trim() ?? "",
    tenantId: search.get("tenantId")?.trim() ?? "",
    actorId: search.get("actorId")?.trim() ?? "",
  };
  const action = ACTION_PREFIXES.find((p) => p === raw.action);
  const errors = {
    tenantId: raw.tenantId && !idSchema.safeParse(raw.tenantId).success ? "Not a tenant ID (a UUID)." : null,
    actorId: raw.actorId && !idSchema.safeParse(raw.actorId).success ? "Not a user ID (a UUID)." : null,
  };
  const before = parseBefore(search.get("before"));
  // A malformed ID matches nothing: show the field error rather than silently listing everything.
  const page =
    errors.tenantId || errors.actorId
      ? { rows: [], nextBefore: null }
      : await loadAuditRows(context.services.prisma, {
          action,
          tenantId: raw.tenantId || undefined,
          actorId: raw.actorId || undefined,
          before,
          limit: PAGE_SIZE,
        });
  return { filters: { ...raw, action: action ?? "" }, errors, rows: page.rows, nextBefore: page.nextBefore, paged: Boolean(before) };
}

export default function AuditLog() {
  const { filters, errors, rows, nextBefore, paged } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/ops/audit";
  const filtered = Boolean(filters.action || filters.tenantId || filters.actorId);

  return (
    <div className="space-y-5">
      <PageHeader title="Audit log" description="Every mutation and operator action on the platform, newest first. Entries cannot be edited or deleted." />

      <Form key={`${filters.action}|${filters.tenantId}|${filters.actorId}`} method="get" className="flex flex-wrap items-start gap-3" role="search" aria-label="Filter the audit log">
        <div>
          <label htmlFor="action" className="block text-xs font-medium text-gray-600">
            Action
          </label>
          <select id="action" name="action" defaultValue={filters.action} className={`mt-1 h-9 ${inputClass} pr-8`}>
            <option value="">All actions</option>
            {ACTION_PREFIXES.map((p) => (
              <option key={p} value={p}>
                {p}*
              </option>
            ))}
          </select>
        </div>
        <IdFilter name="tenantId" label="Tenant ID" placeholder="Tenant UUID" value={filters.tenantId} error={errors.tenantId} />
        <IdFilter name="actorId" label="Actor ID" placeholder="User UUID" value={filters.actorId} error={errors.actorId} />
        <div className="flex h-9 items-center gap-3 mt-5">
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

function IdFilter({ name, label, value, error, placeholder }: { name: string; label: string; value: string; error: string | null; placeholder: string }) {
  return (
    <div className="w-full sm:w-80">
      <label htmlFor={name} className="block text-xs font-medium text-gray-600">
        {label}
      </label>
      <input
        id={name}
        name={name}
        defaultValue={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        className={`mt-1 h-9 font-mono ${inputClass}`}
      />
      {error ? (
        <p id={`${name}-error`} className="mt-1 text-xs text-rose-600">
          {error}
        </p>
      ) : null}
    </div>
  );
}
