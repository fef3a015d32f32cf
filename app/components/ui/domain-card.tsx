import { useFetcher } from "@remix-run/react";
import type { SubmissionResult } from "@conform-to/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Badge } from "./badge.tsx";
import { Button } from "./button.tsx";
import { FormErrors } from "./field.tsx";
import { Alert, formatDate } from "./page.tsx";
import { Timestamp } from "./timestamp.tsx";
import { DnsRecordsTable } from "./dns-records-table.tsx";
import { DomainStatusBadge, notCheckedYet, TlsDetails, type DomainState } from "./domain-status.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";

/** What the domains page's action answers (see dashboard.$tenantId.domains.tsx). */
export interface DomainActionReply {
  intent: string;
  result: SubmissionResult<string[]>;
  check: { domainId: string; from: string; to: string; throttled: boolean } | null;
}

const ROUTED = new Set(["active", "degraded"]);

/** Every message of a reply that came back to a fetcher (its small forms have no fields to show them next to). */
export function replyErrors(reply: DomainActionReply | undefined) {
  return errorsOf(reply?.result) ?? [];
}

function statusSentence(d: DomainState): React.ReactNode {
  switch (d.status) {
    case "pending":
      return "Create the records below at your DNS provider. While this page is open we check every few seconds; after that, on a schedule (first within minutes, then up to every 4 hours).";
    case "active":
      if (!d.lastCheckedAt) {
        return (
          <>
            Set up as active by the platform on {formatDate(d.verifiedAt ?? d.createdAt)}; we have not checked its DNS records ourselves yet.{" "}
            {d.nextCheckAt ? `The first check is due ${formatDate(d.nextCheckAt)}` : "No check is scheduled yet"} (or press “Check now”). It is served at{" "}
            <a href={`https://${d.hostname}/`} target="_blank" rel="noreferrer" className="font-medium text-indigo-700 underline underline-offset-2">https://{d.hostname}</a> meanwhile.
          </>
        );
      }
      return (
        <>
          Verified {formatDate(d.verifiedAt)}. Your shop answers at{" "}
          <a href={`https://${d.hostname}/`} target="_blank" rel="noreferrer" className="font-medium text-indigo-700 underline underline-offset-2">https://{d.hostname}</a>.
        </>
      );
    case "degraded":
      return `Since ${formatDate(d.degradedSince)} the records no longer point at your shop. It is still served for now; fix the records below to keep it.`;
    case "failed":
      return "We could not verify this domain in time and stopped checking. Fix the records below, then press “Check now”.";
    case "suspended":
      return "No longer served: its records pointed elsewhere for too long. Fix them, then press “Check now”.";
    default:
      return null;
  }
}

function CheckFeedback({ check }: { check: NonNullable<DomainActionReply["check"]> }) {
  if (check.throttled) return <p className="text-sm text-gray-600">Checked a moment ago: what you see is current. Try again in a few seconds.</p>;
  if (check.to === "active" && check.from !== "active") return <Alert tone="success">Verified.</Alert>;
  return <p className="text-sm text-gray-600" role="status">Checked just now.</p>;
}

