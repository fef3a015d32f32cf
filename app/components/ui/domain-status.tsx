import { Badge, type BadgeTone } from "./badge.tsx";
import { formatDate } from "./page.tsx";

/** A custom domain as the dashboard and the console render it (server/domains DomainView, dates as ISO strings). */
export interface DomainState {
  id: string;
  hostname: string;
  mode: "cname" | "apex";
  status: string;
  isPrimary: boolean;
  records: Array<{ type: string; name: string; value: string }>;
  problems: string[];
  lastError: string | null;
  checkAttempts: number;
  lastCheckedAt: string | null;
  nextCheckAt: string | null;
  verifiedAt: string | null;
  degradedSince: string | null;
  createdAt: string;
  tls: {
    status: string;
    issuer: string | null;
    notAfter: string | null;
    daysLeft: number | null;
    sanMatch: boolean | null;
    checkedAt: string | null;
    error: string | null;
    warning: string | null;
  };
}

/** The states a domain that is not removed can be in (TenantDomainStatus), for filters. */
export const DOMAIN_STATES = ["pending", "active", "degraded", "failed", "suspended"] as const;

const STATUS: Record<string, { tone: BadgeTone; label: string }> = {
  pending: { tone: "amber", label: "Pending" },
  active: { tone: "green", label: "Active" },
  degraded: { tone: "amber", label: "Degraded" },
  failed: { tone: "red", label: "Failed" },
  suspended: { tone: "red", label: "Suspended" },
  removed: { tone: "gray", label: "Removed" },
};

function LabelledBadge({ labels, value }: { labels: Record<string, { tone: BadgeTone; label: string }>; value: string }) {
  const s = labels[value] ?? { tone: "gray" as const, label: value };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export function DomainStatusBadge({ status }: { status: string }) {
  return (
    <span data-testid="domain-status">
      <LabelledBadge labels={STATUS} value={status} />
    </span>
  );
}

/**
 * A served domain we have never checked ourselves (a manifest or the platform declared it active): its badge alone
 * would claim a verification that did not happen. The dashboard card and the console say the same words.
 */
export function notCheckedYet(d: Pick<DomainState, "status" | "lastCheckedAt" | "nextCheckAt">) {
  if (d.lastCheckedAt || (d.status !== "active" && d.status !== "degraded")) return null;
  return d.nextCheckAt ? `not re-checked yet — first check due ${formatDate(d.nextCheckAt)}` : "not re-checked yet — no check scheduled";
}

const TLS: Record<string, { tone: BadgeTone; label: string }> = {
  pending: { tone: "gray", label: "No certificate yet" },
  issued: { tone: "green", label: "Certificate issued" },
  failed: { tone: "red", label: "Certificate failed" },
  expired: { tone: "red", label: "Certificate expired" },
};

export function TlsBadge({ status }: { status: string }) {
  return <LabelledBadge labels={TLS} value={status} />;
}

/** "12 days left", or for the short-lived certificates some CAs issue, "under a day (renewed automatically)". */
export function daysLeftText(daysLeft: number | null) {
  if (daysLeft === null) return null;
  if (daysLeft < 0) return "expired";
  if (daysLeft < 1) return "under a day left";
  return `${daysLeft} ${daysLeft === 1 ? "day" : "days"} left`;
}

/** The certificate the edge served for the domain at the last probe: issuer, expiry and the warning, if any. */
export function TlsDetails({ tls }: { tls: DomainState["tls"] }) {
  if (!tls.checkedAt) {
    return <span className="text-gray-500">Not checked yet. The certificate is issued on the first HTTPS visit after verification.</span>;
  }
  const left = daysLeftText(tls.daysLeft);
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <TlsBadge status={tls.status} />
        {tls.issuer ? <span className="text-gray-700">by {tls.issuer}</span> : null}
      </div>
      {tls.notAfter ? (
        <p className="text-xs text-gray-500">
          Valid until {formatDate(tls.notAfter)}
          {left ? ` · ${left}` : ""} · probed {formatDate(tls.checkedAt)}
        </p>
      ) : null}
      {tls.warning ? <p className="text-sm text-amber-800" data-testid="tls-warning">{tls.warning}</p> : null}
      {tls.error && !tls.warning ? <p className="font-mono text-xs text-red-700">{tls.error}</p> : null}
    </div>
  );
}

/** Time of day with seconds, for live checks (UTC, like every other date on the dashboard). */
export function clockTime(iso: string) {
  return `${iso.slice(11, 19)} UTC`;
}
