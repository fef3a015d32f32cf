/**
 * The operator console's Email section (ADR 027): the outbox's depth by status, the age of the oldest queued
 * message, and failed messages by shop over the last 24 hours and 7 days, read straight from email_outbox.
 */
import type { PrismaClient } from "@prisma/client";

const DAY_MS = 86_400_000;

export async function loadEmailHealth(prisma: PrismaClient, now = new Date()) {
  const [byStatus, oldestQueued, failures] = await Promise.all([
    prisma.emailOutbox.groupBy({ by: ["status"], _count: { _all: true } }),
    prisma.emailOutbox.findFirst({ where: { status: "queued" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
    prisma.$queryRaw<{ tenant_id: string | null; slug: string | null; display_name: string | null; day: bigint; week: bigint; last_error: string | null }[]>`
      SELECT o.tenant_id::text, t.slug, t.display_name,
             count(*) FILTER (WHERE o.updated_at >= ${new Date(now.getTime() - DAY_MS)}) AS day,
             count(*) AS week,
             (array_agg(o.last_error ORDER BY o.updated_at DESC))[1] AS last_error
      FROM email_outbox o LEFT JOIN tenants t ON t.id = o.tenant_id
      WHERE o.status = 'failed' AND o.updated_at >= ${new Date(now.getTime() - 7 * DAY_MS)}
      GROUP BY o.tenant_id, t.slug, t.display_name
      ORDER BY day DESC, week DESC
      LIMIT 100`,
  ]);
  const depth = Object.fromEntries(["queued", "sending", "sent", "failed", "cancelled"].map((s) => [s, byStatus.find((b) => b.status === s)?._count._all ?? 0]));
  return {
    depth: depth as Record<"queued" | "sending" | "sent" | "failed" | "cancelled", number>,
    oldestQueuedSec: oldestQueued ? Math.max(0, Math.round((now.getTime() - oldestQueued.createdAt.getTime()) / 1000)) : null,
    failures: failures.map((f) => ({
      tenantId: f.tenant_id, slug: f.slug, name: f.display_name ?? "Platform mail", day: Number(f.day), week: Number(f.week), lastError: f.last_error,
    })),
  };
}
