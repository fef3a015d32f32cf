/**
 * The audit log (docs/security.md 14): one append-only row per mutation and operator action. Rows are written inside the
 * mutation's transaction, so an action that rolls back leaves no audit row and a committed one always has one.
 * The table refuses UPDATE and DELETE (trigger in the first migration).
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { type SqlQuery, pageArgs, pageOf } from "#server/db/index.ts";

type Db = PrismaClient | Prisma.TransactionClient;

export interface AuditActor {
  userId: string | null;
  kind: "user" | "operator" | "system" | "token";
  ip?: string | null;
}

export interface AuditEntry {
  action: string;
  tenantId?: string | null;
  target?: string | null;
  reason?: string | null;
  details?: Prisma.InputJsonValue;
}

// One INSERT for both ways of writing: through Prisma (most mutations) and plain SQL (the money hot path).
const AUDIT_INSERT = `INSERT INTO audit_log (id, actor_id, actor_kind, ip, tenant_id, action, target, reason, details)
  VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4::uuid, $5, $6, $7, $8::jsonb)`;
const auditValues = (actor: AuditActor, entry: AuditEntry) => [
  actor.userId, actor.kind, actor.ip ?? null, entry.tenantId ?? null, entry.action, entry.target ?? null, entry.reason ?? null, JSON.stringify(entry.details ?? {}),
];

export async function writeAudit(db: Db, actor: AuditActor, entry: AuditEntry) {
  await db.$executeRawUnsafe(AUDIT_INSERT, ...auditValues(actor, entry));
}

/** The same row, written with a plain-SQL transaction's query function. */
export async function writeAuditSql(query: SqlQuery, actor: AuditActor, entry: AuditEntry) {
  await query(AUDIT_INSERT, auditValues(actor, entry), "audit_insert");
}

export interface AuditFilter {
  tenantId?: string;
  actorId?: string;
  /** Prefix match, e.g. "tenant." for every tenant action. */
  action?: string;
  /** The id of the last row of the previous page (newest first). */
  before?: string;
  limit?: number;
}

export async function listAudit(prisma: PrismaClient, filter: AuditFilter) {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const rows = await prisma.auditLog.findMany({
    where: {
      ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
      ...(filter.actorId ? { actorId: filter.actorId } : {}),
      ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    },
    // The cursor row must pass the same tenant floor as the page, or another tenant's id would position this one's.
    ...pageArgs(limit, filter.before ? (filter.tenantId ? { id: filter.before, tenantId: filter.tenantId } : { id: filter.before }) : undefined),
  });
  return pageOf(rows, limit);
}
