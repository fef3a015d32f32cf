/**
 * Double-entry ledger (docs/money.md "Ledger"). A posting is a set of entries summing to zero per currency, written in
 * the caller's transaction by the database function `ledger_post` with a UNIQUE idempotency key: posting the same
 * key again writes nothing. Balances move by trigger when the transaction commits (ADR 010); the database refuses
 * overdrafts, edits and unbalanced postings.
 */
import type { LedgerAccountKind } from "@prisma/client";
import type { Tx } from "./money-tx.ts";
import { canonical, toUnits } from "./amounts.ts";
import { failpoint } from "#server/jobs/index.ts";

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

export function accountKey(tenantId: string, currency: string, account: AccountRef) {
  return [account.kind, account.scope, tenantId, currency].filter(Boolean).join(":");
}

/** The entries as the database function `ledger_post` takes them: account key and kind, signed amount. */
export function postingEntries(posting: Pick<PostingInput, "tenantId" | "currency" | "entries">) {
  const sum = posting.entries.reduce((s, e) => s + toUnits(e.amount), 0n);
  if (sum !== 0n) throw new Error(`posting for ${posting.tenantId} does not sum to zero`);
  return posting.entries.map((e) => ({ key: accountKey(posting.tenantId, posting.currency, e.account), kind: e.account.kind, amount: canonical(e.amount) }));
}

/** Writes the posting unless its key exists (`ledger_post`, one statement); returns whether it was a replay. */
export async function post(tx: Tx, posting: PostingInput): Promise<{ postingId: string | null; replayed: boolean }> {
  const entries = JSON.stringify(postingEntries(posting));
  const [row] = await tx.$queryRaw<{ id: string | null }[]>`
    SELECT ledger_post(${posting.tenantId}::uuid, ${posting.key}, ${posting.kind}, ${posting.currency}, ${posting.orderId ?? null}::uuid, ${posting.memo ?? null}, ${entries}::jsonb)::text AS id`;
  if (!row?.id) return { postingId: null, replayed: true };
  failpoint("ledger.after-entries");
  return { postingId: row.id, replayed: false };
}
