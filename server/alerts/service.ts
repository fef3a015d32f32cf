/**
 * Alerts that reach people (issue 17 point 4, ADR 042). A check evaluates the conditions, opens an alert for each new
 * firing and resolves the alerts whose condition cleared. The database decides who sends: the partial unique index
 * alerts_one_open_uq lets one INSERT win per (condition, subject), and the compare-and-swap on resolved_at lets one
 * UPDATE win, so each message goes out once however many workers check at the same time.
 *
 * Owner alerts go through the platform's own bot (PLATFORM_BOT_TOKEN) to the owners' linked Telegram accounts,
 * never through the shop's bot, which may be the thing that broke. Operator alerts go to platform operators' linked
 * Telegram accounts through the same bot.
 */
import type { PrismaClient } from "@prisma/client";
import type { Logger } from "#server/observability/index.ts";
import { rolesFor } from "#server/auth/index.ts";
import { ROLE } from "#server/auth/shared.ts";
import { tlsExpiryConditions, type AlertAudience, type FiringCondition } from "./owner-tls.ts";
import { botSilentConditions, domainFailedConditions } from "./owner-shop.ts";
import { tenantHealthSummary } from "./health.ts";
import { backupFailureConditions, ledgerViolationConditions } from "./operator.ts";

/** Sends one text to one Telegram chat through the platform bot. */
export type PlatformSend = (chatId: string, text: string) => Promise<unknown>;

export interface AlertServiceDeps {
  prisma: PrismaClient;
  /** Absent when PLATFORM_BOT_TOKEN is not set: alerts are recorded and shown, not sent. */
  send?: PlatformSend;
  logger: Logger;
  now?: () => Date;
}

export interface AlertCheckReport {
  opened: number;
  resolved: number;
  messages: number;
}

/** The conditions this check owns; alerts of other conditions are never resolved by it. */
const CONDITIONS = ["tls_expiring", "domain_failed", "bot_silent", "backup_failing", "ledger_violation"];

export class AlertService {
  constructor(private deps: AlertServiceDeps) {}

  /** Every condition, evaluated now. Dead-letter growth is not here: see ADR 042 (it lives in Prometheus rules). */
  private async firing(now: Date): Promise<FiringCondition[]> {
    const { prisma } = this.deps;
    const lists = await Promise.all([
      tlsExpiryConditions(prisma, now), domainFailedConditions(prisma), botSilentConditions(prisma, now),
      backupFailureConditions(prisma), ledgerViolationConditions(prisma),
    ]);
    return lists.flat();
  }

  async check(): Promise<AlertCheckReport> {
    const now = this.deps.now?.() ?? new Date();
    const firing = await this.firing(now);
    const report: AlertCheckReport = { opened: 0, resolved: 0, messages: 0 };
    for (const f of firing) {
      // The resolved sentence is kept with the alert: when it clears, the condition no longer produces it.
      const details = { ...f.details, resolvedMessage: f.resolved };
      const [opened] = await this.deps.prisma.$queryRaw<Array<{ id: string }>>`
        INSERT INTO alerts (condition, subject, tenant_id, audience, message, details, opened_at)
        VALUES (${f.condition}, ${f.subject}, ${f.tenantId}::uuid, ${f.audience}, ${f.message}, ${JSON.stringify(details)}::jsonb, ${now})
        ON CONFLICT (condition, subject) WHERE resolved_at IS NULL DO NOTHING
        RETURNING id`;
      if (!opened) continue;
      report.opened++;
      const sent = await this.notify(f.audience, f.tenantId, `⚠️ ${f.message}`);
      report.messages += sent;
      await this.deps.prisma.alert.updateMany({ where: { id: opened.id, tenantId: f.tenantId }, data: { notified: sent } });
    }
    const still = new Set(firing.map((f) => `${f.condition}|${f.subject}`));
    const open = await this.deps.prisma.alert.findMany({ where: { condition: { in: CONDITIONS }, resolvedAt: null }, select: { id: true, condition: true, subject: true, tenantId: true, audience: true, details: true } });
    for (const a of open) {
      if (still.has(`${a.condition}|${a.subject}`)) continue;
      // Compare-and-swap: only the check that resolves it sends "resolved".
      const { count } = await this.deps.prisma.alert.updateMany({ where: { id: a.id, resolvedAt: null }, data: { resolvedAt: now } });
      if (!count) continue;
      report.resolved++;
      const text = (a.details as { resolvedMessage?: string }).resolvedMessage ?? `Resolved: ${a.condition} (${a.subject}).`;
      report.messages += await this.notify(a.audience === "operator" ? "operator" : ROLE.owner, a.tenantId, `✅ ${text}`);
    }
    return report;
  }

  private notify(audience: AlertAudience, tenantId: string | null, text: string): Promise<number> {
    if (audience === "operator") return this.notifyOperators(text);
    return tenantId ? this.notifyOwners(tenantId, text) : Promise.resolve(0);
  }

  /** Platform operators with a linked Telegram account. Email is not sent: there is no operator mail template yet. */
  private async notifyOperators(text: string): Promise<number> {
    const operators = await this.deps.prisma.user.findMany({
      where: { platformRole: "admin", telegramUserId: { not: null } }, select: { telegramUserId: true },
    });
    return this.sendAll(operators.map((o) => o.telegramUserId!), text, {});
  }

  /** The shop's owners with a linked Telegram account, through the platform bot; how many it reached. */
  private async notifyOwners(tenantId: string, text: string): Promise<number> {
    const owners = await this.deps.prisma.tenantUserRole.findMany({
      where: { tenantId, role: { in: [...rolesFor("alerts.receive")] }, user: { telegramUserId: { not: null } } },
      select: { user: { select: { telegramUserId: true } } },
    });
    return this.sendAll(owners.map((o) => o.user.telegramUserId!), text, { tenantId });
  }

  private async sendAll(chatIds: string[], text: string, context: Record<string, unknown>): Promise<number> {
    const { send } = this.deps;
    if (!send) return 0;
    let reached = 0;
    for (const chatId of chatIds) {
      try {
        await send(chatId, text);
        reached++;
      } catch (err) {
        // The alert stays recorded (and shown to operators); one unreachable person must not stop the others.
        this.deps.logger.warn({ err: (err as Error).message, ...context }, "alert not delivered");
      }
    }
    return reached;
  }

  /** Per-shop health records for operators (G10-5). */
  healthSummary() {
    return tenantHealthSummary(this.deps.prisma);
  }

  /** The latest alerts for the operator console, open first. */
  list(options: { open?: boolean; limit?: number } = {}) {
    return this.deps.prisma.alert.findMany({
      where: options.open ? { resolvedAt: null } : {},
      orderBy: [{ openedAt: "desc" }],
      take: Math.min(options.limit ?? 100, 500),
      select: { id: true, condition: true, subject: true, tenantId: true, audience: true, message: true, openedAt: true, resolvedAt: true, notified: true },
    });
  }
}
