/**
 * One page of the audit log as the console shows it: the rows from listAudit plus, batch-loaded, the actors'
 * emails and the tenants' slugs (two queries for the page, never one per row).
 */
import type { PrismaClient } from "@prisma/client";
import { beforeCursorSchema } from "#server/db/index.ts";
import { listAudit, type AuditFilter } from "#server/audit/index.ts";
import type { AuditRow } from "./audit-table.tsx";

/** The `before` cursor from the URL; anything that is not a row id means "from the newest". */
export function parseBefore(value: string | null): string | undefined {
  return value && beforeCursorSchema.safeParse(value).success ? value : undefined;
}

export async function loadAuditRows(prisma: PrismaClient, filter: AuditFilter): Promise<{ rows: AuditRow[]; nextBefore: string | null }> {
  const { items, nextBefore } = await listAudit(prisma, filter);
  const actorIds = [...new Set(items.flatMap((i) => (i.actorId ? [i.actorId] : [])))];
  const tenantIds = [...new Set(items.flatMap((i) => (i.tenantId ? [i.tenantId] : [])))];
  const [users, tenants] = await Promise.all([
    actorIds.length ? prisma.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, email: true } }) : [],
    tenantIds.length ? prisma.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, slug: true } }) : [],
  ]);
  const emailById = new Map(users.map((u) => [u.id, u.email]));
  const slugById = new Map(tenants.map((t) => [t.id, t.slug]));
  const rows = items.map((i) => {
    const hasDetails = i.details !== null && typeof i.details === "object" && Object.keys(i.details).length > 0;
    return {
      id: i.id,
      createdAt: i.createdAt.toISOString(),
      actorId: i.actorId,
      actorEmail: i.actorId ? (emailById.get(i.actorId) ?? null) : null,
      actorKind: i.actorKind,
      tenantId: i.tenantId,
      tenantSlug: i.tenantId ? (slugById.get(i.tenantId) ?? null) : null,
      action: i.action,
      target: i.target,
      reason: i.reason,
      ip: i.ip,
      details: hasDetails ? JSON.stringify(i.details, null, 2) : null,
    };
  });
  return { rows, nextBefore };
}
