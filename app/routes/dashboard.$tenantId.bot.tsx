import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { ApiError } from "#app/utils/api-error.server.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { can } from "#server/auth/shared.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Badge, type BadgeTone } from "#app/components/ui/badge.tsx";
import { Button, buttonClass } from "#app/components/ui/button.tsx";
import { FormErrors, TextField } from "#app/components/ui/field.tsx";
import { Alert, Card, EmptyState, formatDate } from "#app/components/ui/page.tsx";
import { CopyButton } from "#app/components/ui/copy-button.tsx";
import { Timestamp } from "#app/components/ui/timestamp.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";
import { requireParam } from "#app/utils/params.ts";

/** Hidden from every reply: a bot token is never sent back to the browser, not even after a failed attempt. */
const HIDDEN = ["token"];

// The same rule as server/bots (parseBotToken + botRegisterSchema), with messages for people; the server checks again.
const tokenField = z
  .string({ error: "Paste the token @BotFather sent you." })
  .trim()
  .max(100, "This is too long for a bot token. Copy just the token from @BotFather.")
  .regex(/^\d{5,20}:[A-Za-z0-9_-]{30,50}$/, "A bot token looks like 123456789:AAH… (digits, a colon, then letters). Copy it again from @BotFather.");
const botActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("register"), token: tokenField }),
  z.object({ intent: z.literal("revoke"), botId: z.uuid() }),
]);
const registerSchema = botActionSchema.options[0];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  const { roles } = await requireTenantRole(request, context, tenantId, { action: "bots.read", operator: false });
  const canManage = can(roles, "bots.manage");
  const { bots } = context.services;
  const rows = await bots.list(tenantId);
  let claimUnavailable: string | null = null;
  const withLinks = await Promise.all(
    rows.map(async (b) => {
      // The claim link is a secret for owners and developers, and only useful until someone claims the bot.
      let claimLink: string | null = null;
      if (canManage && b.status === "pending") {
        try {
          claimLink = (await bots.claimLink(tenantId, b.id)).claimLink;
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          claimUnavailable = err.message;
        }
      }
      return {
        id: b.id,
        username: b.username,
        status: b.status,
        paused: b.paused,
        claimLink,
        claimedAt: b.claimedAt?.toISOString() ?? null,
        lastWebhookAt: b.lastWebhookAt?.toISOString() ?? null,
        webhookSetAt: b.webhookSetAt?.toISOString() ?? null,
        menuButtonSetAt: b.menuButtonSetAt?.toISOString() ?? null,
        lastError: b.lastError,
        lastErrorAt: b.lastErrorAt?.toISOString() ?? null,
        revokedAt: b.revokedAt?.toISOString() ?? null,
        createdAt: b.createdAt.toISOString(),
      };
    }),
  );
  return { bots: withLinks, canManage, claimUnavailable, now: new Date().toISOString() };
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

type Bot = ReturnType<typeof useLoaderData<typeof loader>>["bots"][number];

const STATUS: Record<string, { tone: BadgeTone; label: string }> = {
  pending: { tone: "amber", label: "Waiting for claim" },
  active: { tone: "green", label: "Active" },
  suspended: { tone: "red", label: "Suspended" },
  revoked: { tone: "gray", label: "Revoked" },
};

function BotStatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { tone: "gray" as const, label: status };
  return (
    <span data-testid="bot-status">
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}

function EyeIcon({ open }: { open: boolean }) {
  return (
    <svg aria-hidden viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="size-4">
      <path d="M1.5 10s3-6 8.5-6 8.5 6 8.5 6-3 6-8.5 6-8.5-6-8.5-6Z" />
      <circle cx="10" cy="10" r="2.5" />
      {open ? null : <path d="M3 17 17 3" />}
    </svg>
  );
}

function RegisterForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const busy = useNavigation().formData?.get("intent") === "register";
  const [shown, setShown] = useState(false);
  // After the server refused a token, the field starts empty again (remounted): the reply never carries the token
  // (hideFields), and the one typed should not linger on screen either.
  const [attempt, setAttempt] = useState(0);
  const [seenResult, setSeenResult] = useState(lastResult);
  if (lastResult !== seenResult) {
    setSeenResult(lastResult);
    if (lastResult?.status === "error") {
      setAttempt((n) => n + 1);
      setShown(false);
    }
  }
  const [form, fields] = useForm({
    id: "register-bot",
    lastResult,
    constraint: getZodConstraint(registerSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: registerSchema }),
  });
  return (
    <Card
      title="Connect a Telegram bot"
      description="Buyers open your shop from the bot's menu button, and your team gets a private admin chat with it."
    >
      <div className="grid gap-6 md:grid-cols-[1fr_16rem]">
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <CsrfInput />
          <input type="hidden" name="intent" value="register" />
          <FormErrors id={form.errorId} errors={form.errors} />
          <TextField
            key={attempt}
            meta={fields.token}
            label="Bot token"
            type={shown ? "text" : "password"}
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            placeholder="123456789:AAH…"
            className="max-w-xl"
            help="We check the token with Telegram and store it encrypted. It is never shown again, here or anywhere else."
            addon={
              <Button
                variant="secondary"
                className="shrink-0 py-2"
                aria-pressed={shown}
                aria-controls={fields.token.id}
                onClick={() => setShown((s) => !s)}
              >
                <EyeIcon open={!shown} />
                {shown ? "Hide" : "Show"}
              </Button>
            }
          />
          <Button type="submit" disabled={busy}>{busy ? "Checking with Telegram…" : "Connect bot"}</Button>
        </Form>
        <aside aria-labelledby="botfather-help" className="rounded-lg bg-gray-50 p-4 text-sm text-gray-700">
          <h3 id="botfather-help" className="font-medium text-gray-900">Getting a token</h3>
          <ol className="mt-2 list-decimal space-y-1.5 pl-4">
            <li>
              In Telegram, open{" "}
              <a href="https://t.me/BotFather" target="_blank" rel="noreferrer" className="font-medium text-indigo-700 underline underline-offset-2">
                @BotFather
              </a>
              .
            </li>
            <li>Send <code className="rounded bg-white px-1 font-mono text-xs">/newbot</code>, then pick a name and a username ending in “bot”.</li>
            <li>Copy the token it replies with and paste it here.</li>
          </ol>
          <p className="mt-2 text-xs text-gray-500">Already have a bot? Send <code className="font-mono">/token</code> to @BotFather to get its token.</p>
        </aside>
      </div>
    </Card>
  );
}

function ClaimPanel({ link, username }: { link: string; username: string }) {
  return (
    <div className="rounded-lg border border-indigo-200 bg-indigo-50/60 p-4">
      <p className="text-sm font-semibold text-indigo-950">Claim the bot</p>
      <p className="mt-0.5 text-sm text-indigo-900">Open this link in Telegram and press Start: you become the bot’s admin. It works once.</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code data-testid="claim-link" className="min-w-0 flex-1 truncate rounded-md border border-indigo-200 bg-white px-3 py-1.5 font-mono text-xs text-gray-900 select-all">
          {link}
        </code>
        <CopyButton value={link} label="Copy link" />
        <a href={link} target="_blank" rel="noreferrer" className={buttonClass("primary", "sm")} aria-label={`Open @${username} in Telegram to claim it`}>
          Open in Telegram
        </a>
      </div>
    </div>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="py-2.5 sm:grid sm:grid-cols-[13rem_1fr] sm:gap-4">
      <dt className="text-sm text-gray-500">{label}</dt>
      <dd className="mt-0.5 min-w-0 text-sm text-gray-900 sm:mt-0">{children}</dd>
    </div>
  );
}

/** A one-off setup step at Telegram: done (when), still queued (a live bot), or not done (a dead one). */
function SetupStep({ at, now, live }: { at: string | null; now: string; live: boolean }) {
  if (!at) return live ? <span className="text-amber-700">Being set up…</span> : <span className="text-gray-500">Not set</span>;
  return (
    <span className="inline-flex flex-wrap items-center gap-x-1.5">
      <span aria-hidden className="text-emerald-600">✓</span>
      <span>Set</span>
      <Timestamp iso={at} now={now} />
    </span>
  );
}

