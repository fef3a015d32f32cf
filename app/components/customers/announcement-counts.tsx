import type { AnnouncementSummary } from "#server/customers/index.ts";

/** Sent / failed / opted out per channel (G14-6); "waiting" while the bot is still working through them. */
export function AnnouncementCounts({ a }: { a: AnnouncementSummary }) {
  const tg = a.telegram;
  return (
    <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-5" data-testid="announcement-counts">
      <Count label="Targets" value={a.targets} />
      <Count label="Telegram sent" value={tg.sent} testId="tg-sent" />
      <Count label="Telegram waiting" value={tg.queued + tg.sending} />
      <Count label="Failed" value={tg.failed + a.email.failed} />
      <Count label="Opted out" value={tg.opted_out + a.email.opted_out} />
      <Count label="Emails queued" value={a.email.sent} />
    </dl>
  );
}

function Count({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div className="rounded-xl bg-gray-50 px-3 py-2">
      <dt className="text-xs text-gray-500">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums text-gray-900" data-testid={testId}>{value}</dd>
    </div>
  );
}
