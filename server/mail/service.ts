/**
 * services.mail (ADR 026): delivery of the mail outbox. Callers write rows with `enqueueMail` inside the transaction of
 * the event that causes the mail and may `kick()` after commit; the `mail.sweep` job kicks on its own, so nothing
 * depends on the kick. `deliver()` is the `mail.deliver` job's body; `stats()` and `listForTenant()` feed the pages.
 */
import type { Queue } from "bullmq";
import type { Env } from "#server/env.ts";
import { incCounter, registerFamilies, type Logger, type Registry } from "#server/observability/index.ts";
import { platformBrand } from "./brand.ts";
import { deliverMessage, type DeliveryOutcome, type MailConfig, type MailDeps } from "./deliver.ts";
import { queueDueMessages, reclaimStuck, scheduleDelivery } from "./sweep.ts";
import { fileTransport, MailSendError, parseAddress, redactSmtpUrl, smtpTransport, type MailTransport } from "./transport.ts";

export const EMAIL_STATUSES = ["queued", "sending", "sent", "failed", "cancelled"] as const;

export interface MailServiceDeps extends MailDeps {
  /** The platform job queue (`mail.deliver` jobs). */
  queue: Queue;
}

export interface OutboxListItem {
  id: string;
  template: string;
  locale: string;
  recipient: string;
  subject: string | null;
  status: (typeof EMAIL_STATUSES)[number];
  attempts: number;
  lastError: string | null;
  sender: string | null;
  nextAttemptAt: Date;
  sentAt: Date | null;
  createdAt: Date;
}

export interface OutboxStats {
  byStatus: Record<(typeof EMAIL_STATUSES)[number], number>;
  /** Seconds the longest-waiting due `queued` message has been due (0 when none). */
  oldestDueSeconds: number;
  sentLast24h: number;
  failedLast24h: number;
}

export class MailService {
  constructor(private deps: MailServiceDeps) {}

