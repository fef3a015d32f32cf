/**
 * Owner conditions beyond TLS (G10-3): a custom domain whose verification failed, and the shop's bot silent for
 * BOT_SILENT_HOURS. Silence is measured from tenant_bots.last_webhook_at (set by every accepted webhook update), or
 * from when the webhook was set if no update ever came: a bot nobody has written to for hours is worth a look.
 * Platform read across shops on purpose: the alert job looks at every shop.
 */
import type { PrismaClient } from "@prisma/client";
import { ROLE } from "#server/auth/shared.ts";
import type { FiringCondition } from "./owner-tls.ts";

export const BOT_SILENT_HOURS = 4;

export async function domainFailedConditions(prisma: PrismaClient): Promise<FiringCondition[]> {
  const rows = await prisma.tenantDomain.findMany({
    where: { status: "failed", tenant: { status: "active" } },
    select: { id: true, tenantId: true, hostname: true },
  });
  return rows.map((r) => ({
    condition: "domain_failed",
    subject: `domain:${r.id}`,
    tenantId: r.tenantId,
    audience: ROLE.owner,
    message: `The domain ${r.hostname} failed verification, so buyers cannot reach the shop there. Open the Domains tab to see what its DNS needs.`,
    resolved: `Resolved: the domain ${r.hostname} is no longer failing verification.`,
    details: { hostname: r.hostname },
  }));
}

export async function botSilentConditions(prisma: PrismaClient, now: Date): Promise<FiringCondition[]> {
  const since = new Date(now.getTime() - BOT_SILENT_HOURS * 3_600_000);
  const rows = await prisma.$queryRaw<Array<{ id: string; tenantId: string; username: string | null; last: Date }>>`
    SELECT b.id, b.tenant_id AS "tenantId", b.username, coalesce(b.last_webhook_at, b.webhook_set_at) AS last
      FROM tenant_bots b JOIN tenants t ON t.id = b.tenant_id
     WHERE b.status = 'active' AND NOT b.paused AND t.status = 'active'
       AND coalesce(b.last_webhook_at, b.webhook_set_at) < ${since}`;
  return rows.map((r) => {
    const name = r.username ? `@${r.username}` : "your shop's bot";
    return {
      condition: "bot_silent",
      subject: `bot:${r.id}`,
      tenantId: r.tenantId,
      audience: ROLE.owner,
      message: `${name} has received no update from Telegram for over ${BOT_SILENT_HOURS} hours (last at ${r.last.toISOString().slice(0, 16).replace("T", " ")} UTC). Check that the bot token was not revoked.`,
      resolved: `Resolved: ${name} is receiving updates again.`,
      details: { username: r.username, lastUpdateAt: r.last.toISOString() },
    };
  });
}
