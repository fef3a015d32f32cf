/** The operator's health card for one shop (OPS-1): traffic and 5xx rate, orders, domains with certificate days left. */
import { Link } from "@remix-run/react";
import { DomainStatusBadge, TlsBadge, daysLeftText } from "#app/components/ui/domain-status.tsx";
import { Timestamp } from "#app/components/ui/timestamp.tsx";
import { humanize } from "./format.ts";
import { Card } from "./layout.tsx";
import type { TenantHealth } from "./tenant-health.server.ts";

/** 5xx above this share of requests is shown as a problem. */
const ERROR_RATE_ALERT = 0.02;

function percent(rate: number | null) {
  if (rate === null) return "—";
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)} %`;
}

function Stat({ label, value, detail, alert = false, testId }: { label: string; value: React.ReactNode; detail?: React.ReactNode; alert?: boolean; testId?: string }) {
  return (
    <div className="bg-white px-4 py-3" data-testid={testId} data-alert={alert ? "true" : "false"}>
      <dt className="text-xs font-medium uppercase tracking-wide text-gray-500">{label}</dt>
      <dd className={`mt-1 text-lg font-semibold tabular-nums ${alert ? "text-rose-700" : "text-gray-900"}`}>{value}</dd>
      {detail ? <dd className="mt-0.5 text-xs text-gray-500">{detail}</dd> : null}
    </div>
  );
}

/** How many of the shop's bots are active and how many still wait for their claim (revoked ones do not count). */
export interface BotCounts {
  active: number;
  pending: number;
}

/** The bots stat: "OK" only when an active bot exists and none has a problem; a shop without one is neutral. */
function botsValue(bots: BotCounts, problems: number) {
  if (problems) return `${problems} ${problems === 1 ? "problem" : "problems"}`;
  if (bots.active) return "OK";
  return bots.pending ? "Waiting for claim" : "No bot";
}

export function TenantHealthCard({ health, bots, botProblems }: { health: TenantHealth; bots: BotCounts; botProblems: number }) {
  const { requests, orders, domains, now } = health;
  const errorAlert = (requests.last24h.errorRate ?? 0) > ERROR_RATE_ALERT;
  const certAlerts = domains.filter((d) => d.tlsEndingSoon).length;
  return (
    <Card id="health" title="Health">
      <dl className="grid grid-cols-2 gap-px border-b border-gray-100 bg-gray-100">
        <Stat
          label="Server errors · last 24 h" testId="health-error-rate" alert={errorAlert}
          value={percent(requests.last24h.errorRate)}
          detail={`${requests.last24h.errors.toLocaleString("en-US")} of ${requests.last24h.requests.toLocaleString("en-US")} requests`}
        />
        <Stat
          label="Requests this hour" testId="health-requests"
          value={requests.thisHour.requests.toLocaleString("en-US")}
          detail={`${requests.thisHour.errors.toLocaleString("en-US")} server errors`}
        />
        <Stat
          label="Last order" testId="health-last-order"
          value={orders.lastAt ? <Timestamp iso={orders.lastAt} now={now} /> : "None yet"}
          detail={orders.lastStatus ? `${humanize(orders.lastStatus)} · ${orders.last24h} in the last 24 h` : `${orders.last24h} in the last 24 h`}
        />
        <Stat
          label="Bots" testId="health-bots" alert={botProblems > 0}
          value={botsValue(bots, botProblems)}
          detail={bots.active || bots.pending ? <Link to="#bots" className="hover:underline">Bot details ↓</Link> : "The shop has not connected a Telegram bot."}
        />
      </dl>
      {domains.length ? (
        <div className="relative overflow-x-auto">
        <table className="min-w-full divide-y divide-gray-100 text-sm" data-testid="health-domains">
          <caption className="sr-only">Custom domains and their certificates</caption>
          <thead className="bg-gray-50">
            <tr>
              {["Domain", "Status", "Certificate"].map((h) => (
                <th key={h} scope="col" className="px-4 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500">{h}</th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {domains.map((d) => {
              return (
                <tr key={d.id}>
                  <td className="px-4 py-2">
                    <Link to={`/ops/domains/${d.id}`} className="font-mono text-xs text-gray-900 hover:underline">{d.hostname}</Link>
                    {d.isPrimary ? <span className="ml-2 text-xs text-gray-500">primary</span> : null}
                  </td>
                  <td className="px-4 py-2"><DomainStatusBadge status={d.status} /></td>
                  <td className="px-4 py-2">
                    <span className="flex flex-wrap items-center gap-2">
                      <TlsBadge status={d.tlsStatus} />
                      {d.tlsDaysLeft !== null ? <span className={d.tlsEndingSoon ? "font-medium text-rose-700" : "text-gray-600"}>{daysLeftText(d.tlsDaysLeft)}</span> : null}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      ) : (
        <p className="px-4 py-3 text-sm text-gray-500">No custom domains: the shop is served on its platform subdomain.</p>
      )}
      {certAlerts ? (
        <p className="border-t border-gray-100 px-4 py-2 text-sm text-rose-700">
          {`${certAlerts} ${certAlerts === 1 ? "certificate ends" : "certificates end"} within ${health.tlsWarningDays} days.`}
        </p>
      ) : null}
    </Card>
  );
}