  /** Queues delivery jobs for due rows (idempotent: one job per row and attempt). Never throws: the sweep catches up. */
  async kick(): Promise<number> {
    try {
      return await queueDueMessages(this.deps.prisma, this.deps.queue, this.deps.config.leaseMs);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, "mail kick failed; the sweep will queue the messages");
      return 0;
    }
  }

  /** The `mail.sweep` job: takes back rows a dead worker left `sending`, then queues everything due. */
  async sweep() {
    const reclaimed = await reclaimStuck(this.deps.prisma, this.deps.config.leaseMs);
    if (reclaimed) this.deps.logger.warn({ reclaimed }, "mail left sending past its lease taken back");
    const queued = await queueDueMessages(this.deps.prisma, this.deps.queue, this.deps.config.leaseMs);
    return { reclaimed, queued };
  }

  /** One delivery attempt of one row (the `mail.deliver` job, which passes its tenantId: null for platform mail). */
  deliver(messageId: string, attempt: number, tenantId?: string | null): Promise<DeliveryOutcome> {
    const { prisma, redis, prefix, logger, config, transport, shopSender, prepare, attachment } = this.deps;
    return deliverMessage(
      {
        prisma, redis, prefix, logger, config, transport, shopSender, prepare, attachment,
        schedule: (row, delayMs) =>
          scheduleDelivery(this.deps.queue, row, delayMs).catch((err: Error) => logger.warn({ err: err.message, messageId: row.id }, "mail retry not queued; the sweep will")),
        counted: (event) => void incCounter(redis, prefix, `mail_${event === "retried" ? "retries" : event}_total`).catch(() => {}),
      },
      messageId,
      attempt,
      tenantId,
    );
  }

  /** The shop's latest messages, newest first (the Notifications page). */
  async listForTenant(tenantId: string, limit = 100): Promise<OutboxListItem[]> {
    const rows = await this.deps.prisma.emailOutbox.findMany({
      where: { tenantId },
      orderBy: { createdAt: "desc" },
      take: Math.min(100, Math.max(1, Math.floor(limit))),
      select: { id: true, template: true, locale: true, recipient: true, subject: true, status: true, attempts: true, lastError: true, sender: true, nextAttemptAt: true, sentAt: true, createdAt: true },
    });
    return rows;
  }

  /** Outbox depth by status and the last day's outcomes (the operator console, /metrics). */
  async stats(): Promise<OutboxStats> {
    const [counts, [extra]] = await Promise.all([
      this.deps.prisma.emailOutbox.groupBy({ by: ["status"], _count: { _all: true } }),
      this.deps.prisma.$queryRaw<{ oldest: number | null; sent: number; failed: number }[]>`
        SELECT (SELECT extract(epoch FROM now() - min(next_attempt_at))::float8 FROM email_outbox WHERE status = 'queued' AND next_attempt_at <= now()) AS oldest,
               (SELECT count(*)::int FROM email_outbox WHERE status = 'sent' AND sent_at > now() - interval '24 hours') AS sent,
               (SELECT count(*)::int FROM email_outbox WHERE status = 'failed' AND updated_at > now() - interval '24 hours') AS failed`,
    ]);
    const byStatus = Object.fromEntries(EMAIL_STATUSES.map((s) => [s, 0])) as OutboxStats["byStatus"];
    for (const c of counts) byStatus[c.status] = c._count._all;
    return { byStatus, oldestDueSeconds: Math.max(0, Math.round(extra?.oldest ?? 0)), sentLast24h: extra?.sent ?? 0, failedLast24h: extra?.failed ?? 0 };
  }

  /** Adds the outbox families to an app's /metrics registry (read from Postgres at scrape time). */
  registerMetrics(registry: Registry) {
    registerFamilies(registry, () => this.stats(), [
      {
        name: "mail_outbox_messages", help: "Mail outbox rows by status (queued and sending are the depth still to deliver).", type: "gauge", labelNames: ["status"],
        samples: (s) => EMAIL_STATUSES.map((status) => ({ labels: { status }, value: s.byStatus[status] })),
      },
      { name: "mail_outbox_oldest_due_seconds", help: "How long the longest-waiting due queued message has been due.", type: "gauge", samples: (s) => [{ value: s.oldestDueSeconds }] },
    ]);
  }

  close() {
    this.deps.transport.close();
  }
}

/** MailConfig from the environment. */
export function mailConfigFromEnv(env: Env): MailConfig {
  const from = env.MAIL_FROM ? parseAddress(env.MAIL_FROM) : { name: env.PLATFORM_DOMAIN, address: `noreply@${env.PLATFORM_DOMAIN}` };
  return {
    from,
    platformBrand: platformBrand(env, from.name),
    links: env,
    maxAttempts: env.MAIL_MAX_ATTEMPTS,
    retryBaseMs: env.MAIL_RETRY_BASE_MS,
    sendTimeoutMs: env.MAIL_SEND_TIMEOUT_MS,
    leaseMs: env.MAIL_SENDING_LEASE_MS,
    limits: { perRecipientPerHour: env.MAIL_PER_RECIPIENT_PER_HOUR, perShopPerHour: env.MAIL_PER_SHOP_PER_HOUR },
  };
}

/**
 * The platform's transport: SMTP_URL; else, outside production, a .eml file per message in MAIL_DIR. A production web
 * process may run without SMTP_URL (it never delivers; env.ts requires it where workers run), and gets a transport
 * that refuses, so a misrouted delivery is retried by a worker rather than lost.
 */
export function platformTransport(env: Env, logger: Logger): MailTransport {
  if (env.SMTP_URL) {
    logger.info({ smtp: redactSmtpUrl(env.SMTP_URL) }, "platform mail goes through SMTP");
    return smtpTransport(env.SMTP_URL, env.MAIL_SEND_TIMEOUT_MS);
  }
  if (env.NODE_ENV !== "production") return fileTransport(env.MAIL_DIR, logger);
  return {
    kind: "smtp",
    send: () => Promise.reject(new MailSendError("SMTP_URL is not set in this process", false)),
    close: () => {},
  };
}