function DomainActions({ d }: { d: DomainState }) {
  const fetcher = useFetcher<DomainActionReply>();
  const busy = fetcher.state !== "idle" ? String(fetcher.formData?.get("intent") ?? "") : null;
  const reply = fetcher.state === "idle" ? fetcher.data : undefined;
  const errors = replyErrors(reply);
  const hidden = (intent: string) => (
    <>
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="domainId" value={d.id} />
    </>
  );
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <fetcher.Form method="post">
          {hidden("check")}
          <Button type="submit" variant="secondary" size="sm" disabled={busy === "check"}>{busy === "check" ? "Checking…" : "Check now"}</Button>
        </fetcher.Form>
        {ROUTED.has(d.status) && !d.isPrimary ? (
          <fetcher.Form method="post">
            {hidden("primary")}
            <Button type="submit" variant="secondary" size="sm" disabled={busy === "primary"}>Make primary</Button>
          </fetcher.Form>
        ) : null}
        <fetcher.Form
          method="post"
          onSubmit={(e) => {
            const more = d.isPrimary ? " Your primary address goes back to the platform subdomain." : "";
            if (!window.confirm(`Remove ${d.hostname}? It stops serving your shop right away.${more}`)) e.preventDefault();
          }}
        >
          {hidden("remove")}
          <Button type="submit" variant="danger" size="sm" disabled={busy === "remove"} aria-label={`Remove ${d.hostname}`}>
            {busy === "remove" ? "Removing…" : "Remove"}
          </Button>
        </fetcher.Form>
      </div>
      {errors.length ? <FormErrors errors={errors} /> : null}
      {reply?.check ? <CheckFeedback check={reply.check} /> : null}
    </div>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-gray-500">{label}</dt>
      <dd className="mt-1 text-sm text-gray-900">{children}</dd>
    </div>
  );
}

export function DomainCard({ domain: d, canEdit, now }: { domain: DomainState; canEdit: boolean; now: string }) {
  const routed = ROUTED.has(d.status);
  const records = <DnsRecordsTable records={d.records} caption={`DNS records for ${d.hostname}`} />;
  return (
    <article aria-labelledby={`domain-${d.id}`} data-testid="domain-card" data-hostname={d.hostname} className="rounded-xl border border-gray-200 bg-white shadow-sm">
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-gray-100 px-5 py-4">
        <div className="min-w-0">
          <h3 id={`domain-${d.id}`} className="font-mono text-base font-semibold break-all text-gray-900">{d.hostname}</h3>
          <div className="mt-1.5 flex flex-wrap items-center gap-2 text-xs text-gray-500">
            <DomainStatusBadge status={d.status} />
            {notCheckedYet(d) ? <span className="font-medium text-amber-800" data-testid="domain-not-checked">· {notCheckedYet(d)}</span> : null}
            {d.isPrimary ? <Badge tone="indigo">Primary</Badge> : null}
            <span>{d.mode === "apex" ? "Root domain (A records)" : "Subdomain (CNAME)"}</span>
          </div>
        </div>
        {canEdit ? <DomainActions d={d} /> : null}
      </header>
      <div className="space-y-4 px-5 py-4">
        <p className="text-sm text-gray-700">{statusSentence(d)}</p>
        {d.lastError ? <Alert tone="warning">{d.lastError}</Alert> : null}
        {d.problems.length ? (
          <Alert tone="warning" title="What the last check found">
            <ul className="list-disc space-y-1 pl-4" data-testid="domain-problems">
              {d.problems.map((p) => <li key={p}>{p}</li>)}
            </ul>
          </Alert>
        ) : null}
        {routed && d.status === "active" ? (
          <details className="group">
            <summary className="cursor-pointer text-sm font-medium text-indigo-700 hover:text-indigo-600">DNS records for this domain</summary>
            <div className="mt-3">{records}</div>
          </details>
        ) : (
          <div className="space-y-2">
            {records}
            <p className="text-xs text-gray-500">
              Some DNS providers want only the part of the name before your domain (for shop.example.com: <code className="font-mono">_storefront-verify.shop</code>). The TXT record can be deleted once the domain is verified.
            </p>
          </div>
        )}
        <dl className="grid gap-4 border-t border-gray-100 pt-4 sm:grid-cols-3">
          <Detail label="Last checked"><Timestamp iso={d.lastCheckedAt} now={now} empty="Never" /></Detail>
          <Detail label={d.lastCheckedAt ? "Next scheduled check" : "First check due"}>{d.nextCheckAt ? formatDate(d.nextCheckAt) : <span className="text-gray-500">None scheduled</span>}</Detail>
          <Detail label="HTTPS">{routed ? <TlsDetails tls={d.tls} /> : <span className="text-gray-500">Issued once the domain is verified.</span>}</Detail>
        </dl>
      </div>
    </article>
  );
}
