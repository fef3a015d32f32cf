import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { requireUser } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { accountMeta, describeUserAgent, withoutPassword } from "#app/utils/session.server.ts";
import { AppShell } from "#app/components/ui/app-shell.tsx";
import { FormErrors } from "#app/components/ui/field.tsx";
import { Alert, Card, PageHeader, formatDate } from "#app/components/ui/page.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { SecretReveal } from "#app/components/ui/copy-button.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";
import { accountActionSchema, PASSWORD_FIELDS } from "#app/components/account/account-schema.ts";
import { CreateTokenForm } from "#app/components/account/create-token-form.tsx";
import { IntentButton } from "#app/components/account/intent-button.tsx";
import { PasswordForm } from "#app/components/account/password-form.tsx";
import { SignOutOthersForm } from "#app/components/account/sign-out-others-form.tsx";
import { revokedSummary } from "#app/components/account/revoked-summary.tsx";
import { EmailVerification } from "#app/components/account/email-verification.tsx";
import { TelegramLinkCard } from "#app/components/account/telegram-link-card.tsx";
import { createTelegramLink, linkableShops, unlinkTelegram } from "#app/utils/telegram-link.server.ts";

export const meta: MetaFunction = () => [{ title: "Account — Storefront" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = requireUser(request, context);
  const [sessions, tokens, verification, shops] = await Promise.all([
    context.services.auth.listSessions(actor.userId),
    context.services.auth.listApiTokens(actor.userId),
    context.services.prisma.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { emailVerifiedAt: true, telegramUserId: true } }),
    linkableShops(context.services.prisma, actor.userId),
  ]);
  const now = Date.now();
  return {
    user: { email: actor.email, displayName: actor.displayName, isOperator: actor.isOperator, emailVerifiedAt: verification.emailVerifiedAt?.toISOString() ?? null },
    telegram: { linked: verification.telegramUserId !== null, shops: shops.map((s) => ({ tenantId: s.tenantId, name: s.tenant.displayName })) },
    sessionDays: Math.round(context.services.auth.sessionTtlSec / 86_400),
    sessions: sessions
      .map((s) => ({
        id: s.id,
        ip: s.ip,
        device: describeUserAgent(s.userAgent),
        current: s.id === actor.sessionId,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
      }))
      .sort((a, b) => Number(b.current) - Number(a.current)),
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      prefix: t.prefix,
      createdAt: t.createdAt.toISOString(),
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
      expiresAt: t.expiresAt?.toISOString() ?? null,
      state: t.revokedAt ? ("revoked" as const) : t.expiresAt && t.expiresAt.getTime() <= now ? ("expired" as const) : ("active" as const),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = requireUser(request, context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const intent = String(formData.get("intent") ?? "");
  const submission = parseWithZod(formData, { schema: accountActionSchema });
  const reply = withoutPassword(submission, PASSWORD_FIELDS);
  const answer = (result: ReturnType<typeof reply.reply>, o: { token?: string; ended?: { sessions: number; tokens: number }; telegramLink?: string } = {}, status = 200) =>
    json({ intent, result, token: o.token ?? null, ended: o.ended ?? null, telegramLink: o.telegramLink ?? null }, { status });
  if (submission.status !== "success") return answer(reply.reply(), {}, 400);
  const meta = { ip: context.request.ip, userAgent: context.request.userAgent };
  const { auth } = context.services;
  const input = submission.value;
  try {
    switch (input.intent) {
      case "createToken": {
        const { token } = await auth.createApiToken(actor, { name: input.name, expiresInDays: input.expiresInDays }, meta);
        // The secret leaves the server this once; only its hash is stored.
        return answer(reply.reply({ resetForm: true }), { token });
      }
      case "revokeToken":
        await auth.revokeApiToken(actor, input.tokenId, meta);
        return answer(reply.reply());
      case "signOutOthers":
        return answer(reply.reply(), { ended: await auth.signOutEverywhere(actor, meta, { revokeApiTokens: input.revokeApiTokens }) });
      case "changePassword":
        return answer(reply.reply({ resetForm: true }), { ended: await auth.changePassword(actor, input, meta) });
      case "linkTelegram":
        return answer(reply.reply(), { telegramLink: (await createTelegramLink(context.services.prisma, actor.userId, input.tenantId)).link });
      case "unlinkTelegram":
        await unlinkTelegram(context.services.prisma, actor.userId);
        return answer(reply.reply());
      case "resendVerification":
        await context.services.recovery.resendVerification(actor.userId, meta, accountMeta(request, context).mail);
        return answer(reply.reply());
    }
  } catch (err) {
    return answer(replyWithApiError(reply, err, { INVALID_CURRENT_PASSWORD: "currentPassword" }), {}, 400);
  }
}

export default function AccountPage() {
  const { user, telegram, sessionDays, sessions, tokens } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const others = sessions.filter((s) => !s.current).length;
  const activeTokens = tokens.filter((t) => t.state === "active").length;
  const ended = actionData?.intent === "signOutOthers" ? actionData.ended : null;
  return (
    <AppShell user={user}>
      <div className="mx-auto max-w-4xl space-y-6">
        <PageHeader title="Account" description="Your profile, where you are signed in, and your API tokens." />

        <Card title="Profile">
          <dl className="grid gap-4 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-gray-500">Email</dt>
              <dd className="mt-0.5 font-medium break-all text-gray-900" data-testid="account-email">{user.email}</dd>
              <dd className="mt-1">
                <EmailVerification verifiedAt={user.emailVerifiedAt} result={actionData?.intent === "resendVerification" ? actionData.result : undefined} />
              </dd>
            </div>
            <div>
              <dt className="text-gray-500">Name</dt>
              <dd className="mt-0.5 text-gray-900">{user.displayName ?? "—"}</dd>
            </div>
            <div>
              <dt className="text-gray-500">Platform role</dt>
              <dd className="mt-0.5">{user.isOperator ? <Badge tone="indigo">Operator</Badge> : <span className="text-gray-900">Merchant</span>}</dd>
            </div>
          </dl>
        </Card>

        <TelegramLinkCard linked={telegram.linked} shops={telegram.shops} link={actionData?.telegramLink ?? null} />

        <Card title="Password" description="Changing it signs you out everywhere else.">
          <PasswordForm
            lastResult={actionData?.intent === "changePassword" ? actionData.result : undefined}
            changed={actionData?.intent === "changePassword" ? actionData.ended : null}
          />
        </Card>

        <Card
          title="Where you're signed in"
          description={`A sign-in lasts ${sessionDays} days unless you sign out.`}
          actions={others > 0 || activeTokens > 0 ? <SignOutOthersForm /> : null}
        >
          {ended ? (
            <div className="mb-4">
              <Alert tone="success">{revokedSummary(ended)}</Alert>
            </div>
          ) : null}
          <ul className="-my-2 divide-y divide-gray-100">
            {sessions.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div>
                  <p className="text-sm font-medium text-gray-900">
                    {s.device}
                    {s.current ? <span className="ml-2"><Badge tone="green">This device</Badge></span> : null}
                  </p>
                  <p className="text-xs text-gray-500">{s.ip ?? "unknown IP"} · signed in {formatDate(s.createdAt)}</p>
                </div>
                <p className="text-xs text-gray-500">Last active {formatDate(s.lastSeenAt)}</p>
              </li>
            ))}
          </ul>
        </Card>

        <Card title="API tokens" description="Personal tokens act as you on the API (Authorization: Bearer sfp_…). Treat them like passwords.">
          <div className="space-y-5">
            {actionData?.intent === "createToken" && actionData.token ? (
              <SecretReveal
                title="Your new API token"
                value={actionData.token}
                note="Copy it now: it is shown only once and cannot be recovered. If you lose it, revoke it and create another."
              />
            ) : null}
            <CreateTokenForm lastResult={actionData?.intent === "createToken" ? actionData.result : undefined} />
            {actionData?.intent === "revokeToken" ? (
              actionData.result.status === "success" ? <Alert tone="success">Token revoked.</Alert> : <FormErrors errors={errorsOf(actionData.result)} />
            ) : null}
            {tokens.length === 0 ? (
              <p className="text-sm text-gray-500">You have no API tokens yet.</p>
            ) : (
              <div className="-mx-5 overflow-x-auto border-t border-gray-100">
                <table className="min-w-full divide-y divide-gray-100 text-sm">
                  <thead className="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                    <tr>
                      <th scope="col" className="px-5 py-2.5">Name</th>
                      <th scope="col" className="px-5 py-2.5">Token</th>
                      <th scope="col" className="px-5 py-2.5">Created</th>
                      <th scope="col" className="px-5 py-2.5">Last used</th>
                      <th scope="col" className="px-5 py-2.5">Expires</th>
                      <th scope="col" className="px-5 py-2.5"><span className="sr-only">Actions</span></th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-gray-100">
                    {tokens.map((t) => (
                      <tr key={t.id} className={t.state === "active" ? "" : "text-gray-400"}>
                        <td className="px-5 py-3 font-medium text-gray-900">{t.name}</td>
                        <td className="px-5 py-3 font-mono text-xs">{t.prefix}…</td>
                        <td className="px-5 py-3 whitespace-nowrap">{formatDate(t.createdAt, false)}</td>
                        <td className="px-5 py-3 whitespace-nowrap">{t.lastUsedAt ? formatDate(t.lastUsedAt) : "Never"}</td>
                        <td className="px-5 py-3 whitespace-nowrap">{t.expiresAt ? formatDate(t.expiresAt, false) : "Never"}</td>
                        <td className="px-5 py-3 text-right">
                          {t.state === "active" ? (
                            <IntentButton intent="revokeToken" fields={{ tokenId: t.id }} variant="danger">Revoke</IntentButton>
                          ) : (
                            <Badge tone="gray">{t.state === "revoked" ? "Revoked" : "Expired"}</Badge>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        </Card>
      </div>
    </AppShell>
  );
}

export { ShellRouteError as ErrorBoundary } from "#app/components/ui/route-error.tsx";
