/**
 * Announcements (G14-3..6): a message to the shop's opted-in customers, through its bot (customers with a linked
 * Telegram) and by email. Creating one writes a recipient row per customer and channel in one transaction that also
 * enforces "2 per shop per 24 h" under a lock on the shop's row; the send job works through the rows.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { inTenant, type TenantScope } from "#server/db/index.ts";
import { ApiError } from "#server/http/index.ts";
import { enqueueMail, mailLocale } from "#server/mail/index.ts";
import { unsubscribePath } from "./consent.ts";
import { customerWhere } from "./queries.ts";
import { ANNOUNCEMENTS_PER_DAY, type AnnouncementInput } from "./shared.ts";

const DAY_MS = 86_400_000;

export interface CreateDeps {
  prisma: PrismaClient;
  /** Signs unsubscribe links (MONEY_SECRET). */
  secret: string;
  /** The origin of the shop's host for the unsubscribe link: its primary verified domain, else its platform subdomain. */
  shopOrigin: (shop: { slug: string; primaryHost: string | null }) => string;
}

/** Whether the shop may announce now: throws 429 with the wait when two went out in the last 24 h. */
async function checkDailyLimit(tx: Prisma.TransactionClient, scope: TenantScope, now: Date) {
  // The shop's row lock serialises two concurrent announcements of one shop, so both cannot pass the count.
  const [tenant] = await tx.$queryRaw<{ lifted: Date | null }[]>`
    SELECT announcement_limit_lifted_until AS lifted FROM tenants WHERE id = ${scope.tenantId}::uuid FOR UPDATE`;
  if (tenant?.lifted && tenant.lifted > now) return;
  const recent = await tx.announcement.findMany({
    where: { tenantId: scope.tenantId, createdAt: { gt: new Date(now.getTime() - DAY_MS) } },
    select: { createdAt: true }, orderBy: { createdAt: "asc" },
  });
  if (recent.length >= ANNOUNCEMENTS_PER_DAY) {
    const waitSec = Math.ceil((recent[recent.length - ANNOUNCEMENTS_PER_DAY]!.createdAt.getTime() + DAY_MS - now.getTime()) / 1000);
    throw new ApiError(429, "ANNOUNCEMENT_LIMIT", `A shop can send ${ANNOUNCEMENTS_PER_DAY} announcements in 24 hours. Try again later.`, undefined, Math.max(1, waitSec));
  }
}

/** Creates the announcement and its recipient rows; the caller enqueues the send job after commit. */
export async function createAnnouncement(deps: CreateDeps, scope: TenantScope, actor: AuditActor, input: AnnouncementInput, now = new Date()) {
  return deps.prisma.$transaction(async (tx) => {
    await checkDailyLimit(tx, scope, now);
    const tenant = await tx.tenant.findUniqueOrThrow({
      where: { id: scope.tenantId },
      select: {
        slug: true, displayName: true, localeDefaults: true,
        // The link opens where the shop lives: a verified primary domain (active, or degraded but still serving).
        domains: { where: { isPrimary: true, status: { in: ["active", "degraded"] } }, select: { hostname: true }, take: 1 },
      },
    });
    const origin = deps.shopOrigin({ slug: tenant.slug, primaryHost: tenant.domains[0]?.hostname ?? null });
    const audience = input.audience === "filter" ? input.filter : {};
    const customers = await tx.customer.findMany({
      where: inTenant(scope, { ...customerWhere(audience), marketingOptIn: true }),
      select: { id: true, email: true, telegramUserId: true },
    });
    const a = await tx.announcement.create({
      data: { tenantId: scope.tenantId, body: input.body, audience: { kind: input.audience, filter: audience }, createdBy: actor.userId, targetsCount: customers.length },
      select: { id: true },
    });
    const rows = customers.flatMap((c) => [
      ...(c.telegramUserId ? [{ announcementId: a.id, customerId: c.id, channel: "telegram" as const }] : []),
      // Email is handed to the outbox here, in this transaction: its row is the message's state from now on.
      { announcementId: a.id, customerId: c.id, channel: "email" as const, state: "sent" as const },
    ]);
    await tx.announcementRecipient.createMany({ data: rows.map((r) => inTenant(scope, r)), skipDuplicates: true });
    const locale = mailLocale(tenant.localeDefaults);
    for (const c of customers) {
      await enqueueMail(tx, {
        tenantId: scope.tenantId, template: "shop.announcement", locale, to: c.email, dedupeKey: `announcement:${a.id}:${c.id}`,
        data: { shopName: tenant.displayName, body: input.body, unsubscribeUrl: `${origin}${unsubscribePath(deps.secret, scope, c.id)}` },
      });
    }
    await writeAudit(tx, actor, { action: "announcement.create", tenantId: scope.tenantId, target: a.id, details: { targets: customers.length, audience: input.audience } });
    return { id: a.id, targets: customers.length };
    // One outbox row per customer: thousands of inserts must not hit Prisma's 5 s interactive-transaction default.
  }, { timeout: 120_000, maxWait: 10_000 });
}

/** Operators lift (hours > 0) or restore (0) the daily limit for a shop; audited. */
export async function liftAnnouncementLimit(prisma: PrismaClient, scope: TenantScope, actor: AuditActor, o: { hours: number; reason: string }) {
  const until = o.hours > 0 ? new Date(Date.now() + o.hours * 3_600_000) : null;
  return prisma.$transaction(async (tx) => {
    await tx.tenant.update({ where: { id: scope.tenantId }, data: { announcementLimitLiftedUntil: until } });
    await writeAudit(tx, actor, { action: "announcement.limit_lift", tenantId: scope.tenantId, reason: o.reason, details: { until: until?.toISOString() ?? null } });
    return { liftedUntil: until?.toISOString() ?? null };
  });
}

export type RecipientCounts = Record<"queued" | "sending" | "sent" | "failed" | "opted_out", number>;
export interface AnnouncementSummary { id: string; body: string; createdAt: string; targets: number; telegram: RecipientCounts; email: RecipientCounts }

const zero = (): RecipientCounts => ({ queued: 0, sending: 0, sent: 0, failed: 0, opted_out: 0 });

/** The log (G14-6): newest first, with delivery counts per channel; `id` narrows it to one announcement. */
export async function announcementLog(prisma: PrismaClient, scope: TenantScope, o: { id?: string; limit?: number } = {}): Promise<AnnouncementSummary[]> {
  const list = await prisma.announcement.findMany({
    where: inTenant(scope, o.id ? { id: o.id } : {}), orderBy: { createdAt: "desc" }, take: o.limit ?? 50,
    select: { id: true, body: true, createdAt: true, targetsCount: true },
  });
  if (!list.length) return [];
  const counts = await prisma.announcementRecipient.groupBy({
    by: ["announcementId", "channel", "state"], where: { tenantId: scope.tenantId, announcementId: { in: list.map((a) => a.id) } }, _count: { _all: true },
  });
  return list.map((a) => {
    const s = { id: a.id, body: a.body, createdAt: a.createdAt.toISOString(), targets: a.targetsCount, telegram: zero(), email: zero() };
    for (const c of counts.filter((x) => x.announcementId === a.id)) s[c.channel][c.state] = c._count._all;
    return s;
  });
}

/** Deletes announcements (and their recipient rows) older than 12 months, across shops: the retention sweep. */
export async function sweepAnnouncements(prisma: PrismaClient, now = new Date()) {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - 12);
  return prisma.$executeRaw`DELETE FROM announcements WHERE created_at < ${cutoff}`;
}
