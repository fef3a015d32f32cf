/** The cards of the console's tenant page: header, overview, members, bots and payment policy. */
import { Link } from "@remix-run/react";
import { ROLE } from "#server/auth/shared.ts";
import type { TenantRecord } from "#app/routes/ops.tenants.$tenantId.server.ts";
import { OwnerEmailBadge, Pill, TenantStatusBadge } from "./badges.tsx";
import { BotHealthTable, type BotHealthView } from "./bot-health.tsx";
import { formatDateTime, humanize } from "./format.ts";
import { buttonClass, Card, EmptyState, PageHeader } from "./layout.tsx";

type Tenant = TenantRecord["tenant"];

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 px-4 py-2.5 [&>*]:min-w-0">
      <dt className="text-sm text-gray-500">{label}</dt>
      <dd className="col-span-2 min-w-0 text-sm text-gray-900">{children}</dd>
    </div>
  );
}

export function TenantHeader({ tenant, previewPath, liveUrl }: { tenant: Tenant; previewPath: string; liveUrl: string | null }) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-sm text-gray-500">
        <Link to="/ops" className="hover:text-gray-900">
          Tenants
        </Link>
        <span className="mx-2 text-gray-300">/</span>
        <span className="font-mono text-gray-700">{tenant.slug}</span>
      </nav>

      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            {tenant.displayName}
            <TenantStatusBadge status={tenant.status} />
          </span>
        }
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="font-mono">{tenant.slug}</span>
            <span className="text-gray-300">·</span>
            <span>{humanize(tenant.type)}</span>
            <span className="text-gray-300">·</span>
            <span>Created {formatDateTime(tenant.createdAt)}</span>
          </span>
        }
        actions={
          <>
            <a href={previewPath} className={buttonClass.secondary}>
              Preview <span className="font-mono text-xs text-gray-500">{previewPath}</span>
            </a>
            {liveUrl ? (
              <a href={liveUrl} target="_blank" rel="noreferrer" className={buttonClass.secondary}>
                Open live shop ↗
              </a>
            ) : null}
          </>
        }
      />
    </>
  );
}

export function TenantOverviewCard({ tenant }: { tenant: Tenant }) {
  return (
    <Card title="Overview">
      <dl className="divide-y divide-gray-100">
        <Field label="Status">
          <div className="flex flex-col gap-1">
            <span>
              <TenantStatusBadge status={tenant.status} />
            </span>
            {tenant.statusReason ? <span className="text-gray-600">“{tenant.statusReason}”</span> : <span className="text-gray-500">No reason recorded</span>}
          </div>
        </Field>
        <Field label="Type">{humanize(tenant.type)}</Field>
        <Field label="Owner">
          {tenant.owner ? (
            <span className="flex flex-wrap items-center gap-2">
              <Link to={`/ops/audit?actor=${encodeURIComponent(tenant.owner.email)}`} className="break-all hover:underline" title="Audit entries by this user">
                {tenant.owner.email}
              </Link>
              <OwnerEmailBadge verified={tenant.owner.emailVerified} />
            </span>
          ) : (
            <span className="text-gray-500">No owner</span>
          )}
        </Field>
        <Field label="Currency">{tenant.currency}</Field>
        <Field label="Created">{formatDateTime(tenant.createdAt)}</Field>
        <Field label="Last updated">{formatDateTime(tenant.updatedAt)}</Field>
        <Field label="Tenant ID">
          <code className="font-mono text-xs break-all text-gray-700">{tenant.id}</code>
        </Field>
      </dl>
    </Card>
  );
}

export function TenantMembersCard({ members }: { members: TenantRecord["members"] }) {
  return (
    <Card title={`Members (${members.length})`}>
      {members.length === 0 ? (
        <EmptyState title="No members" />
      ) : (
        <div className="relative overflow-x-auto">
        <table className="min-w-full divide-y divide-gray-200 text-sm">
          <thead className="bg-gray-50">
            <tr>
              <th scope="col" className="px-4 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500">User</th>
              <th scope="col" className="px-4 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500">Roles</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {members.map((m) => (
              <tr key={m.userId}>
                <td className="px-4 py-2">
                  <div className="text-gray-900">{m.email}</div>
                  {m.displayName ? <div className="text-xs text-gray-500">{m.displayName}</div> : null}
                </td>
                <td className="px-4 py-2">
                  <div className="flex flex-wrap gap-1">
                    {m.roles.map((r) => (
                      <Pill key={r} tone={r === ROLE.owner ? "indigo" : "gray"}>
                        {r}
                      </Pill>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </Card>
  );
}

export function TenantBotsCard({ bots }: { bots: { rows: BotHealthView[]; problems: number; now: string } }) {
  return (
    <Card
      id="bots"
      title={
        <span className="flex items-center gap-2">
          Telegram bots
          {bots.problems ? (
            <span className="rounded-full bg-rose-600 px-1.5 py-0.5 text-xs font-semibold text-white">
              {bots.problems} {bots.problems === 1 ? "problem" : "problems"}
            </span>
          ) : null}
        </span>
      }
      actions={
        <Link to="/ops/bots" className="text-xs font-medium text-gray-500 hover:text-gray-900">
          All bots →
        </Link>
      }
    >
      {bots.rows.length === 0 ? (
        <EmptyState title="No bots">This shop has not connected a Telegram bot.</EmptyState>
      ) : (
        <BotHealthTable bots={bots.rows} now={bots.now} showTenant={false} />
      )}
    </Card>
  );
}

export function PaymentPolicyCard({ policy, currency }: { policy: TenantRecord["policy"]; currency: string }) {
  return (
    <Card title="Payment policy">
      {policy ? (
        <dl className="divide-y divide-gray-100">
          <Field label="Allowed rails">
            <div className="flex flex-wrap gap-1">
              {policy.allowedRails.map((r) => (
                <Pill key={r} tone={r === policy.defaultRail ? "indigo" : "gray"}>
                  {humanize(r)}
                  {r === policy.defaultRail ? " · default" : ""}
                </Pill>
              ))}
            </div>
          </Field>
          <Field label="Escrow required">
            {policy.escrowRequiredAbove ? (
              <>
                Above {policy.escrowRequiredAbove} {currency}
              </>
            ) : (
              <span className="text-gray-500">No amount threshold</span>
            )}
            {policy.escrowRequiredForCategories.length ? (
              <div className="mt-1 text-xs text-gray-600">Categories: {policy.escrowRequiredForCategories.join(", ")}</div>
            ) : null}
          </Field>
          <Field label="Buyer disclosure">{humanize(policy.buyerDisclosureMode)}</Field>
        </dl>
      ) : (
        <EmptyState title="No payment policy">This shop has no policy row; checkout uses the platform defaults.</EmptyState>
      )}
    </Card>
  );
}
