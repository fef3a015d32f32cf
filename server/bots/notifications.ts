/**
 * Order and shop notifications to a tenant's bot admins (BOT-7). `notifyTenantAdmins` enqueues one job per
 * (bot, admin chat) with a job id derived from the event id, so the same event twice sends one message.
 * Delivery: rate-limited per bot token, retried with backoff that honours Telegram's retry_after, dead-lettered
 * after the last attempt; a 401 suspends the bot and shows the owner why in the dashboard.
 */
import type { PrismaClient } from "@prisma/client";
import type { Queue, Job } from "bullmq";
import type { RedisClient } from "#server/redis.ts";
import { rolesFor } from "#server/auth/index.ts";
import { hit } from "#server/http/index.ts";
import { enqueueJob, failpoint, DelayedError, RetryAfterError, UnrecoverableError } from "#server/jobs/index.ts";
import type { SecretBox } from "#server/secrets/index.ts";
import { TelegramRateLimitError, TelegramUnauthorizedError, TelegramUnavailableError, type TelegramClient } from "./telegram-client.ts";
import { openToken } from "./sealed.ts";
import type { BotRegistry } from "./registry.ts";
import type { SqlQuery } from "#server/db/index.ts";
import { dashboardOrderUrl } from "./shop-orders.ts";

/** Telegram allows about 30 messages a second per bot; stay under it. */
export const SENDS_PER_SECOND_PER_BOT = 25;
/** Per chat: Telegram asks for about one message a second, with short bursts tolerated. */
export const SENDS_PER_SECOND_PER_CHAT = 3;

export interface NotificationEvent {
  /** Stable id of what happened (e.g. "order.paid:<orderId>"): the deduplication key. */
  id: string;
  text: string;
  /** The order it is about: the alert gets a "View" button to its dashboard page, and its buyer may be told (ADR 032). */
  orderId?: string;
  /** The order event ("paid", "shipped", …) when it is one. */
  kind?: string;
  /** A second line for the buyer too, e.g. the carrier, number and tracking link of a shipment. */
  detail?: string;
}

const ACTIVE_BOTS = `SELECT id::text, admin_telegram_user_id AS "adminTelegramUserId" FROM tenant_bots
  WHERE tenant_id = $1::uuid AND status = 'active' AND paused = false`;

/**
 * Queues one message per bot and admin chat. This runs after every order event, so the bot lookup is plain SQL:
 * a prepared statement through `sql` when the caller has the pool (the app; ADR 010), else through Prisma.
 */
export async function notifyTenantAdmins(deps: { prisma: PrismaClient; queue: Queue; sql?: SqlQuery; dashboardOrigin?: () => string }, tenantId: string, event: NotificationEvent) {
  type Bot = { id: string; adminTelegramUserId: string | null };
  const bots = deps.sql
    ? await deps.sql<Bot>(ACTIVE_BOTS, [tenantId], "active_bots")
    : await deps.prisma.$queryRawUnsafe<Bot[]>(ACTIVE_BOTS, tenantId);
  if (!bots.length) return { queued: 0 }; // most shops have no bot: no need to look up who would be told
  const members = await deps.prisma.tenantUserRole.findMany({
    where: { tenantId, role: { in: [...rolesFor("bots.admin")] }, user: { telegramUserId: { not: null } } },
    select: { user: { select: { telegramUserId: true } } },
  });
  let queued = 0;
  const viewUrl = event.orderId && deps.dashboardOrigin ? dashboardOrderUrl(deps.dashboardOrigin(), tenantId, event.orderId) : undefined;
  for (const bot of bots) {
    const chats = new Set([bot.adminTelegramUserId, ...members.map((m) => m.user.telegramUserId)].filter((c): c is string => Boolean(c)));
    for (const chatId of chats) {
      await enqueueJob(deps.queue, "bots.notify", { tenantId, botId: bot.id, chatId, eventId: event.id, text: event.text, ...(viewUrl ? { viewUrl } : {}) }, { jobId: notificationJobId(event.id, bot.id, chatId) });
      queued++;
    }
  }
  return { queued };
}

export function notificationJobId(eventId: string, botId: string, chatId: string) {
  // BullMQ ids may not contain ":" runs that look like its own keys; keep it simple and deterministic.
  return `notify-${Buffer.from(`${eventId}|${botId}|${chatId}`).toString("base64url")}`;
}

