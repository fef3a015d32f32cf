import { Link } from "@remix-run/react";
import { ActorKindBadge } from "./badges.tsx";
import { formatDateTime } from "./format.ts";

export interface AuditRow {
  id: string;
  createdAt: string;
  actorId: string | null;
  actorEmail: string | null;
  actorKind: string;
  tenantId: string | null;
  tenantSlug: string | null;
  action: string;
  target: string | null;
  reason: string | null;
  ip: string | null;
  /** Pretty-printed details, or null when there are none. */
  details: string | null;
}

const th = "px-2.5 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500 whitespace-nowrap";
const td = "px-2.5 py-2 align-top";

/** Audit rows, newest first. `showTenant` is off on a tenant's own page, where the column would repeat itself. */
export function AuditTable({ rows, showTenant = true }: { rows: AuditRow[]; showTenant?: boolean }) {
  return (
    <div className="relative overflow-x-auto">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <thead className="bg-gray-50">
          <tr>
            <th scope="col" className={th}>Time (UTC)</th>
            <th scope="col" className={th}>Actor</th>
            <th scope="col" className={th}>Kind</th>
            {showTenant ? <th scope="col" className={th}>Tenant</th> : null}
            <th scope="col" className={th}>Action</th>
            <th scope="col" className={th}>Target</th>
            <th scope="col" className={th}>Reason</th>
            <th scope="col" className={th}>IP</th>
            <th scope="col" className={th}>Details</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100 bg-white">
          {rows.map((row) => (
            <tr key={row.id} className="hover:bg-gray-50/60">
              <td className={`${td} whitespace-nowrap font-mono text-xs`} title={formatDateTime(row.createdAt)}>
                <div className="text-gray-700">{row.createdAt.slice(0, 10)}</div>
                <div className="text-gray-500">{row.createdAt.slice(11, 19)}</div>
              </td>
              <td className={td}>
                {row.actorId ? (
                  <Link
                    to={`/ops/audit?actorId=${row.actorId}`}
                    className="block max-w-48 truncate text-gray-900 hover:underline"
                    title={`${row.actorEmail ?? ""} ${row.actorId}`.trim()}
                  >
                    {row.actorEmail ?? <span className="font-mono text-xs">{row.actorId.slice(0, 8)}…</span>}
                  </Link>
                ) : (
                  <span className="text-gray-500">—</span>
                )}
              </td>
              <td className={`${td} whitespace-nowrap`}>
                <ActorKindBadge kind={row.actorKind} />
              </td>
              {showTenant ? (
                <td className={`${td} whitespace-nowrap`}>
                  {row.tenantId ? (
                    <Link to={`/ops/tenants/${row.tenantId}`} className="font-medium text-gray-900 hover:underline" title={row.tenantId}>
                      {row.tenantSlug ?? <span className="font-mono text-xs">{row.tenantId.slice(0, 8)}…</span>}
                    </Link>
                  ) : (
                    <span className="text-gray-500">—</span>
                  )}
                </td>
              ) : null}
              <td className={`${td} whitespace-nowrap`}>
                <code className="rounded bg-gray-100 px-1.5 py-0.5 font-mono text-xs text-gray-800">{row.action}</code>
              </td>
              <td className={`${td} max-w-32 truncate font-mono text-xs text-gray-600`} title={row.target ?? undefined}>
                {row.target ?? <span className="text-gray-500">—</span>}
              </td>
              <td className={`${td} min-w-36 text-gray-700`}>{row.reason ?? <span className="text-gray-500">—</span>}</td>
              <td className={`${td} max-w-28 truncate font-mono text-xs text-gray-600`} title={row.ip ?? undefined}>{row.ip ?? <span className="text-gray-500">—</span>}</td>
              <td className={td}>
                {row.details ? (
                  <details className="group">
                    <summary className="cursor-pointer list-none text-xs font-medium text-gray-600 select-none hover:text-gray-900">
                      <span className="group-open:hidden">JSON ▸</span>
                      <span className="hidden group-open:inline">JSON ▾</span>
                    </summary>
                    <pre className="mt-1 max-h-64 w-48 overflow-auto rounded-md bg-gray-950 p-2 font-mono text-xs leading-relaxed whitespace-pre-wrap break-all text-gray-100">
                      {row.details}
                    </pre>
                  </details>
                ) : (
                  <span className="text-gray-500">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
