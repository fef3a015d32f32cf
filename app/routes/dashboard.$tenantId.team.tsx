import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import type { TenantRole } from "@prisma/client";
import { ROLE, TENANT_ROLES, emailSchema } from "#server/auth/shared.ts";
import { MAX_MANAGERS, MAX_OTHER_ROLES, auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FormErrors, SelectField, TextField, inputClass } from "#app/components/ui/field.tsx";
import { Alert, Card, formatDate } from "#app/components/ui/page.tsx";
import { ROLE_LABELS, RoleBadge } from "#app/components/ui/badge.tsx";
import { SecretReveal } from "#app/components/ui/copy-button.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";
import { requireParam } from "#app/utils/params.ts";

const role = z.enum(TENANT_ROLES, { error: "Choose a role." });
// The same shapes as roleGrantSchema / invitationCreateSchema (server/auth/team.ts), one per form intent.
const teamActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("invite"), email: emailSchema, role }),
  z.object({ intent: z.literal("grant"), userId: z.uuid(), role }),
  z.object({ intent: z.literal("revoke"), roleId: z.uuid() }),
  z.object({ intent: z.literal("withdraw"), invitationId: z.uuid() }),
]);
const inviteSchema = teamActionSchema.options[0];

const ROLE_HELP: Record<TenantRole, string> = {
  owner: "Everything, including brand, team and payments",
  manager: "Runs the shop day to day",
  finance: "Payment policy and money",
  support: "Orders and buyers",
  developer: "API access and integrations",
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { actor } = await requireTenantRole(request, context, tenantId, { action: "team.read", operator: false });
  const { team } = context.services;
  const [roles, invitations] = await Promise.all([team.listRoles(tenantId), team.listInvitations(tenantId)]);
  const members = new Map<string, { userId: string; email: string; displayName: string | null; since: string; roles: Array<{ id: string; role: string }> }>();
  for (const r of roles) {
    const m = members.get(r.user.id) ?? { userId: r.user.id, email: r.user.email, displayName: r.user.displayName, since: r.createdAt.toISOString(), roles: [] };
    m.roles.push({ id: r.id, role: r.role });
    members.set(m.userId, m);
  }
  const count = (pred: (role: string) => boolean) => roles.filter((r) => pred(r.role)).length + invitations.filter((i) => pred(i.role)).length;
  return {
    me: actor.userId,
    members: [...members.values()],
    invitations: invitations.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString() })),
    limits: {
      managers: { used: count((r) => r === ROLE.manager), max: MAX_MANAGERS },
      others: { used: count((r) => r !== ROLE.manager), max: MAX_OTHER_ROLES },
    },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "team.manage", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: teamActionSchema });
  const intent = String(formData.get("intent") ?? "");
  if (submission.status !== "success") return json({ intent, result: submission.reply(), inviteLink: null }, { status: 400 });
  const { team } = context.services;
  const actor = auditActor(context);
  const input = submission.value;
  // Mailed links point at this platform host (ADR 030).
  const origin = new URL(request.url).origin;
  try {
    switch (input.intent) {
      case "invite": {
        const { token } = await team.invite(actor, tenantId, { email: input.email, role: input.role }, origin);
        const inviteLink = `${origin}/invite/${token}`;
        return json({ intent, result: submission.reply({ resetForm: true }), inviteLink });
      }
      case "grant":
        await team.grantRole(actor, tenantId, { userId: input.userId, role: input.role }, origin);
        break;
      case "revoke":
        await team.revokeRole(actor, tenantId, input.roleId, origin);
        break;
      case "withdraw":
        await team.revokeInvitation(actor, tenantId, input.invitationId);
        break;
    }
  } catch (err) {
    return json({ intent, result: replyWithApiError(submission, err), inviteLink: null }, { status: 400 });
  }
  return json({ intent, result: submission.reply(), inviteLink: null });
}

function InviteForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const busy = useNavigation().formData?.get("intent") === "invite";
  const [form, fields] = useForm({
    id: "invite",
    lastResult,
    constraint: getZodConstraint(inviteSchema),
    defaultValue: { role: ROLE.manager },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      <CsrfInput />
      <input type="hidden" name="intent" value="invite" />
      <FormErrors id={form.errorId} errors={form.errors} />
      <div className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
        <TextField meta={fields.email} label="Email" type="email" placeholder="colleague@example.com" autoComplete="off" />
        <SelectField meta={fields.role} label="Role" options={TENANT_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] ?? r }))} />
        <Button type="submit" disabled={busy} className="sm:mt-[1.625rem]">{busy ? "Inviting…" : "Send invitation"}</Button>
      </div>
      <dl className="grid gap-x-6 gap-y-1 text-xs text-gray-500 sm:grid-cols-2">
        {TENANT_ROLES.map((r) => (
          <div key={r} className="flex gap-1.5">
            <dt className="font-medium text-gray-700">{ROLE_LABELS[r]}:</dt>
            <dd>{ROLE_HELP[r]}</dd>
          </div>
        ))}
      </dl>
    </Form>
  );
}

function IntentForm({ intent, fields, children, confirm }: { intent: string; fields: Record<string, string>; children: React.ReactNode; confirm?: string }) {
  return (
    <Form
      method="post"
      className="inline-flex items-center gap-2"
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) e.preventDefault();
      }}
    >
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
    </Form>
  );
}

