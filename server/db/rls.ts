/**
 * Row-level security's second floor (ADR 044). The migration `roles_rls` puts a `tenant_scope` policy on every table
 * with a tenant_id column: for the app roles, a transaction that has set `app.tenant_id` sees and writes only that
 * tenant's rows, so a query that forgets its `where: { tenantId }` returns this shop's rows and never another's.
 * The floor in the query (STYLE rule 7, ADR 015) stays the first one; this one only catches what it misses.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import type { SqlRunner } from "./client.ts";

/** What a scoped function gets: the transaction, with the same delegates as the client. */
export type ScopedDb = Prisma.TransactionClient;

/**
 * Runs `fn` in one interactive transaction whose `app.tenant_id` is `tenantId` (set_config's third argument makes it
 * transaction-local, so a pooled connection never carries it into someone else's request). Connected as the owner
 * or storefront_platform the policy does not apply and this is just a transaction.
 */
export function withTenantScope<T>(prisma: PrismaClient, tenantId: string, fn: (db: ScopedDb) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
    return fn(tx);
  });
}

/**
 * The same scope for plain SQL (ADR 010's hot paths): `fn` gets a runner bound to one transaction with
 * `app.tenant_id` set; its own `transaction` joins that one rather than opening a second connection.
 */
export function withTenantScopeSql<T>(run: SqlRunner, tenantId: string, fn: (sql: SqlRunner) => Promise<T>): Promise<T> {
  return run.transaction(async (query) => {
    await query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId], "tenant_scope_set");
    return fn({ query, transaction: (inner) => inner(query) });
  });
}
