/**
 * Alerts that reach people (issue 17 point 4, ADR 042). A check evaluates the conditions, opens an alert for each new
 * firing and resolves the alerts whose condition cleared. The database decides who sends: the partial unique index
 * alerts_one_open_uq lets one INSERT win per (condition, subject), and the compare-and-swap on resolved_at lets one
 * UPDATE win, so each message goes out once however many workers check at the same time.
 *
 * Owner alerts go through the platform's own bot (PLATFORM_BOT_TOKEN) to the owners' linked Telegram accounts,
 * never through the shop's bot, which may be the thing that broke.
 */
import type { PrismaClient } from "@prisma/client";
import type { Logger } from "#server/observability/index.ts";
import { rolesFor } from "#server/auth/index.ts";
import { tlsExpiryConditions } from "./owner-tls.ts";

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
const OWNER_CONDITIONS = ["tls_expiring"];

export class AlertService {
  constructor(private deps: AlertServiceDeps) {}

  async check(): Promise<AlertCheckReport> {
    const now = this.deps.now?.() ?? new Date();
    const firing = await tlsExpiryConditions(this.deps.prisma, now);
    const report: AlertCheckReport = { opened: 0, resolved: 0, messages: 0 };
    for (const f of firing) {
      const [opened] = await this.deps.prisma.$queryRaw<Array<{ id: string }>>`
        INSERT INTO alerts (condition, subject, tenant_id, audience, message, details, opened_at)
        VALUES (${f.condition}, ${f.subject}, ${f.tenantId}::uuid, 'owner', ${f.message}, ${JSON.stringify(f.details)}::jsonb, ${now})
        ON CONFLICT (condition, subject) WHERE resolved_at IS NULL DO NOTHING
        RETURNING id`;
      if (!opened) continue;
      report.opened++;
      const sent = await this.notifyOwners(f.tenantId, `⚠️ ${f.message}`);
      report.messages += sent;
      await this.deps.prisma.alert.updateMany({ where: { id: opened.id, tenantId: f.tenantId }, data: { notified: sent } });
    }
    const still = new Set(firing.map((f) => `${f.condition}|${f.subject}`));
    const open = await this.deps.prisma.alert.findMany({ where: { condition: { in: OWNER_CONDITIONS }, resolvedAt: null }, select: { id: true, condition: true, subject: true, tenantId: true, details: true } });
    for (const a of open) {
      if (still.has(`${a.condition}|${a.subject}`)) continue;
      // Compare-and-swap: only the check that resolves it sends "resolved".
      const { count } = await this.deps.prisma.alert.updateMany({ where: { id: a.id, resolvedAt: null }, data: { resolvedAt: now } });
      if (!count || !a.tenantId) continue;
      report.resolved++;
      const hostname = (a.details as { hostname?: string }).hostname ?? "your domain";
      report.messages += await this.notifyOwners(a.tenantId, `✅ Resolved: the HTTPS certificate for ${hostname} is valid again.`);
    }
    return report;
  }

  /** The shop's owners with a linked Telegram account, through the platform bot; how many it reached. */
  private async notifyOwners(tenantId: string, text: string): Promise<number> {
    const { send } = this.deps;
    if (!send) return 0;
    const owners = await this.deps.prisma.tenantUserRole.findMany({
      where: { tenantId, role: { in: [...rolesFor("alerts.receive")] }, user: { telegramUserId: { not: null } } },
      select: { user: { select: { telegramUserId: true } } },
    });
    let reached = 0;
    for (const o of owners) {
      try {
        await send(o.user.telegramUserId!, text);
        reached++;
      } catch (err) {
        // The alert stays recorded (and shown to operators); one unreachable owner must not stop the others.
        this.deps.logger.warn({ err: (err as Error).message, tenantId }, "owner alert not delivered");
      }
    }
    return reached;
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