export default function TeamPage() {
  const { me, members, invitations, limits } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const tenantName = (useRouteLoaderData("routes/dashboard.$tenantId") as { tenant?: { displayName: string } } | undefined)?.tenant?.displayName;
  const memberErrors = actionData?.intent === "grant" || actionData?.intent === "revoke" ? errorsOf(actionData.result) : undefined;
  const invitationErrors = actionData?.intent === "withdraw" ? errorsOf(actionData.result) : undefined;
  return (
    <div className="space-y-6">
      <Card
        title="Members"
        description="Everyone with access to this shop. A person can hold several roles."
        actions={
          <p className="text-xs text-gray-500" data-testid="team-limits">
            Managers {limits.managers.used}/{limits.managers.max} · Other roles {limits.others.used}/{limits.others.max}
          </p>
        }
      >
        {memberErrors ? <div className="mb-4"><FormErrors errors={memberErrors} /></div> : null}
        <div className={`-mx-5 overflow-x-auto ${memberErrors ? "-mb-4 border-t border-gray-100" : "-my-4"}`}>
          <table className="min-w-full divide-y divide-gray-100 text-sm">
            <thead className="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
              <tr>
                <th scope="col" className="px-5 py-2.5">Member</th>
                <th scope="col" className="px-5 py-2.5">Roles</th>
                <th scope="col" className="px-5 py-2.5">Add a role</th>
                <th scope="col" className="px-5 py-2.5">Since</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {members.map((m) => {
                const missing = TENANT_ROLES.filter((r) => !m.roles.some((x) => x.role === r));
                return (
                  <tr key={m.userId} className="align-middle">
                    <td className="px-5 py-3">
                      <p className="font-medium text-gray-900">
                        {m.displayName ?? m.email}
                        {m.userId === me ? <span className="ml-2 text-xs font-normal text-gray-500">(you)</span> : null}
                      </p>
                      {m.displayName ? <p className="text-xs text-gray-500">{m.email}</p> : null}
                    </td>
                    <td className="px-5 py-3">
                      <div className="flex flex-wrap gap-1.5">
                        {m.roles.map((r) => (
                          <IntentForm
                            key={r.id}
                            intent="revoke"
                            fields={{ roleId: r.id }}
                            confirm={`Remove the ${ROLE_LABELS[r.role]} role from ${m.email}${tenantName ? ` in ${tenantName}` : ""}?`}
                          >
                            <span className="inline-flex items-center gap-1">
                              <RoleBadge role={r.role} />
                              <button
                                type="submit"
                                className="rounded px-1 text-gray-400 hover:bg-red-50 hover:text-red-600"
                                aria-label={`Remove ${ROLE_LABELS[r.role]} role from ${m.email}`}
                                title="Remove this role"
                              >
                                ×
                              </button>
                            </span>
                          </IntentForm>
                        ))}
                      </div>
                    </td>
                    <td className="px-5 py-3">
                      {missing.length ? (
                        <IntentForm intent="grant" fields={{ userId: m.userId }}>
                          <label className="sr-only" htmlFor={`grant-${m.userId}`}>Role to add for {m.email}</label>
                          <select id={`grant-${m.userId}`} name="role" className={`${inputClass} w-36 py-1.5`}>
                            {missing.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
                          </select>
                          <Button type="submit" variant="secondary" size="sm">Add</Button>
                        </IntentForm>
                      ) : (
                        <span className="text-xs text-gray-400">Holds every role</span>
                      )}
                    </td>
                    <td className="px-5 py-3 whitespace-nowrap text-gray-500">{formatDate(m.since, false)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>

      <Card
        title="Invite someone"
        description={`They get a single-use link, valid for 7 days, to join with the role you choose. A shop can have up to ${limits.managers.max} managers and ${limits.others.max} people in other roles; open invitations count.`}
      >
        <div className="space-y-4">
          {actionData?.intent === "invite" && actionData.inviteLink ? (
            <SecretReveal
              title="Invitation created"
              value={actionData.inviteLink}
              note="We emailed this link to the person you invited. It is shown only now: copy it if you also want to send it another way."
            />
          ) : null}
          <InviteForm lastResult={actionData?.intent === "invite" ? actionData.result : undefined} />
        </div>
      </Card>

      <Card title="Open invitations" description="Links not yet used. Withdrawing one makes its link stop working.">
        {invitationErrors ? <div className="mb-4"><FormErrors errors={invitationErrors} /></div> : null}
        {invitations.length === 0 ? (
          <p className="text-sm text-gray-500">No open invitations.</p>
        ) : (
          <ul className="-my-2 divide-y divide-gray-100">
            {invitations.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-gray-900">{i.email}</p>
                  <p className="text-xs text-gray-500">Invited {formatDate(i.createdAt)} · expires {formatDate(i.expiresAt)}</p>
                </div>
                <div className="flex items-center gap-3">
                  <RoleBadge role={i.role} />
                  <IntentForm intent="withdraw" fields={{ invitationId: i.id }}>
                    <Button type="submit" variant="danger" size="sm">Withdraw</Button>
                  </IntentForm>
                </div>
              </li>
            ))}
          </ul>
        )}
        {actionData?.intent === "withdraw" && actionData.result.status === "success" ? (
          <div className="mt-4"><Alert tone="success">Invitation withdrawn.</Alert></div>
        ) : null}
      </Card>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
