/**
 * The one way to run a money mutation: a transaction that first checks the kill switch (inside itself), retries
 * deadlocks, and maps constraint violations to typed errors. A refused attempt is audited after the rollback.
 * `moneySql` is the same guard around the hot path's plain-SQL calls, whose database functions check the switch.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { assertMoneyAllowed } from "./kill-switch.ts";
import { isRetryable, killSwitchScope, mapDbError } from "./db-errors.ts";

export type Tx = Prisma.TransactionClient;

export interface MoneyAction {
  tenantId: string;
  /** e.g. "order.release"; recorded when the kill switch refuses it. */
  action: string;
  target: string;
  actor: AuditActor;
}

export const TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 } as const;

export function moneyTx<T>(prisma: PrismaClient, what: MoneyAction, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return moneySql(prisma, what, () =>
    prisma.$transaction(async (tx) => {
      await assertMoneyAllowed(tx, what.tenantId);
      return fn(tx);
    }, TX_OPTIONS),
  );
}

export async function moneySql<T>(prisma: PrismaClient, what: MoneyAction, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const scope = killSwitchScope(err);
      if (scope) {
        await writeAudit(prisma, what.actor, {
          action: "money.refused_kill_switch", tenantId: what.tenantId, target: what.target, details: { attempted: what.action, scope },
        });
        throw new ApiError(423, "KILL_SWITCH_ON", "Payments are paused by the platform; nothing was changed. Try again later.");
      }
      if (isRetryable(err) && attempt < 4) continue;
      throw mapDbError(err);
    }
  }
}
