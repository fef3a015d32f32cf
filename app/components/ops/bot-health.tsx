/** Telegram bot health rows for the operator console (the Bot health page and a tenant's page). */
import { Link } from "@remix-run/react";
import { relativeTime } from "#app/components/ui/timestamp.tsx";
import { formatDateTime } from "./format.ts";

export interface BotHealthView {
  id: string;
  username: string;
  status: string;
  paused: boolean;
  lastWebhookAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  stale: boolean;
  problem: boolean;
  tenant?: { id: string; slug: string; displayName: string };
}

const STATUS: Record<string, { label: string; className: string; dot: string }> = {
  pending: { label: "Waiting for claim", className: "bg-amber-50 text-amber-800 ring-amber-600/20", dot: "bg-amber-500" },
  active: { label: "Active", className: "bg-emerald-50 text-emerald-700 ring-emerald-600/20", dot: "bg-emerald-500" },
  suspended: { label: "Suspended", className: "bg-rose-50 text-rose-700 ring-rose-600/20", dot: "bg-rose-500" },
  revoked: { label: "Revoked", className: "bg-gray-100 text-gray-600 ring-gray-500/20", dot: "bg-gray-400" },
};

export function BotStatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? STATUS.revoked!;
  return (
    <span className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${s.className}`}>
      <span aria-hidden className={`size-1.5 rounded-full ${s.dot}`} />
      {STATUS[status] ? s.label : status}
    </span>
  );
}

export function StaleFlag() {
  return (
    <span
      data-testid="stale-flag"
      title="Active, but no update from Telegram for more than 4 hours: the webhook may be broken."
      className="inline-flex items-center whitespace-nowrap rounded-md bg-rose-600 px-1.5 py-0.5 text-xs font-semibold text-white"
    >
      stale &gt; 4 h
    </span>
  );
}

function LastWebhook({ bot, now }: { bot: BotHealthView; now: string }) {
  return (
    <div className="flex flex-col items-start gap-1">
      {bot.lastWebhookAt ? (
        <span className="whitespace-nowrap text-gray-700" title={formatDateTime(bot.lastWebhookAt)}>
          {relativeTime(bot.lastWebhookAt, now)}
          <span className="block text-xs text-gray-500">{formatDateTime(bot.lastWebhookAt)}</span>
        </span>
      ) : (
        <span className="text-gray-500">Never</span>
      )}
      {bot.stale ? <StaleFlag /> : null}
    </div>
  );
}

const th = "px-4 py-2.5 text-left text-xs font-medium uppercase tracking-wide text-gray-500 whitespace-nowrap";

export function BotHealthTable({ bots, now, showTenant }: { bots: BotHealthView[]; now: string; showTenant: boolean }) {
  return (
    <div className="relative overflow-x-auto">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <thead className="bg-gray-50">
          <tr>
            {showTenant ? <th scope="col" className={th}>Shop</th> : null}
            <th scope="col" className={th}>Bot</th>
            <th scope="col" className={th}>Status</th>
            <th scope="col" className={th}>Last webhook</th>
            <th scope="col" className={th}>Last error</th>
            <th scope="col" className={th}>Paused</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100 bg-white">
          {bots.map((b) => (
            <tr key={b.id} data-testid="bot-row" className={`align-top ${b.problem ? "bg-rose-50/40" : ""} ${b.status === "revoked" ? "text-gray-500" : ""}`}>
              {showTenant && b.tenant ? (
                <td className="px-4 py-2.5">
                  <Link to={`/ops/tenants/${b.tenant.id}`} className="font-mono text-gray-900 hover:underline">
                    {b.tenant.slug}
                  </Link>
                  <div className="max-w-48 truncate text-xs text-gray-500">{b.tenant.displayName}</div>
                </td>
              ) : null}
              <td className="px-4 py-2.5">
                <a href={`https://t.me/${b.username}`} target="_blank" rel="noreferrer" className="font-medium text-gray-900 hover:underline">
                  @{b.username}
                </a>
              </td>
              <td className="px-4 py-2.5">
                <BotStatusBadge status={b.status} />
              </td>
              <td className="px-4 py-2.5">
                <LastWebhook bot={b} now={now} />
              </td>
              <td className="min-w-64 max-w-sm px-4 py-2.5">
                {b.lastError ? (
                  <>
                    <p className="text-rose-700">{b.lastError}</p>
                    {b.lastErrorAt ? <p className="text-xs text-gray-500">{formatDateTime(b.lastErrorAt)}</p> : null}
                  </>
                ) : (
                  <span className="text-gray-500">—</span>
                )}
              </td>
              <td className="whitespace-nowrap px-4 py-2.5">
                {b.paused ? <span className="font-medium text-amber-800">Paused</span> : <span className="text-gray-500">No</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
