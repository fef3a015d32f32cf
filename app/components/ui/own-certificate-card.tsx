/**
 * The Domains page's "Your own certificate" card (ADR 042): per active domain, the uploaded certificate (or "issued
 * automatically") and, for owners, a form to upload a PEM chain + key or a .pfx, or to remove it. Posts to
 * /dashboard/:tenantId/domains/certificate through a fetcher; the refusal's sentence shows under the form.
 */
import { useFetcher, useRouteLoaderData } from "@remix-run/react";
import { useState } from "react";
import { Button } from "#app/components/ui/button.tsx";
import { inputClass } from "#app/components/ui/field.tsx";
import { Card } from "#app/components/ui/page.tsx";
import type { DomainState } from "#app/components/ui/domain-status.tsx";
import type { OwnCertificateState } from "#app/routes/dashboard.$tenantId.domains.certificate.server.ts";
import type { CertificateReply } from "#app/routes/dashboard.$tenantId.domains.certificate.tsx";

function DomainCertificate({ tenantId, domain, cert, canUpload }: { tenantId: string; domain: DomainState; cert: OwnCertificateState | undefined; canUpload: boolean }) {
  const fetcher = useFetcher<CertificateReply>();
  const csrf = (useRouteLoaderData("root") as { csrfToken?: string | null } | undefined)?.csrfToken ?? "";
  const [format, setFormat] = useState<"pem" | "pfx">("pem");
  const busy = fetcher.state !== "idle";
  const reply = fetcher.state === "idle" ? fetcher.data : undefined;
  const id = (name: string) => `cert-${domain.id}-${name}`;
  return (
    <div className="space-y-3 border-t border-gray-100 pt-4 first:border-t-0 first:pt-0" data-testid={`own-cert-${domain.hostname}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-mono text-sm font-semibold break-all text-gray-900">{domain.hostname}</p>
        <p className="text-sm text-gray-600">
          {cert ? <>Your certificate (serial {cert.serial}, {cert.issuer ?? "unknown issuer"}), valid until {cert.notAfter.slice(0, 10)}</> : "Certificate issued automatically"}
        </p>
      </div>
      {cert?.warning ? <p className="text-sm font-medium text-amber-700">{cert.warning}</p> : null}
      {canUpload ? (
        <fetcher.Form method="post" action={`/dashboard/${tenantId}/domains/certificate`} encType="multipart/form-data" className="space-y-3">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="domainId" value={domain.id} />
          <fieldset className="flex gap-4 text-sm text-gray-800">
            <legend className="sr-only">Format</legend>
            <label className="flex items-center gap-1.5"><input type="radio" checked={format === "pem"} onChange={() => setFormat("pem")} /> PEM text</label>
            <label className="flex items-center gap-1.5"><input type="radio" checked={format === "pfx"} onChange={() => setFormat("pfx")} /> .pfx file</label>
          </fieldset>
          {format === "pem" ? (
            <div className="grid gap-3 sm:grid-cols-2">
              <div>
                <label htmlFor={id("chain")} className="block text-sm font-medium text-gray-800">Certificate and intermediates</label>
                <textarea id={id("chain")} name="certificatePem" rows={4} className={`mt-1.5 font-mono text-xs ${inputClass}`} placeholder="-----BEGIN CERTIFICATE-----" />
              </div>
              <div>
                <label htmlFor={id("key")} className="block text-sm font-medium text-gray-800">Private key</label>
                <textarea id={id("key")} name="keyPem" rows={4} className={`mt-1.5 font-mono text-xs ${inputClass}`} placeholder="-----BEGIN PRIVATE KEY-----" />
              </div>
            </div>
          ) : (
            <div className="grid gap-3 sm:grid-cols-2">
              <div>
                <label htmlFor={id("pfx")} className="block text-sm font-medium text-gray-800">.pfx / .p12 file</label>
                <input id={id("pfx")} name="pfx" type="file" accept=".pfx,.p12,application/x-pkcs12" className="mt-1.5 block text-sm" />
              </div>
              <div>
                <label htmlFor={id("password")} className="block text-sm font-medium text-gray-800">Its password</label>
                <input id={id("password")} name="password" type="password" autoComplete="off" className={`mt-1.5 ${inputClass}`} />
              </div>
            </div>
          )}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" name="intent" value={format === "pem" ? "upload-pem" : "upload-pfx"} disabled={busy}>{busy ? "Checking…" : "Upload certificate"}</Button>
            {cert ? <Button type="submit" name="intent" value="remove" variant="secondary" disabled={busy}>Remove (issue automatically)</Button> : null}
          </div>
          {reply ? <p role={reply.ok ? "status" : "alert"} className={`text-sm ${reply.ok ? "text-green-700" : "text-red-700"}`}>{reply.message}</p> : null}
        </fetcher.Form>
      ) : null}
    </div>
  );
}

export function OwnCertificateCard({ tenantId, domains, certificates, canUpload }: { tenantId: string; domains: DomainState[]; certificates: OwnCertificateState[]; canUpload: boolean }) {
  const active = domains.filter((d) => d.status === "active" || d.status === "degraded");
  if (!active.length) return null;
  return (
    <Card
      title="Your own certificate"
      description="HTTPS certificates are issued automatically. If you must use one from your own certificate authority, upload it here (RSA; the certificate, its intermediates and the private key, or a .pfx file). Only owners can upload."
    >
      <div className="space-y-4">
        {active.map((d) => <DomainCertificate key={d.id} tenantId={tenantId} domain={d} cert={certificates.find((c) => c.domainId === d.id)} canUpload={canUpload && d.status === "active"} />)}
      </div>
    </Card>
  );
}
