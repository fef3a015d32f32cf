import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { ApiError, replyWithApiError } from "#app/utils/api-error.server.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { DnsRecordsTable } from "#app/components/ui/dns-records-table.tsx";
import { FormErrors } from "#app/components/ui/field.tsx";
import { Alert, Card, formatDate } from "#app/components/ui/page.tsx";
import { MessageList } from "#app/components/notifications/message-list.tsx";
import { SenderForm, senderFormSchema } from "#app/components/notifications/sender-form.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";
import { requireParam } from "#app/utils/params.ts";
import { loadNotifications, visibleEmail } from "./dashboard.$tenantId.notifications.server.ts";

const actionSchema = z.discriminatedUnion("intent", [
  senderFormSchema,
  z.object({ intent: z.literal("verify"), integrationId: z.uuid() }),
  z.object({ intent: z.literal("test"), integrationId: z.uuid() }),
  z.object({ intent: z.literal("remove"), integrationId: z.uuid() }),
]);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "notifications.read", operator: false });
  return { ...(await loadNotifications(context, tenantId, roles)), canManage: can(roles, "notifications.manage") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "notifications.manage", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: actionSchema });
  const intent = String(formData.get("intent") ?? "");
  if (submission.status !== "success") return json({ intent, result: submission.reply({ hideFields: ["password"] }), tested: null }, { status: 400 });
  const { shopSender } = context.services;
  const input = submission.value;
  const actor = auditActor(context);
  try {
    switch (input.intent) {
      case "save": {
        const { intent: _i, ...body } = input;
        await shopSender.save(actor, tenantId, { ...body, enabled: body.enabled ?? false });
        break;
      }
      case "verify":
        await shopSender.verifyDns(actor, tenantId, input.integrationId);
        break;
      case "test": {
        const sent = await shopSender.testSend(actor, tenantId, input.integrationId);
        return json({ intent, result: submission.reply(), tested: visibleEmail(roles, sent.to) });
      }
      case "remove":
        await shopSender.remove(actor, tenantId, input.integrationId);
        break;
    }
  } catch (err) {
    const result = replyWithApiError(submission, err, { SMTP_HOST_REFUSED: "host", SMTP_PASSWORD_REQUIRED: "password", SMTP_TLS_REQUIRED: "tls" });
    // A refused test send changed the sender's status and added a failed message: answer 200 so Remix reloads the
    // page's data (it skips revalidation after a 4xx action) and both show next to the server's reason.
    const recorded = err instanceof ApiError && err.code === "SMTP_TEST_FAILED";
    return json({ intent, result, tested: null }, { status: recorded ? 200 : err instanceof ApiError ? err.status : 400 });
  }
  return json({ intent, result: submission.reply({ hideFields: ["password"] }), tested: null });
}

const SENDER_STATUS = {
  active: { tone: "green", label: "Working" },
  error: { tone: "red", label: "Not working" },
  disabled: { tone: "gray", label: "Turned off" },
} as const;

function SenderActions({ integrationId }: { integrationId: string }) {
  const busy = useNavigation().formData?.get("intent");
  const button = (intent: string, label: string, busyLabel: string, variant: "secondary" | "danger" = "secondary") => (
    <Form method="post">
      <CsrfInput />
      <input type="hidden" name="integrationId" value={integrationId} />
      <Button type="submit" name="intent" value={intent} variant={variant} size="sm" disabled={Boolean(busy)}>{busy === intent ? busyLabel : label}</Button>
    </Form>
  );
  return (
    <div className="flex flex-wrap gap-2">
      {button("verify", "Verify DNS", "Checking…")}
      {button("test", "Send test email", "Sending…")}
      {button("remove", "Remove sender", "Removing…", "danger")}
    </div>
  );
}

export default function NotificationsPage() {
  const { sender, messages, messageLimit, ownerEmail, canManage } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const saveResult = actionData?.intent === "save" ? actionData.result : undefined;
  const otherErrors = actionData && actionData.intent !== "save" ? errorsOf(actionData.result) : undefined;
  const status = sender && sender.status in SENDER_STATUS ? SENDER_STATUS[sender.status as keyof typeof SENDER_STATUS] : null;
  return (
    <div className="space-y-6">
      {!canManage ? <Alert tone="info">Only owners and developers can change the shop’s mail sender. You are seeing it read-only.</Alert> : null}
      {actionData?.tested ? <Alert tone="success" title="Test email sent">Your mail server accepted it for {actionData.tested}.</Alert> : null}
      {otherErrors ? <FormErrors errors={otherErrors} /> : null}

      <Card
        title="Mail sender"
        description="Order confirmations, receipts and alerts go out from your own address through your mail server. Without one, they come from the platform with your shop’s name."
        actions={status ? <Badge tone={status.tone}>{status.label}</Badge> : <Badge>Platform sender</Badge>}
      >
        {sender ? (
          <div className="mb-4 space-y-2 text-sm" data-testid="sender-summary">
            <p className="text-gray-700">
              <span className="font-medium text-gray-900">{sender.fromName ? `${sender.fromName} <${sender.fromAddress}>` : sender.fromAddress}</span> through{" "}
              <span className="font-mono">{sender.host}:{sender.port}</span>
            </p>
            {sender.lastError ? <Alert tone="error" title="The last attempt failed">{sender.lastError}</Alert> : null}
            {!sender.inUse && sender.status === "active" ? (
              <Alert tone="warning">Your mail still goes through the platform until “Verify DNS” finds the DKIM record below on {sender.fromAddress.split("@")[1]}.</Alert>
            ) : null}
            {sender.lastTest ? <p className="text-xs text-gray-500">Last test email {formatDate(sender.lastTest.at)}: {sender.lastTest.ok ? "accepted" : "failed"}.</p> : null}
            {canManage ? <SenderActions integrationId={sender.id} /> : null}
            {canManage && ownerEmail ? <p className="text-xs text-gray-500">The test email goes to the shop’s owner, {ownerEmail}.</p> : null}
          </div>
        ) : null}
        {canManage ? (
          <SenderForm
            key={sender?.updatedAt ?? "new"}
            passwordSet={sender?.passwordSet ?? false}
            lastResult={saveResult}
            defaults={sender ? { ...sender, enabled: sender.status !== "disabled" } : null}
          />
        ) : !sender ? (
          <p className="text-sm text-gray-500">The shop uses the platform sender.</p>
        ) : null}
      </Card>

      {sender ? (
        <Card title="DNS records to publish" description="Add these TXT records where your domain’s DNS is hosted, then press “Verify DNS”.">
          <DnsRecordsTable records={sender.records} caption="DNS records for the shop's mail" />
          {sender.dns ? (
            <div className="mt-4 space-y-2 text-sm" data-testid="dns-check">
              <p className="text-xs text-gray-500">Checked {formatDate(sender.dns.checkedAt)}</p>
              <p>{sender.dns.spf.ok ? "✓ SPF authorises your mail server." : `✗ ${sender.dns.spf.problem}`}</p>
              <p>{sender.dns.dkim.ok ? "✓ The DKIM key is published." : `✗ ${sender.dns.dkim.problem}`}</p>
            </div>
          ) : null}
        </Card>
      ) : null}

      <Card title="Messages" description={`The shop’s last ${messageLimit} emails and what happened to each.`}>
        <MessageList messages={messages} />
      </Card>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
