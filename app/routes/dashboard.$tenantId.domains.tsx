import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { MAX_DOMAINS_PER_TENANT, checkDomain, checkPendingDomains, domainState } from "./dashboard.$tenantId.domains.server.ts";
import { ApiError, replyWithApiError } from "#app/utils/api-error.server.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { CheckboxField, FormErrors, inputClass, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card, EmptyState } from "#app/components/ui/page.tsx";
import { DomainCard, replyErrors, type DomainActionReply } from "#app/components/ui/domain-card.tsx";
import { clockTime, type DomainState } from "#app/components/ui/domain-status.tsx";
import { useVisibleInterval } from "#app/components/ui/use-visible-interval.ts";
import { requireParam } from "#app/utils/params.ts";
import { OwnCertificateCard } from "#app/components/ui/own-certificate-card.tsx";
import { ownCertificates } from "./dashboard.$tenantId.domains.certificate.server.ts";

const POLL_MS = 4000;

// The hostname rules themselves (IDN, reserved names, the platform's own domain) are the server's: its
// DOMAIN_INVALID message is shown next to the field.
const hostname = z
  .string({ error: "Enter the domain you want to use, such as shop.example.com." })
  .trim()
  .max(253, "A domain name has at most 253 characters.");
const domainActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add"), hostname, apex: z.boolean().optional() }),
  z.object({ intent: z.literal("check"), domainId: z.uuid() }),
  z.object({ intent: z.literal("poll") }),
  z.object({ intent: z.literal("remove"), domainId: z.uuid() }),
  // No domainId: back to the platform subdomain.
  z.object({ intent: z.literal("primary"), domainId: z.uuid().optional() }),
]);
const addSchema = domainActionSchema.options[0];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { tenant, roles } = await requireTenantRole(request, context, tenantId, { action: "domains.read", operator: false });
  const domains = await context.services.domains.list(tenantId);
  const url = new URL(request.url);
  return {
    // Newest first: a domain just added sits right under the form, and cards keep their place as states change.
    domains: domains.map(domainState).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    canEdit: can(roles, "domains.manage"),
    canUploadCertificates: can(roles, "domains.certificates"),
    certificates: await ownCertificates(context, tenantId),
    tenantId,
    subdomain: `${tenant.slug}.${context.platformDomain}`,
    subdomainUrl: `${url.protocol}//${tenant.slug}.${context.platformDomain}${url.port ? `:${url.port}` : ""}/`,
    maxDomains: MAX_DOMAINS_PER_TENANT,
    now: new Date().toISOString(),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "domains.manage", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: domainActionSchema });
  const intent = String(formData.get("intent") ?? "");
  if (submission.status !== "success") return json({ intent, result: submission.reply(), check: null }, { status: 400 });
  const { domains } = context.services;
  const input = submission.value;
  try {
    switch (input.intent) {
      case "add":
        await domains.add(auditActor(context), tenantId, { hostname: input.hostname, ...(input.apex ? { mode: "apex" as const } : {}) });
        return json({ intent, result: submission.reply({ resetForm: true }), check: null });
      case "check":
        return json({ intent, result: submission.reply(), check: await checkDomain(context, tenantId, input.domainId) });
      case "poll":
        await checkPendingDomains(context, tenantId);
        break;
      case "remove":
        await domains.remove(auditActor(context), tenantId, input.domainId);
        break;
      case "primary":
        await domains.setPrimary(auditActor(context), tenantId, input.domainId ?? null);
        break;
    }
  } catch (err) {
    const result = replyWithApiError(submission, err, { DOMAIN_INVALID: "hostname", DOMAIN_TAKEN: "hostname" });
    return json({ intent, result, check: null }, { status: err instanceof ApiError ? err.status : 400 });
  }
  return json({ intent, result: submission.reply(), check: null });
}

function AddDomainForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const busy = useNavigation().formData?.get("intent") === "add";
  const [form, fields] = useForm({
    id: "add-domain",
    lastResult,
    constraint: getZodConstraint(addSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: addSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      <CsrfInput />
      <input type="hidden" name="intent" value="add" />
      <FormErrors id={form.errorId} errors={form.errors} />
      <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start">
        <TextField
          meta={fields.hostname}
          label="Domain"
          placeholder="shop.example.com"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          help="Just the name: no https:// and no path. A subdomain such as shop.example.com is easiest."
        />
        <Button type="submit" disabled={busy} className="sm:mt-[1.625rem]">{busy ? "Adding…" : "Add domain"}</Button>
      </div>
      <CheckboxField
        meta={fields.apex}
        label="Root domain (A records)"
        help="For a bare domain such as example.com, whose DNS provider allows no CNAME there. Root domains are detected automatically; tick this only to use A records anyway."
      />
    </Form>
  );
}

function PrimaryHostCard({ domains, subdomain, subdomainUrl, canEdit }: { domains: DomainState[]; subdomain: string; subdomainUrl: string; canEdit: boolean }) {
  const fetcher = useFetcher<DomainActionReply>();
  const primary = domains.find((d) => d.isPrimary) ?? null;
  const candidates = domains.filter((d) => d.status === "active" || d.status === "degraded");
  const others = [...(primary ? [subdomain] : []), ...domains.filter((d) => !d.isPrimary && (d.status === "active" || d.status === "degraded")).map((d) => d.hostname)];
  const errors = fetcher.state === "idle" ? replyErrors(fetcher.data) : [];
  return (
    <Card
      title="Primary address"
      description="Where buyers land. Every other address of the shop answers with a permanent redirect (301) to the same page here, so links and search engines end up on one address."
    >
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div className="min-w-0">
          <p className="font-mono text-lg font-semibold break-all text-gray-900" data-testid="primary-host">{primary?.hostname ?? subdomain}</p>
          <p className="text-sm text-gray-500">{primary ? "Your custom domain" : "The platform subdomain (the default)"}</p>
          {others.length ? <p className="mt-1 text-xs text-gray-500">Redirecting here: {others.join(", ")}</p> : null}
        </div>
        <a href={primary ? `https://${primary.hostname}/` : subdomainUrl} target="_blank" rel="noreferrer" className="text-sm font-medium text-indigo-700 hover:text-indigo-600">
          Open the shop ↗
        </a>
      </div>
      {canEdit && candidates.length ? (
        <fetcher.Form method="post" key={primary?.id ?? "subdomain"} className="mt-4 flex flex-wrap items-end gap-2 border-t border-gray-100 pt-4">
          <CsrfInput />
          <input type="hidden" name="intent" value="primary" />
          <div className="w-full sm:w-auto sm:min-w-80">
            <label htmlFor="primary-domain" className="block text-sm font-medium text-gray-800">Switch the primary address</label>
            <select id="primary-domain" name="domainId" defaultValue={primary?.id ?? ""} className={`mt-1.5 ${inputClass} pr-8`}>
              <option value="">{subdomain} (platform subdomain)</option>
              {candidates.map((d) => <option key={d.id} value={d.id}>{d.hostname}</option>)}
            </select>
          </div>
          <Button type="submit" variant="secondary" disabled={fetcher.state !== "idle"}>{fetcher.state !== "idle" ? "Saving…" : "Save"}</Button>
        </fetcher.Form>
      ) : canEdit ? (
        <p className="mt-4 border-t border-gray-100 pt-4 text-sm text-gray-500">Once a custom domain is verified, you can make it the primary address here.</p>
      ) : null}
      {errors.length ? <div className="mt-3"><FormErrors errors={errors} /></div> : null}
    </Card>
  );
}

/** Polls the check action while a domain is pending and the tab is visible; the action revalidates the page. */
function usePendingChecks(pending: boolean) {
  const fetcher = useFetcher<DomainActionReply>({ key: "domain-poll" });
  const csrf = (useRouteLoaderData("root") as { csrfToken?: string | null } | undefined)?.csrfToken ?? "";
  const visible = useVisibleInterval(
    () => {
      if (fetcher.state === "idle") fetcher.submit({ intent: "poll", csrf }, { method: "post" });
    },
    POLL_MS,
    pending,
  );
  return { checking: fetcher.state !== "idle", paused: pending && !visible };
}

/** Hostnames that turned active while this page was open (by polling, "Check now" or a background check). */
function useNewlyVerified(domains: DomainState[]) {
  const seen = useRef<Map<string, string> | null>(null);
  const [verified, setVerified] = useState<DomainState[]>([]);
  useEffect(() => {
    const before = seen.current;
    seen.current = new Map(domains.map((d) => [d.id, d.status]));
    if (!before) return;
    const newly = domains.filter((d) => d.status === "active" && before.has(d.id) && before.get(d.id) !== "active" && before.get(d.id) !== "degraded");
    if (newly.length) setVerified((v) => [...v.filter((x) => !newly.some((n) => n.id === x.id)), ...newly]);
  }, [domains]);
  return verified.filter((v) => domains.some((d) => d.id === v.id && d.status === "active"));
}

function PollStatus({ domains, checking, paused }: { domains: DomainState[]; checking: boolean; paused: boolean }) {
  const last = domains.map((d) => d.lastCheckedAt).filter((x): x is string => Boolean(x)).sort().at(-1);
  return (
    <p className="flex items-center gap-2 text-xs text-gray-500" data-testid="poll-status">
      {checking ? (
        <>
          <span aria-hidden className="size-3 animate-spin rounded-full border-2 border-indigo-600 border-t-transparent" />
          <span className="font-medium text-indigo-700">Checking…</span>
        </>
      ) : paused ? (
        <span>Automatic checks paused while this tab is hidden.</span>
      ) : (
        <span>Checking automatically every few seconds.</span>
      )}
      {last ? <span>Last check {clockTime(last)}</span> : null}
    </p>
  );
}

export default function DomainsPage() {
  const { domains, canEdit, canUploadCertificates, certificates, tenantId, subdomain, subdomainUrl, maxDomains, now } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const pending = domains.filter((d) => d.status === "pending");
  const { checking, paused } = usePendingChecks(canEdit && pending.length > 0);
  const verified = useNewlyVerified(domains);
  return (
    <div className="space-y-6">
      {verified.map((d) => (
        <Alert key={d.id} tone="success" title={`${d.hostname} is verified`}>
          Your shop now answers at{" "}
          <a href={`https://${d.hostname}/`} target="_blank" rel="noreferrer" className="font-medium underline underline-offset-2">
            https://{d.hostname}
          </a>
          {d.isPrimary ? ", now your primary address." : "."}
        </Alert>
      ))}
      <PrimaryHostCard domains={domains} subdomain={subdomain} subdomainUrl={subdomainUrl} canEdit={canEdit} />
      {canEdit ? (
        <Card
          title="Add a domain"
          description="Use a domain you own. You then create two DNS records at your DNS provider; we verify them and set up HTTPS automatically."
        >
          <AddDomainForm lastResult={actionData?.intent === "add" ? actionData.result : undefined} />
        </Card>
      ) : (
        <Alert>Owners, managers and developers can add and change domains. You can see their state here.</Alert>
      )}
      <section aria-labelledby="domains-heading" className="space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="domains-heading" className="text-base font-semibold text-gray-900">
            Custom domains <span className="text-sm font-normal text-gray-500">({domains.length} of {maxDomains})</span>
          </h2>
          {canEdit && pending.length ? <PollStatus domains={pending} checking={checking} paused={paused} /> : null}
        </div>
        {domains.length === 0 ? (
          <EmptyState
            title="No custom domains yet"
            description={`Your shop is at ${subdomain}. Add a domain you own to give it your own address; the subdomain keeps working and redirects to it.`}
          />
        ) : (
          domains.map((d) => <DomainCard key={d.id} domain={d} canEdit={canEdit} now={now} />)
        )}
      </section>
      <OwnCertificateCard tenantId={tenantId} domains={domains} certificates={certificates} canUpload={canUploadCertificates} />
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
