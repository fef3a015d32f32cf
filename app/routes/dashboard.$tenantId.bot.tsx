import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { ApiError } from "#app/utils/api-error.server.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { BotCard, BotStatusBadge } from "#app/components/bots/bot-card.tsx";
import { botActionSchema, HIDDEN } from "#app/components/bots/bot-schema.ts";
import { RegisterForm } from "#app/components/bots/register-form.tsx";
import { PauseToggle } from "#app/components/bots/pause-toggle.tsx";
import { acceptingOrders } from "#app/utils/shop-pause.server.ts";
import { FormErrors } from "#app/components/ui/field.tsx";
import { Alert, Card, EmptyState, formatDate } from "#app/components/ui/page.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";
import { requireParam } from "#app/utils/params.ts";
import { loadBotRows } from "./dashboard.$tenantId.bot.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "bots.read", operator: false });
  const canManage = can(roles, "bots.manage");
  const [{ bots, claimUnavailable }, accepting] = await Promise.all([loadBotRows(context, tenantId, canManage), acceptingOrders(context.services.prisma, tenantId)]);
  return { bots, canManage, claimUnavailable, now: new Date().toISOString(), tenantId, accepting, canPause: can(roles, "shop.pause") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "bots.manage", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: botActionSchema });
  const intent = formData.get("intent") === "revoke" ? ("revoke" as const) : ("register" as const);
  if (submission.status !== "success") return json({ intent, result: submission.reply({ hideFields: HIDDEN }), registered: null }, { status: 400 });
  const { bots } = context.services;
  const input = submission.value;
  try {
    if (input.intent === "register") {
      const { bot } = await bots.register(auditActor(context), tenantId, input.token);
      return json({ intent, result: submission.reply({ resetForm: true }), registered: bot.username });
    }
    await bots.revoke(auditActor(context), tenantId, input.botId);
    return json({ intent, result: submission.reply({ hideFields: HIDDEN }), registered: null });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // A refused token belongs next to the token field; Telegram or the secret store being down is the whole form's.
    const onField = input.intent === "register" && (err.code === "BOT_TOKEN_INVALID" || err.code === "BOT_TAKEN");
    const result = onField
      ? submission.reply({ fieldErrors: { token: [err.message] }, hideFields: HIDDEN })
      : submission.reply({ formErrors: [err.message], hideFields: HIDDEN });
    return json({ intent, result, registered: null }, { status: err.status });
  }
}

export default function BotPage() {
  const { bots, canManage, claimUnavailable, now, tenantId, accepting, canPause } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const live = bots.filter((b) => b.status !== "revoked");
  const revoked = bots.filter((b) => b.status === "revoked");
  const working = live.some((b) => b.status === "pending" || b.status === "active");
  const revokeErrors = actionData?.intent === "revoke" ? errorsOf(actionData.result) : undefined;
  const revokedOk = actionData?.intent === "revoke" && actionData.result.status === "success";
  return (
    <div className="space-y-6">
      <PauseToggle tenantId={tenantId} accepting={accepting} canPause={canPause} />
      {!canManage ? <Alert tone="info">Only owners and developers can connect, claim or revoke the shop’s bot. You are seeing it read-only.</Alert> : null}
      {actionData?.registered ? (
        <Alert tone="success" title={`@${actionData.registered} is connected`}>
          Telegram is being pointed at your shop. Claim the bot below to become its admin.
        </Alert>
      ) : null}
      {revokedOk ? <Alert tone="success">Bot revoked. Telegram no longer sends it to your shop.</Alert> : null}
      {claimUnavailable ? <Alert tone="warning" title="The claim link is unavailable">{claimUnavailable}</Alert> : null}
      {revokeErrors ? <FormErrors errors={revokeErrors} /> : null}

      {live.map((b) => (
        <BotCard key={b.id} bot={b} now={now} canManage={canManage} />
      ))}

      {!working && canManage ? <RegisterForm lastResult={actionData?.intent === "register" ? actionData.result : undefined} /> : null}
      {!working && !canManage && live.length === 0 ? (
        <EmptyState title="No Telegram bot yet" description="An owner or developer can connect the shop’s own bot, made with @BotFather in Telegram." />
      ) : null}

      {revoked.length ? (
        <Card title="Revoked bots" description="Bots this shop used before. They no longer reach the shop.">
          <ul className="-my-2 divide-y divide-gray-100">
            {revoked.map((b) => (
              <li key={b.id} className="flex flex-wrap items-center justify-between gap-2 py-2.5 text-sm">
                <span className="flex items-center gap-2">
                  <span className="font-medium text-gray-700">@{b.username}</span>
                  <BotStatusBadge status={b.status} />
                </span>
                <span className="text-xs text-gray-500">
                  Connected {formatDate(b.createdAt, false)} · revoked {formatDate(b.revokedAt)}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
