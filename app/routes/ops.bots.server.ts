/**
 * Bot health for the operator console: every tenant's Telegram bots with the fields an operator needs to spot a
 * broken one. A narrow select: never the sealed token, webhook secret or claim token.
 */
import type { Prisma, PrismaClient } from "@prisma/client";

/** An active bot that has heard nothing from Telegram for this long is flagged (its webhook may be broken). */
export const STALE_AFTER_MS = 4 * 3_600_000;
export const BOT_HEALTH_LIMIT = 500;

const botHealthSelect = {
  id: true, username: true, status: true, paused: true, lastWebhookAt: true, webhookSetAt: true, lastError: true, lastErrorAt: true,
  createdAt: true, tenant: { select: { id: true, slug: true, displayName: true } },
} as const satisfies Prisma.TenantBotSelect;

/** Active and silent for more than STALE_AFTER_MS (or never heard from). */
function staleWhere(cutoff: Date): Prisma.TenantBotWhereInput {
  return { status: "active", OR: [{ lastWebhookAt: null }, { lastWebhookAt: { lt: cutoff } }] };
}

/** Not revoked, and suspended, stale, or with a recorded error. */
function problemWhere(cutoff: Date): Prisma.TenantBotWhereInput {
  return { status: { not: "revoked" }, OR: [{ status: "suspended" }, { lastError: { not: null } }, staleWhere(cutoff)] };
}

export async function loadBotHealth(prisma: PrismaClient, opts: { tenantId?: string; onlyProblems?: boolean; now?: Date }) {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - STALE_AFTER_MS);
  const where: Prisma.TenantBotWhereInput = {
    ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
    ...(opts.onlyProblems ? problemWhere(cutoff) : {}),
  };
  const [rows, total, problems] = await Promise.all([
    prisma.tenantBot.findMany({ where, select: botHealthSelect, orderBy: [{ createdAt: "desc" }], take: BOT_HEALTH_LIMIT }),
    prisma.tenantBot.count({ where }),
    prisma.tenantBot.count({ where: { ...(opts.tenantId ? { tenantId: opts.tenantId } : {}), ...problemWhere(cutoff) } }),
  ]);
  const bots = rows.map((b) => {
    const stale = b.status === "active" && (!b.lastWebhookAt || b.lastWebhookAt < cutoff);
    return {
      id: b.id,
      username: b.username,
      status: b.status,
      paused: b.paused,
      lastWebhookAt: b.lastWebhookAt?.toISOString() ?? null,
      webhookSetAt: b.webhookSetAt?.toISOString() ?? null,
      lastError: b.lastError,
      lastErrorAt: b.lastErrorAt?.toISOString() ?? null,
      createdAt: b.createdAt.toISOString(),
      tenant: b.tenant,
      stale,
      problem: b.status !== "revoked" && (b.status === "suspended" || b.lastError !== null || stale),
    };
  });
  // Problems first, then live bots before revoked ones; newest first within each group (the query order).
  const rank = (b: (typeof bots)[number]) => (b.problem ? 0 : b.status === "revoked" ? 2 : 1);
  bots.sort((a, b) => rank(a) - rank(b));
  return { bots, total, problems, now: now.toISOString() };
}

export type BotHealthRow = Awaited<ReturnType<typeof loadBotHealth>>["bots"][number];
