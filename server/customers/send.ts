/**
 * The announcement send job: works through the announcement's queued Telegram recipients, one message each.
 * Exactly-once per recipient: a row goes queued → sending (compare-and-set) before the call and sending → sent after
 * it, so a retried job never picks a row twice; a row a crashed run left in `sending` may or may not have been
 * delivered, and is marked failed rather than sent again. Opt-out is re-read for every row.
 */
import type { PrismaClient } from "@prisma/client";
import { shopBotSender, TelegramBadRequestError, TelegramRateLimitError, TelegramTimeoutError, TelegramUnauthorizedError, TelegramUnavailableError, type BotSender, type BroadcastDeps } from "#server/bots/index.ts";
import type { TenantScope } from "#server/db/index.ts";
import { TELEGRAM_FOOTER } from "./shared.ts";

const BATCH = 200;
/** A row in `sending` untouched this long belongs to a run that died (live runs touch it at least every retry_after). */
const STALE_SENDING_SEC = 300;
/** 429s in a row for one message before the job gives up (and is retried later by BullMQ). */
const MAX_RATE_LIMITS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


type Row = { id: string; chat: string | null; opted_in: boolean };

async function mark(prisma: PrismaClient, scope: TenantScope, id: string, from: string, to: string, error: string | null = null) {
  const n = await prisma.$executeRaw`
    UPDATE announcement_recipients SET state = ${to}::"AnnouncementRecipientState", error = ${error}, updated_at = now()
    WHERE id = ${id}::uuid AND tenant_id = ${scope.tenantId}::uuid AND state = ${from}::"AnnouncementRecipientState"`;
  return n === 1;
}

export async function sendAnnouncement(deps: BroadcastDeps, scope: TenantScope, announcementId: string) {
  const { prisma } = deps;
  const a = await prisma.announcement.findUnique({ where: { tenantId_id: { tenantId: scope.tenantId, id: announcementId } }, select: { body: true } });
  if (!a) return { sent: 0 };
  // Left in `sending` by a run that died mid-call: delivery unknown, never resent. A live run (a duplicate job may be
  // sending right now) touches its row before every wait, so only rows untouched for STALE_SENDING are a dead run's.
  await prisma.$executeRaw`
    UPDATE announcement_recipients SET state = 'failed', error = 'interrupted while sending; not resent', updated_at = now()
    WHERE tenant_id = ${scope.tenantId}::uuid AND announcement_id = ${announcementId}::uuid AND channel = 'telegram' AND state = 'sending'
      AND updated_at < now() - make_interval(secs => ${STALE_SENDING_SEC})`;
  const sender = await shopBotSender(deps, scope.tenantId);
  if (!sender) {
    await prisma.$executeRaw`
      UPDATE announcement_recipients SET state = 'failed', error = 'the shop has no active bot', updated_at = now()
      WHERE tenant_id = ${scope.tenantId}::uuid AND announcement_id = ${announcementId}::uuid AND channel = 'telegram' AND state = 'queued'`;
    return { sent: 0 };
  }
  const text = a.body + TELEGRAM_FOOTER;
  let sent = 0;
  for (;;) {
    const rows = await prisma.$queryRaw<Row[]>`
      SELECT r.id::text, c.telegram_user_id AS chat, c.marketing_opt_in AS opted_in
      FROM announcement_recipients r JOIN customers c ON c.id = r.customer_id AND c.tenant_id = r.tenant_id
      WHERE r.tenant_id = ${scope.tenantId}::uuid AND r.announcement_id = ${announcementId}::uuid AND r.channel = 'telegram' AND r.state = 'queued'
      ORDER BY r.id LIMIT ${BATCH}`;
    if (!rows.length) return { sent };
    for (const row of rows) {
      if (!row.opted_in || !row.chat) {
        await mark(prisma, scope, row.id, "queued", "opted_out");
        continue;
      }
      if (!(await mark(prisma, scope, row.id, "queued", "sending"))) continue;
      const touch = () => prisma.$executeRaw`UPDATE announcement_recipients SET updated_at = now() WHERE id = ${row.id}::uuid AND tenant_id = ${scope.tenantId}::uuid AND state = 'sending'`;
      const outcome = await deliverOne(sender, row.chat, text, `announcement-${row.id}`, touch);
      if (outcome === "retry-later") {
        // Nothing was delivered (server error or the circuit is open): back to the queue, and the job retries.
        await mark(prisma, scope, row.id, "sending", "queued");
        throw new Error(`announcement ${announcementId}: the Bot API is failing; retrying later`);
      }
      await mark(prisma, scope, row.id, "sending", outcome === "sent" ? "sent" : "failed", outcome === "sent" ? null : outcome);
      if (outcome === "sent") sent++;
      if (outcome === "bot token rejected") {
        await prisma.$executeRaw`
          UPDATE announcement_recipients SET state = 'failed', error = 'bot token rejected', updated_at = now()
          WHERE tenant_id = ${scope.tenantId}::uuid AND announcement_id = ${announcementId}::uuid AND channel = 'telegram' AND state = 'queued'`;
        return { sent };
      }
    }
  }
}

/** One message, honouring 429 retry_after in place (the row stays `sending`, so no other run takes it). */
async function deliverOne(sender: BotSender, chat: string, text: string, key: string, touch: () => Promise<unknown>) {
  for (let limited = 0; ; limited++) {
    await sender.slot();
    try {
      await sender.send(chat, text, key);
      return "sent" as const;
    } catch (err) {
      if (err instanceof TelegramRateLimitError && limited < MAX_RATE_LIMITS) {
        await touch();
        await sleep((err.retryAfterSec ?? 1) * 1_000);
        continue;
      }
      if (err instanceof TelegramUnauthorizedError) return "bot token rejected";
      // Blocked the bot, chat not found, …: this recipient cannot get it.
      if (err instanceof TelegramBadRequestError) return `refused: ${err.message}`.slice(0, 300);
      // No answer: Telegram may have delivered it; never send twice.
      if (err instanceof TelegramTimeoutError && !(err instanceof TelegramUnavailableError)) return "no answer from Telegram; not resent";
      return "retry-later" as const;
    }
  }
}
