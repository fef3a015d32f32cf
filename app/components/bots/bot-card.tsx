import { Form, useNavigation } from "@remix-run/react";
import type { BotRow } from "#app/routes/dashboard.$tenantId.bot.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Badge, type BadgeTone } from "#app/components/ui/badge.tsx";
import { Button, buttonClass } from "#app/components/ui/button.tsx";
import { Alert, Card, formatDate } from "#app/components/ui/page.tsx";
import { CopyButton } from "#app/components/ui/copy-button.tsx";
import { Timestamp } from "#app/components/ui/timestamp.tsx";

type Bot = BotRow;

const STATUS: Record<string, { tone: BadgeTone; label: string }> = {
  pending: { tone: "amber", label: "Waiting for claim" },
  active: { tone: "green", label: "Active" },
  suspended: { tone: "red", label: "Suspended" },
  revoked: { tone: "gray", label: "Revoked" },
};

export function BotStatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { tone: "gray" as const, label: status };
  return (
    <span data-testid="bot-status">
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
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

export function BotCard({ bot, now, canManage }: { bot: Bot; now: string; canManage: boolean }) {
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