function RevokeForm({ bot }: { bot: Bot }) {
  const busy = useNavigation().formData?.get("botId") === bot.id;
  return (
    <details className="group relative">
      <summary className={`${buttonClass("danger", "sm")} cursor-pointer list-none [&::-webkit-details-marker]:hidden`}>Revoke…</summary>
      <div className="absolute right-0 z-10 mt-2 w-72 rounded-lg border border-gray-200 bg-white p-4 text-sm shadow-lg">
        <p className="font-semibold text-gray-900">Revoke @{bot.username}?</p>
        <p className="mt-1 text-gray-600">Telegram stops sending this bot's messages to the shop, and its menu button stops opening it. This cannot be undone.</p>
        <Form method="post" className="mt-3 flex justify-end gap-2">
          <CsrfInput />
          <input type="hidden" name="intent" value="revoke" />
          <input type="hidden" name="botId" value={bot.id} />
          <Button variant="ghost" size="sm" onClick={(e) => e.currentTarget.closest("details")?.removeAttribute("open")}>
            Cancel
          </Button>
          <button
            type="submit"
            disabled={busy}
            className="inline-flex items-center rounded-md bg-red-600 px-2.5 py-1.5 text-xs font-medium text-white shadow-sm hover:bg-red-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:opacity-50"
          >
            {busy ? "Revoking…" : "Yes, revoke"}
          </button>
        </Form>
      </div>
    </details>
  );
}

function BotCard({ bot, now, canManage }: { bot: Bot; now: string; canManage: boolean }) {
  const live = bot.status === "pending" || bot.status === "active";
  const suspended = bot.status === "suspended";
  return (
    <Card
      title={
        <span className="flex flex-wrap items-center gap-2">
          <a href={`https://t.me/${bot.username}`} target="_blank" rel="noreferrer" className="text-indigo-700 hover:underline">
            @{bot.username}
          </a>
          <BotStatusBadge status={bot.status} />
          {bot.paused ? <Badge tone="amber">Notifications paused</Badge> : null}
        </span>
      }
      description={`Connected ${formatDate(bot.createdAt)}`}
      actions={canManage ? <RevokeForm bot={bot} /> : null}
    >
      <div className="space-y-4">
        {suspended ? (
          <Alert tone="error" title="This bot is suspended">
            <p>{bot.lastError ?? "Telegram stopped accepting this bot's token."}</p>
            {bot.lastErrorAt ? (
              <p className="mt-1 text-xs text-red-700/80">
                Since <Timestamp iso={bot.lastErrorAt} now={now} />
              </p>
            ) : null}
            <p className="mt-2 font-medium">
              {canManage ? "Connect it again with the form below." : "An owner or developer of this shop needs to connect it again."}
            </p>
          </Alert>
        ) : null}
        {bot.status === "pending" && bot.claimLink ? <ClaimPanel link={bot.claimLink} username={bot.username} /> : null}
        {bot.status === "pending" && !canManage ? (
          <Alert tone="info">An owner or developer of this shop has to claim the bot in Telegram before it starts working.</Alert>
        ) : null}
        <dl className="divide-y divide-gray-100">
          <Detail label="Webhook">
            <SetupStep at={bot.webhookSetAt} now={now} live={live} />
          </Detail>
          <Detail label="Menu button">
            <SetupStep at={bot.menuButtonSetAt} now={now} live={live} />
          </Detail>
          <Detail label="Last update from Telegram">
            <Timestamp iso={bot.lastWebhookAt} now={now} empty="None yet" />
          </Detail>
          <Detail label="Notifications">
            {bot.paused ? (
              <span className="text-amber-800">Paused — send /resume to the bot to turn them back on.</span>
            ) : (
              "On"
            )}
          </Detail>
          {bot.claimedAt ? (
            <Detail label="Claimed">
              <Timestamp iso={bot.claimedAt} now={now} />
            </Detail>
          ) : null}
          {suspended ? null : (
          <Detail label="Last error">
            {bot.lastError ? (
              <span className="text-red-700">
                {bot.lastError}
                {bot.lastErrorAt ? (
                  <span className="block text-xs text-gray-500">
                    <Timestamp iso={bot.lastErrorAt} now={now} />
                  </span>
                ) : null}
              </span>
            ) : (
              <span className="text-gray-500">None</span>
            )}
          </Detail>
          )}
        </dl>
      </div>
    </Card>
  );
}

export default function BotPage() {
  const { bots, canManage, claimUnavailable, now } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const live = bots.filter((b) => b.status !== "revoked");
  const revoked = bots.filter((b) => b.status === "revoked");
  const working = live.some((b) => b.status === "pending" || b.status === "active");
  const revokeErrors = actionData?.intent === "revoke" ? errorsOf(actionData.result) : undefined;
  const revokedOk = actionData?.intent === "revoke" && actionData.result.status === "success";
  return (
    <div className="space-y-6">
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