/**
 * How long a delivered notification's job id is remembered. Telegram has no idempotency key, so a worker killed after
 * Telegram accepted the message but before BullMQ marked the job completed would send it again on the retry; the
 * marker, written right after the send, makes that retry a no-op (docs/decisions/023-failure-behaviour.md). What is
 * left is a crash between Telegram's answer and this one Redis write.
 */
const SENT_MARK_TTL_SEC = 7 * 86_400;
const sentKey = (prefix: string, jobId: string | undefined) => `${prefix}notify-sent:${jobId}`;

export async function deliverNotification(
  deps: { prisma: PrismaClient; redis: RedisClient; prefix: string; box: () => SecretBox; telegram: (token: string) => TelegramClient; registry: BotRegistry },
  data: { tenantId: string; botId: string; chatId: string; text: string; viewUrl?: string; buyerUpdate?: { orderId: string; event: string } },
  job: Job,
  token?: string,
) {
  const { buyerUpdate } = data;
  if (!buyerUpdate) return deliverOnce(deps, data, job, token);
  // A buyer's update: the (order, event) marker is inserted in the transaction around the send; a concurrent
  // duplicate waits on its key and then finds it, a failed send rolls it back for the retry (ADR 032).
  await deps.prisma.$transaction(async (tx) => {
    const fresh = await tx.$executeRaw`INSERT INTO order_buyer_updates (tenant_id, order_id, event, chat_id)
      VALUES (${data.tenantId}::uuid, ${buyerUpdate.orderId}::uuid, ${buyerUpdate.event}, ${data.chatId}) ON CONFLICT DO NOTHING`;
    if (fresh === 1) await deliverOnce(deps, data, job, token);
  }, { maxWait: 10_000, timeout: 30_000 });
}

async function deliverOnce(
  deps: Parameters<typeof deliverNotification>[0],
  data: Parameters<typeof deliverNotification>[1],
  job: Job,
  token?: string,
) {
  const bot = await deps.prisma.tenantBot.findUnique({ where: { id: data.botId, tenantId: data.tenantId }, select: { id: true, status: true, encryptedToken: true } });
  if (!bot || bot.status !== "active") return; // Revoked or suspended since: nothing to send.
  if (await deps.redis.exists(sentKey(deps.prefix, job.id))) return; // Sent before a crash; only the completion was lost.

  const slot = await hit(deps.redis, deps.prefix, { name: "bot-send", limit: SENDS_PER_SECOND_PER_BOT, windowMs: 1_000 }, bot.id);
  // Telegram also limits each chat (about one message a second, short bursts allowed).
  const chat = slot.allowed ? await hit(deps.redis, deps.prefix, { name: "bot-chat-send", limit: SENDS_PER_SECOND_PER_CHAT, windowMs: 1_000 }, `${bot.id}:${data.chatId}`) : slot;
  if (!chat.allowed && token) {
    // Over this token's budget: come back after the window without spending an attempt.
    await job.moveToDelayed(Date.now() + chat.retryAfterSec * 1_000, token);
    throw new DelayedError();
  }
  try {
    const markup = data.viewUrl ? { reply_markup: { inline_keyboard: [[{ text: "View", url: data.viewUrl }]] } } : {};
    await deps.telegram(openToken(deps.box(), bot)).sendMessage({ chat_id: Number(data.chatId), text: data.text, ...markup }, { idempotencyKey: String(job.id) });
    await deps.redis.set(sentKey(deps.prefix, job.id), "1", "EX", SENT_MARK_TTL_SEC);
    failpoint("bots.after-send");
  } catch (err) {
    if (err instanceof TelegramUnauthorizedError) {
      await deps.registry.recordError(bot.id, err); // suspends the bot; the dashboard shows the owner why
      throw new UnrecoverableError("Telegram rejected the bot token");
    }
    if (err instanceof TelegramRateLimitError) throw new RetryAfterError("Telegram rate limit", (err.retryAfterSec ?? 1) * 1_000);
    if (err instanceof TelegramUnavailableError && token) {
      // Nothing was sent (the circuit is open): come back when it lets a call through, without spending an attempt.
      await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
      throw new DelayedError();
    }
    throw err;
  }
}
