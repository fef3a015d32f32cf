/**
 * Double-entry ledger (MONEY.md "Ledger"). A posting is a set of entries summing to zero per currency, written in
 * the caller's transaction with a UNIQUE idempotency key: posting the same key again writes nothing. Balances move
 * by trigger in the same transaction; the database refuses overdrafts, edits and unbalanced postings.
 */
import type { LedgerAccountKind } from "@prisma/client";
import { randomUUID } from "node:crypto";
import type { Tx } from "./money-tx.ts";
import { canonical, toUnits } from "./amounts.ts";
import { failpoint } from "./failpoints.ts";

export interface AccountRef {
  kind: LedgerAccountKind;
  /** What the account is for besides its kind: the order (buyer_clearing) or the rail (external). */
  scope?: string;
}

export interface PostingInput {
  tenantId: string;
  key: string;
  kind: string;
  currency: string;
  orderId?: string | null;
  memo?: string;
  entries: Array<{ account: AccountRef; amount: string }>;
}

export function accountKey(tenantId: string, currency: string, a: AccountRef) {
  return [a.kind, a.scope, tenantId, currency].filter(Boolean).join(":");
}

async function accountIds(tx: Tx, tenantId: string, currency: string, refs: AccountRef[]) {
  const wanted = new Map(refs.map((r) => [accountKey(tenantId, currency, r), r]));
  const keys = [...wanted.keys()];
  const kinds = keys.map((k) => wanted.get(k)!.kind);
  await tx.$executeRaw`
    INSERT INTO ledger_accounts (id, tenant_id, key, kind, currency)
    SELECT gen_random_uuid(), ${tenantId}::uuid, k, kd::"LedgerAccountKind", ${currency}
    FROM unnest(${keys}::text[], ${kinds}::text[]) AS t(k, kd)
    ON CONFLICT (key) DO NOTHING`;
  const rows = await tx.ledgerAccount.findMany({ where: { tenantId, key: { in: keys } }, select: { id: true, key: true } });
  return new Map(rows.map((r) => [r.key, r.id]));
}

/** Writes the posting unless its key exists; returns whether it was a replay. */
export async function post(tx: Tx, p: PostingInput): Promise<{ postingId: string | null; replayed: boolean }> {
  const sum = p.entries.reduce((s, e) => s + toUnits(e.amount), 0n);
  if (sum !== 0n) throw new Error(`posting ${p.key} does not sum to zero`);
  const id = randomUUID();
  const inserted = await tx.$executeRaw`
    INSERT INTO ledger_postings (id, tenant_id, idempotency_key, kind, order_id, memo)
    VALUES (${id}::uuid, ${p.tenantId}::uuid, ${p.key}, ${p.kind}, ${p.orderId ?? null}::uuid, ${p.memo ?? null})
    ON CONFLICT (idempotency_key) DO NOTHING`;
  if (inserted === 0) return { postingId: null, replayed: true };
  const ids = await accountIds(tx, p.tenantId, p.currency, p.entries.map((e) => e.account));
  const entries = p.entries
    .filter((e) => toUnits(e.amount) !== 0n)
    .map((e) => ({ tenantId: p.tenantId, postingId: id, accountId: ids.get(accountKey(p.tenantId, p.currency, e.account))!, amount: canonical(e.amount), currency: p.currency }))
    // A fixed lock order on account rows: concurrent postings never deadlock on each other's balances.
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  await tx.ledgerEntry.createMany({ data: entries });
  failpoint("ledger.after-entries");
  return { postingId: id, replayed: false };
}

export async function balanceOf(tx: Tx, tenantId: string, currency: string, a: AccountRef) {
  const row = await tx.ledgerAccount.findFirst({ where: { tenantId, key: accountKey(tenantId, currency, a) }, select: { balance: true } });
  return row ? row.balance.toFixed() : "0";
}
